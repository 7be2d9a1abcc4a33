import fs from 'node:fs';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { requirements } from '../catalog/requirements';
import { buildReport, type ReportInputs, type TestRecord } from '../reporting/build';
import { catalogInfo, schemaId, toolInfo } from '../reporting/identity';
import { mergeReports } from '../reporting/merge';
import { ANNOTATION, combine, EXIT_CODE, overall } from '../reporting/model';
import { parseReason, summarize } from '../reporting/reasons';
import { githubAnnotations, markdownSummary } from '../reporting/text';
import { brokenRun } from './support/report-runs';
import { ROOT } from './support/run-suite';

/**
 * How a verdict is earned: the report model's rules on hand-made test records, then broken servers
 * that must come out as *fail* (the target's answer is the one under test) or as *error* (the suite
 * could not prepare the test), and the --strict run mode.
 */

const MUST = 'DISK-FORMAT-PLOOP-CREATE';
const SHOULD = requirements.find((r) => r.level === 'SHOULD')!.id;

function record(requirementId: string, over: Partial<TestRecord> = {}): TestRecord {
  return {
    requirementId,
    title: `a test of ${requirementId}`,
    file: 'specs/x.spec.ts',
    line: 1,
    status: 'passed',
    durationMs: 10,
    errors: [],
    assertionFailed: false,
    annotations: [],
    ...over,
  };
}

function inputs(tests: TestRecord[], strict = false, shard?: number): ReportInputs {
  return {
    catalog: requirements,
    catalogInfo: catalogInfo(),
    tool: toolInfo(),
    schemaId: schemaId(),
    target: null,
    run: {
      id: 'run-1',
      startedAt: new Date(Date.UTC(2026, 0, 1, 0, 0, shard ?? 0)).toISOString(),
      durationMs: 1000,
      strict,
      shards: shard ? [{ current: shard, total: 2 }] : undefined,
    },
    tests,
  };
}

const assertion = 'Error: expect(response).toAnswer(201)\n\nExpected: 201\nReceived: 400';
const failed = { status: 'failed' as const, errors: [assertion], assertionFailed: true };
const verdictOf = (r: TestRecord, strict = false) => buildReport(inputs([r], strict)).requirements[0].verdict;

test('a failed expect is a fail at the requirement level; a HarnessError mark or a crash is an error', () => {
  expect(verdictOf(record(MUST, failed))).toBe('fail');
  expect(verdictOf(record(SHOULD, failed))).toBe('non-strict');
  // The same assertion-looking text, but the harness said it could not prepare the test.
  const harness = { type: ANNOTATION.harnessError, description: 'PUT /file answered 400' };
  expect(verdictOf(record(MUST, { ...failed, annotations: [harness] }))).toBe('error');
  // A TypeError in the suite: no expect failed, so nothing about the target was judged.
  expect(verdictOf(record(MUST, { status: 'failed', errors: ['TypeError: x is undefined'] }))).toBe('error');
  expect(verdictOf(record(MUST, { status: 'timedOut', errors: [assertion], assertionFailed: true }))).toBe('error');
  const escalation = { type: ANNOTATION.escalation, description: 'the target answered 1 request(s) with 5xx' };
  expect(verdictOf(record(SHOULD, { ...failed, annotations: [escalation] }))).toBe('fail');
  const skipped = verdictOf(
    record(MUST, { status: 'skipped', annotations: [{ type: 'skip', description: 'no staging' }] }),
  );
  expect(skipped).toBe('not-applicable');
});

test('verdicts combine worst first; --strict makes a SHOULD finding non-conformant', () => {
  expect(combine(['pass', 'not-applicable'])).toBe('pass');
  expect(combine(['not-applicable'])).toBe('not-applicable');
  expect(combine(['pass', 'non-strict', 'error'])).toBe('error');
  expect(combine(['error', 'fail'])).toBe('fail');
  expect(combine([])).toBe('error');
  expect(overall(['pass', 'non-strict'])).toBe('conformant');
  expect(overall(['pass', 'non-strict'], true)).toBe('non-conformant');
  expect(overall(['pass', 'error'])).toBe('incomplete');
  expect(overall(['pass', 'not-applicable'])).toBe('conformant');
  // nothing judged is never conformant: no test ran, or none applied
  expect(overall([])).toBe('incomplete');
  expect(overall(['not-applicable', 'not-applicable'])).toBe('incomplete');
  expect(EXIT_CODE[overall(['fail', 'error'])]).toBe(1);

  const report = buildReport(inputs([record(MUST), record(SHOULD, failed)], true));
  expect(report.run.strict).toBe(true);
  expect(report.verdict).toBe('non-conformant');
  expect(report.summary).toMatchObject({ pass: 1, 'non-strict': 1, total: 2 });
  expect(report.run.filtered).toBe(true);
});

test('a cleanup failure after a judged test is a run-level note, not part of the verdict', () => {
  const note = { type: ANNOTATION.cleanup, description: 'image 1234: DELETE answered 500' };
  const report = buildReport(inputs([record(MUST, { annotations: [note] })]));
  expect(report.requirements[0].verdict).toBe('pass');
  expect(report.verdict).toBe('conformant');
  expect(report.cleanup).toEqual([{ requirement: MUST, test: `a test of ${MUST}`, description: note.description }]);
});

test('one reason parser: headline, expected and received', () => {
  expect(parseReason(assertion)).toMatchObject({
    headline: 'expect(response).toAnswer(201)',
    expected: '201',
    received: '400',
  });
  expect(summarize(assertion)).toBe('expect(response).toAnswer(201): expected 201, received 400');
  expect(summarize('Error: plain failure')).toBe('plain failure');
  const pattern = 'Error: expect(received).toMatch(expected)\n\nExpected pattern: /bytes/\nReceived string:  "x"';
  expect(parseReason(pattern)).toMatchObject({ expected: '/bytes/', received: '"x"' });
  // A label given to expect() comes first; a custom matcher's label comes after its hint.
  const labelled = 'Error: size after the upload\n\nexpect(received).toBe(expected)\n\nExpected: 4\nReceived: 3';
  expect(parseReason(labelled).headline).toBe('size after the upload');
  const custom = 'Error: expect(response).toAnswer(409)\n\nremove on a queued image\nExpected: 409\nReceived: 200';
  expect(summarize(custom)).toBe('remove on a queued image: expected 409, received 200');
});

test('merging the shards of a run judges every requirement as the whole run does', () => {
  const tests = [record(MUST), record(MUST, failed), record(SHOULD), record(SHOULD, failed)];
  const whole = buildReport(inputs(tests));
  const parts = [
    buildReport(inputs([tests[0], tests[2]], false, 1)),
    buildReport(inputs([tests[1], tests[3]], false, 2)),
  ];
  expect(parts.map((p) => p.verdict)).toEqual(['conformant', 'non-conformant']);
  const merged = mergeReports(parts);
  expect(merged.requirements.map((r) => [r.id, r.verdict])).toEqual(whole.requirements.map((r) => [r.id, r.verdict]));
  expect(merged.verdict).toBe(whole.verdict);
  expect(merged.run.shards).toEqual([
    { current: 1, total: 2 },
    { current: 2, total: 2 },
  ]);
  expect(merged.run.durationMs).toBe(2000);

  expect(() => mergeReports([parts[0]])).toThrow(/shard\(s\) 2\/2 missing/);
  expect(() => mergeReports([parts[0], parts[0]])).toThrow(/shard 1\/2 is given twice/);
  const other = structuredClone(parts[1]);
  other.run.id = 'run-2';
  expect(() => mergeReports([parts[0], other])).toThrow(/different runs/);
  const older = structuredClone(parts[1]);
  older.catalog.hash = `sha256:${'0'.repeat(64)}`;
  expect(() => mergeReports([parts[0], older])).toThrow(/different catalogs/);
});

// --- Broken servers -------------------------------------------------------------------------------

const isCreate = (method: string, p: string) => method === 'POST' && p.split('?')[0] === '/v2/images';
const jsonOf = (body: Buffer) => {
  try {
    return JSON.parse(body.toString('utf8')) as Record<string, unknown>;
  } catch {
    return undefined;
  }
};

test('a target refusing to create ploop images fails DISK-FORMAT-PLOOP-CREATE and -DATA (exit 1)', async () => {
  const run = await brokenRun(
    'ploop-refused',
    {
      response: (x) =>
        isCreate(x.method, x.path) && x.status === 201 && jsonOf(x.body)?.disk_format === 'ploop'
          ? { status: 400, body: Buffer.from("400 Bad Request\n\nInvalid disk format 'ploop' for image.") }
          : undefined,
    },
    {},
    {},
    ['--grep', '@DISK-FORMAT-PLOOP-CREATE|@DISK-FORMAT-PLOOP-DATA'],
  );
  const verdicts = Object.fromEntries(run.report!.requirements.map((r) => [r.id, r.verdict]));
  expect(verdicts, run.output.slice(-3000)).toEqual({
    'DISK-FORMAT-PLOOP-CREATE': 'fail',
    'DISK-FORMAT-PLOOP-DATA': 'fail',
  });
  expect(run.exitCode).toBe(1);
  const reasons = run.report!.requirements.flatMap((r) => r.tests.flatMap((t) => t.reasons)).join('\n');
  expect(reasons).toMatch(/400/);
});

test('a target that refuses every upload leaves a range requirement unjudged: error (exit 2), not fail', async () => {
  const run = await brokenRun(
    'uploads-refused',
    {
      response: (x) =>
        x.method === 'PUT' && /\/file$/.test(x.path)
          ? { status: 400, body: Buffer.from('uploads are off') }
          : undefined,
    },
    {},
    {},
    ['--grep', '@RANGE-SINGLE-206'],
  );
  expect(
    run.report!.requirements.map((r) => [r.id, r.verdict]),
    run.output.slice(-3000),
  ).toEqual([['RANGE-SINGLE-206', 'error']]);
  expect(run.exitCode).toBe(2);
  expect(run.report!.verdict).toBe('incomplete');
});

const NO_CONTENT_RANGE_ON_416 = {
  response: (x: { status: number; responseHeaders: Record<string, string> }) => {
    if (x.status !== 416) return undefined;
    const responseHeaders = { ...x.responseHeaders };
    delete responseHeaders['content-range'];
    return { responseHeaders };
  },
};

test('--strict: a SHOULD finding fails the run (exit 1) and the report says the run was strict', async () => {
  const grep = ['--grep', '@RANGE-416-CONTENT-RANGE'];
  const [lenient, strict] = await Promise.all([
    brokenRun('should-lenient', NO_CONTENT_RANGE_ON_416, {}, {}, grep),
    brokenRun('should-strict', NO_CONTENT_RANGE_ON_416, {}, {}, ['--strict', ...grep]),
  ]);
  for (const run of [lenient, strict]) {
    expect(
      run.report!.requirements.map((r) => r.verdict),
      run.output.slice(-3000),
    ).toEqual(['non-strict']);
  }
  expect([lenient.exitCode, lenient.report!.verdict, lenient.report!.run.strict]).toEqual([0, 'conformant', false]);
  expect([strict.exitCode, strict.report!.verdict, strict.report!.run.strict]).toEqual([1, 'non-conformant', true]);
  const junit = (dir: string) => fs.readFileSync(path.join(dir, 'junit.xml'), 'utf8');
  expect(junit(lenient.dir)).not.toContain('<failure');
  expect(junit(strict.dir)).toContain('<failure');
  expect(strict.output).toMatch(/strict\): NON-CONFORMANT/);
});

test('CI output: GitHub annotations per requirement not met, a Markdown verdict table', () => {
  const report = buildReport(inputs([record(MUST, failed), record(SHOULD, failed)]));
  const lines = githubAnnotations(report);
  expect(lines).toHaveLength(2);
  const line = (id: string) => lines.find((l) => l.includes(`title=${id} `));
  expect(line(MUST)).toMatch(new RegExp(`^::error file=specs/x.spec.ts,line=1,title=${MUST} \\(MUST\\)%3A fail::`));
  expect(line(SHOULD)).toMatch(
    new RegExp(`^::warning file=specs/x.spec.ts,line=1,title=${SHOULD} \\(SHOULD\\)%3A non-strict::`),
  );
  expect(lines.join('\n')).toContain('expected 201, received 400');
  // In a strict run the SHOULD finding fails the run, so it is an error too.
  expect(githubAnnotations(buildReport(inputs([record(SHOULD, failed)], true)))[0]).toMatch(/^::error /);
  const md = markdownSummary(report);
  expect(md).toMatch(/^### Conformance of the target \(version unknown\): NON-CONFORMANT/);
  expect(md).toContain(`| fail | ${MUST} | MUST | expect(response).toAnswer(201): expected 201, received 400 |`);
});

/** Relative imports of every module under reporting/, as a graph of file paths. */
function importGraph(dir: string): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of fs.readdirSync(dir).filter((f) => f.endsWith('.ts'))) {
    const text = fs.readFileSync(path.join(dir, file), 'utf8');
    const targets = [...text.matchAll(/^(?:import|export)[^;]*?from '(\.[^']+)'/gms)].map(
      (m) => `${path.join(dir, m[1])}.ts`,
    );
    graph.set(
      path.join(dir, file),
      targets.filter((t) => t.startsWith(dir)),
    );
  }
  return graph;
}

test('reporting/ has no import circle, and only Playwright loads the Playwright reporter', () => {
  const dir = path.join(ROOT, 'reporting');
  const graph = importGraph(dir);
  expect(graph.size).toBeGreaterThan(10);
  const cycles: string[] = [];
  const visit = (file: string, trail: string[]) => {
    if (trail.includes(file)) {
      cycles.push([...trail.slice(trail.indexOf(file)), file].map((f) => path.basename(f)).join(' → '));
      return;
    }
    for (const next of graph.get(file) ?? []) visit(next, [...trail, file]);
  };
  for (const file of graph.keys()) visit(file, []);
  expect(cycles).toEqual([]);
  const importers = [...graph].filter(([, targets]) => targets.some((t) => t.endsWith('conformance-reporter.ts')));
  expect(importers.map(([f]) => path.basename(f))).toEqual([]);
});
