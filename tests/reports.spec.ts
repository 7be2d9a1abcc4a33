import fs from 'node:fs';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { renderConformanceHtml } from '../reporting/html-report';
import { splitEvidence, type ConformanceReport } from '../reporting/model';
import { parseReason } from '../reporting/reasons';
import { renderMatrixHtml } from '../reporting/matrix';
import { brokenRun, filesUnder, referenceRun, runDir, schemaErrors, type ReportRun } from './support/report-runs';
import { runEntry, runScript } from './support/run-suite';
import { CLI } from '../harness/paths';

/**
 * The reports of one conformance run: conformance.json (against its JSON Schema), conformance.html,
 * JUnit XML, Playwright's HTML report and Allure results, from a run against the reference server
 * and one against a server broken on a MUST and a SHOULD. The same two runs feed every test here.
 */

test.describe.configure({ mode: 'default' });

let reference: ReportRun;
let broken: ReportRun;

test.beforeAll(async () => {
  test.setTimeout(400_000);
  [reference, broken] = await Promise.all([referenceRun('reference'), brokenRun('broken')]);
});

test('every conformance.json validates against reporting/conformance.schema.json', () => {
  expect(reference.report, reference.output).toBeDefined();
  expect(broken.report, broken.output).toBeDefined();
  expect(schemaErrors(reference.report)).toEqual([]);
  expect(schemaErrors(broken.report)).toEqual([]);

  // The broken run exercises the optional parts: fail and non-strict verdicts with evidence.
  const verdicts = Object.fromEntries(broken.report!.requirements.map((r) => [r.id, r.verdict]));
  expect(verdicts['LOC-REMOVE-QUEUED-409']).toBe('fail');
  expect(verdicts['RANGE-416-CONTENT-RANGE']).toBe('non-strict');
  const withEvidence = broken.report!.requirements.flatMap((r) => r.tests).filter((t) => t.evidence?.length);
  expect(withEvidence.length).toBeGreaterThan(1);
  expect(reference.report!.verdict).toBe('conformant');
  expect(broken.report!.verdict).toBe('non-conformant');

  // And the schema is not a rubber stamp.
  const leaky = structuredClone(broken.report!);
  leaky.requirements
    .find((r) => r.tests.some((t) => t.evidence))!
    .tests.find((t) => t.evidence)!.evidence![0].request.headers['X-Auth-Token'] = 'gAAAAA-not-redacted';
  expect(schemaErrors(leaky).join('\n')).toMatch(/X-Auth-Token/);
  const drifted = structuredClone(reference.report!) as unknown as Record<string, unknown>;
  delete drifted.summary;
  drifted.extra = true;
  expect(schemaErrors(drifted).length).toBeGreaterThanOrEqual(2);
});

test('one run writes conformance.json and .html, JUnit XML, the Playwright HTML report and Allure results', () => {
  for (const run of [reference, broken]) {
    for (const f of [
      'conformance.json',
      'conformance.html',
      'junit.xml',
      'html/index.html',
      'allure-results/environment.properties',
    ]) {
      expect(fs.existsSync(path.join(run.dir, f)), `${f} in ${run.dir}`).toBe(true);
    }
    const results = filesUnder(path.join(run.dir, 'allure-results')).filter((f) => f.endsWith('-result.json'));
    const tests = run.report!.requirements.reduce((n, r) => n + r.tests.length, 0);
    expect(results.length).toBe(tests);
    for (const file of results) {
      const result = JSON.parse(fs.readFileSync(file, 'utf8')) as {
        name: string;
        labels: Array<{ name: string; value: string }>;
        links: Array<{ url: string }>;
      };
      const label = (name: string) => result.labels.find((l) => l.name === name)?.value;
      const id = label('requirement');
      expect(id, `requirement label of ${result.name}`).toBeTruthy();
      const requirement = run.report!.requirements.find((r) => r.id === id)!;
      expect(label('level')).toBe(requirement.level);
      expect(label('feature')).toBe(requirement.feature);
      expect(label('epic')).toBeTruthy();
      expect(result.links.map((l) => l.url)).toContain(requirement.source.url);
    }
    const env = fs.readFileSync(path.join(run.dir, 'allure-results', 'environment.properties'), 'utf8');
    expect(env).toContain(`Target\\ URL=${run.report!.target!.url}`);
    expect(env).toContain(`API\\ version=${run.report!.target!.currentVersion}`);
    // junit.xml: one testcase per requirement, level and verdict as properties; Playwright's per-test file beside it.
    const junit = fs.readFileSync(path.join(run.dir, 'junit.xml'), 'utf8');
    expect(junit).toMatch(new RegExp(`<testsuites[^>]*tests="${run.report!.requirements.length}"`));
    expect(junit.match(/<testcase /g)?.length).toBe(run.report!.requirements.length);
    const failed = run.report!.requirements.filter((r) => r.verdict === 'fail').length;
    expect(junit).toMatch(new RegExp(`<testsuites[^>]*failures="${failed}"`));
    expect(junit.match(/<failure /g)?.length ?? 0).toBe(failed);
    for (const r of run.report!.requirements) {
      const testcase = junit.match(new RegExp(`<testcase [^>]*name="${r.id}: [\\s\\S]*?</testcase>`))![0];
      expect(testcase).toContain(`<property name="verdict" value="${r.verdict}"/>`);
      expect(testcase).toContain(`<property name="level" value="${r.level}"/>`);
    }
    expect(fs.readFileSync(path.join(run.dir, 'junit-tests.xml'), 'utf8').match(/<testcase /g)?.length).toBe(tests);
  }
});

test('npm run report:allure renders the Allure results with Allure 3, without its analytics tag', () => {
  const started = Date.now();
  const out = path.join(broken.dir, 'allure-report');
  const r = runScript('report-allure.ts', [path.join(broken.dir, 'allure-results'), '--out', out]);
  expect(r.status, r.stdout + r.stderr).toBe(0);
  const index = fs.readFileSync(path.join(out, 'index.html'), 'utf8');
  expect(index).not.toContain('googletagmanager');
  const env = JSON.parse(fs.readFileSync(path.join(out, 'widgets', 'allure_environment.json'), 'utf8')) as Array<{
    name: string;
    values: string[];
  }>;
  expect(env.find((e) => e.name === 'Target URL')?.values).toEqual([broken.report!.target!.url]);
  test.info().annotations.push({ type: 'duration', description: `allure generate: ${Date.now() - started} ms` });

  const missing = runScript('report-allure.ts', [path.join(broken.dir, 'no-such-results')]);
  expect(missing.status).toBe(2);
  expect(missing.stderr).toMatch(/no Allure results/);
});

test('conformance.html holds the target, verdict, counts and one row per requirement, self-contained', () => {
  for (const run of [reference, broken]) {
    const html = fs.readFileSync(path.join(run.dir, 'conformance.html'), 'utf8');
    const report = run.report!;
    expect(html).toContain(`<code class="target-url">${report.target!.url}</code>`);
    expect(html).toContain(`id="overall-verdict">${report.verdict}<`);
    expect(html.match(/<tbody class="req" /g)?.length).toBe(report.requirements.length);
    for (const r of report.requirements)
      expect(html).toContain(`data-id="${r.id}" data-verdict="${r.verdict}" data-feature="${r.feature}"`);
    // Nothing is loaded from anywhere: no external scripts, styles, images or fonts.
    expect(html).not.toMatch(/<(script|img|iframe)[^>]+src=/i);
    expect(html).not.toMatch(/<link[^>]+rel="?stylesheet/i);
    expect(html).toContain("default-src 'none'");
  }
  const html = fs.readFileSync(path.join(broken.dir, 'conformance.html'), 'utf8');
  expect(html).toContain('id="evidence-LOC-REMOVE-QUEUED-409"');
  expect(html).toContain('id="evidence-RANGE-416-CONTENT-RANGE"');
  expect(html).not.toContain('id="evidence-DISCOVERY-VERSIONS"');
});

test('conformance.html escapes everything that came from the target', () => {
  const report = structuredClone(broken.report!) as ConformanceReport;
  const evil = '<script>alert("x")</script><img src=x onerror=alert(1)>';
  report.target!.url = `http://evil.example/${evil}`;
  report.target!.reasons.metadefs = evil;
  const t = report.requirements.find((r) => r.verdict === 'fail')!.tests.find((x) => x.evidence?.length)!;
  t.reasons = [`Error: ${evil}\nExpected: ${evil}\nReceived: "</pre>${evil}"`];
  const last = t.evidence![t.evidence!.length - 2];
  last.response!.body = evil;
  last.response!.headers[`x-${'a'.repeat(3)}"><script>`] = evil;
  last.request.url = `http://h/${evil}`;
  t.title = evil;
  const html = renderConformanceHtml(report);
  expect(html).not.toContain('<script>alert');
  expect(html).not.toContain('<img src=x');
  expect(html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;');
  // The only script element is the page's own.
  expect(html.match(/<script>/g)?.length).toBe(1);
  const matrix = renderMatrixHtml([{ label: evil, report }]);
  expect(matrix).not.toContain('<script>alert');
  expect(matrix.match(/<script>/g)?.length).toBe(1);
});

test('the deciding exchanges come first, the fixture cleanup last; assertion messages give expected and actual', () => {
  const t = broken.report!.requirements.find((r) => r.id === 'LOC-REMOVE-QUEUED-409')!.tests[0];
  const { deciding, cleanup } = splitEvidence(t.evidence);
  expect(deciding[0].request.method).toBe('PATCH');
  expect(deciding[0].response?.status).toBe(200);
  expect(cleanup.map((x) => x.request.method)).toEqual(['DELETE']);
  expect(deciding.length + cleanup.length).toBe(t.evidence!.length);
  const reason = parseReason(t.reasons[0]);
  expect(reason).toMatchObject({
    headline: 'remove of a location on a queued image',
    expected: '409',
    received: '200',
  });
});

test('report matrix (npm run report:matrix): targets side by side, a row per requirement of the union', () => {
  const dir = runDir('matrix');
  const out = path.join(dir, 'matrix.html');
  // A partial report adds a column with missing cells.
  const partial = structuredClone(broken.report!);
  partial.requirements = partial.requirements.filter((r) => r.feature === 'RANGE');
  partial.run.filtered = true;
  const partialFile = path.join(dir, 'partial.json');
  fs.writeFileSync(partialFile, JSON.stringify(partial));
  const r = runEntry(CLI, [
    'report',
    'matrix',
    `reference=${path.join(reference.dir, 'conformance.json')}`,
    path.join(broken.dir, 'conformance.json'),
    `range only=${partialFile}`,
    '--out',
    out,
  ]);
  expect(r.status, r.stdout + r.stderr).toBe(0);
  const html = fs.readFileSync(out, 'utf8');
  const ids = new Set([...reference.report!.requirements, ...broken.report!.requirements].map((x) => x.id));
  expect(html.match(/<tr class="req" /g)?.length).toBe(ids.size);
  expect(html.match(/<th scope="col" class="col"/g)?.length).toBe(3);
  expect(html).toContain('<div class="col-name">reference</div>');
  expect(html).toContain(`<div class="col-name">${broken.report!.target!.url}</div>`);
  expect(html).toContain('<div class="col-name">range only</div>');
  const row = html.match(/<tr class="req" id="req-LOC-REMOVE-QUEUED-409"[\s\S]*?<\/tr>/)![0];
  expect(row.match(/data-verdict="([a-z-]+)"/g)).toEqual([
    'data-verdict="pass"',
    'data-verdict="fail"',
    'data-verdict="missing"',
  ]);
  // Cells link to the report of their column, which sits next to its JSON.
  expect(row).toContain(
    `href="${path.relative(dir, path.join(broken.dir, 'conformance.html'))}#req-LOC-REMOVE-QUEUED-409"`,
  );
  expect(html).not.toMatch(/<(script|img|link)[^>]+(src|href)="?https?:/i);

  const bad = runEntry(CLI, ['report', 'matrix', path.join(dir, 'missing.json')]);
  expect(bad.status).toBe(2);
  expect(bad.stderr).toMatch(/cannot read/);
  const none = runEntry(CLI, ['report', 'matrix']);
  expect(none.status).toBe(2);
});
