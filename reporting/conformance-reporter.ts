import fs from 'node:fs';
import path from 'node:path';
import type { FullConfig, FullResult, Reporter, Suite, TestCase, TestResult } from '@playwright/test/reporter';
import { loadSuiteConfig, ROOT } from '../harness/config';
import type { Exchange } from '../harness/evidence';
import { readTargetInfo, type TargetInfo } from '../harness/target';
import { featureOf, findRequirement, requirements, type Requirement } from '../catalog/requirements';
import { renderConformanceHtml } from './html-report';
import { combine, overall, testVerdict, type Overall, type Verdict } from './verdicts';

export interface TestReport {
  title: string;
  file: string;
  line: number;
  outcome: TestResult['status'];
  verdict: Verdict;
  durationMs: number;
  /** Why it is not a pass: the first lines of the errors, or the skip reason. */
  reasons: string[];
  escalation?: string;
  evidence?: Exchange[];
}

export interface RequirementReport extends Requirement {
  feature: string;
  verdict: Verdict;
  durationMs: number;
  tests: TestReport[];
}

export interface ConformanceReport {
  tool: { name: string; version: string; playwright: string };
  run: { id: string; startedAt: string; durationMs: number; filtered: boolean };
  target: TargetInfo | null;
  verdict: Overall;
  summary: Record<Verdict, number> & { total: number };
  requirements: RequirementReport[];
}

// eslint-disable-next-line no-control-regex
const stripAnsi = (s: string) => s.replace(/\u001b\[[0-9;]*m/g, '');
const firstLines = (s: string, n = 6) => stripAnsi(s).split('\n').filter((l) => l.trim()).slice(0, n).join('\n');

const requirementOf = (test: TestCase) => test.tags.map((t) => findRequirement(t.replace(/^@/, ''))).find(Boolean);

/** Turns Playwright's test results into one verdict per requirement: reports/conformance.json. */
export default class ConformanceReporter implements Reporter {
  private readonly results = new Map<TestCase, TestResult>();
  private startedAt = new Date();
  private rootSuite?: Suite;

  printsToStdio(): boolean {
    return true;
  }

  onBegin(_config: FullConfig, suite: Suite): void {
    this.startedAt = new Date();
    this.rootSuite = suite;
  }

  onTestEnd(test: TestCase, result: TestResult): void {
    this.results.set(test, result);
  }

  async onEnd(result: FullResult): Promise<{ status?: FullResult['status'] } | undefined> {
    const config = loadSuiteConfig();
    const report = this.build(readTargetInfo(config.targetInfoFile) ?? null, config.runId);
    fs.mkdirSync(config.reportDir, { recursive: true });
    const file = path.join(config.reportDir, 'conformance.json');
    fs.writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
    try {
      fs.writeFileSync(path.join(config.reportDir, 'conformance.html'), renderConformanceHtml(report));
    } catch (e) {
      process.stderr.write(`glance-conformance: could not write conformance.html: ${(e as Error).message}\n`);
    }
    this.print(report, path.relative(ROOT, file));
    if (result.status === 'interrupted' || result.status === 'timedout') return undefined;
    // Non-strict (SHOULD) findings fail tests but not conformance: the exit status follows the verdict.
    return { status: report.verdict === 'conformant' ? 'passed' : 'failed' };
  }

  private build(target: TargetInfo | null, runId: string): ConformanceReport {
    const byRequirement = new Map<string, TestReport[]>();
    for (const test of this.rootSuite?.allTests() ?? []) {
      const requirement = requirementOf(test);
      const result = this.results.get(test);
      if (!requirement || !result) continue;
      const escalation = result.annotations.find((a) => a.type === 'escalated-to-must')?.description;
      const errors = result.errors.map((e) => stripAnsi(e.message ?? e.value ?? ''));
      const verdict = testVerdict({ status: result.status, errors, escalated: Boolean(escalation), level: requirement.level });
      const evidence = result.attachments.find((a) => a.name === 'evidence' && a.body);
      const skip = result.annotations.filter((a) => a.type === 'skip').map((a) => a.description ?? 'skipped');
      const list = byRequirement.get(requirement.id) ?? [];
      list.push({
        title: test.title,
        file: path.relative(ROOT, test.location.file),
        line: test.location.line,
        outcome: result.status,
        verdict,
        durationMs: result.duration,
        reasons: verdict === 'not-applicable' ? skip : errors.map((e) => firstLines(e)),
        escalation,
        evidence: evidence?.body ? (JSON.parse(evidence.body.toString('utf8')) as Exchange[]) : undefined,
      });
      byRequirement.set(requirement.id, list);
    }
    const reqs: RequirementReport[] = requirements
      .filter((r) => byRequirement.has(r.id))
      .map((r) => {
        const tests = byRequirement.get(r.id)!;
        return { ...r, needs: [...r.needs], feature: featureOf(r.id), verdict: combine(tests.map((t) => t.verdict)), durationMs: tests.reduce((s, t) => s + t.durationMs, 0), tests };
      });
    const summary = { pass: 0, fail: 0, 'non-strict': 0, 'not-applicable': 0, error: 0, total: reqs.length };
    for (const r of reqs) summary[r.verdict] += 1;
    return {
      tool: { name: 'glance-conformance', version: packageVersion('package.json'), playwright: packageVersion('node_modules/@playwright/test/package.json') },
      // Filtered (--grep, a file argument): some requirement of the catalog was not judged in this run.
      run: { id: runId, startedAt: this.startedAt.toISOString(), durationMs: Date.now() - this.startedAt.getTime(), filtered: reqs.length < requirements.length },
      target,
      verdict: overall(reqs.map((r) => r.verdict)),
      summary,
      requirements: reqs,
    };
  }

  private print(report: ConformanceReport, file: string): void {
    const lines = ['', `Conformance of ${report.target?.url ?? 'the target'} (${report.target?.currentVersion ?? 'version unknown'}): ${report.verdict.toUpperCase()}`];
    for (const r of report.requirements.filter((x) => x.verdict !== 'pass')) {
      const why = summarize(r.tests.find((t) => t.verdict === r.verdict)?.reasons[0] ?? '');
      lines.push(`  ${r.verdict.padEnd(14)} ${r.id} (${r.level})${why ? ` — ${why.slice(0, 140)}` : ''}`);
    }
    const s = report.summary;
    lines.push(`  ${s.pass} pass, ${s.fail} fail, ${s['non-strict']} non-strict, ${s['not-applicable']} not-applicable, ${s.error} error — ${file}`, '');
    process.stdout.write(`${lines.join('\n')}\n`);
  }
}

/** "Error: what\n…\nExpected: 200\nReceived: 416" → "what: expected 200, received 416". */
export function summarize(reason: string): string {
  const lines = reason.split('\n').map((l) => l.trim());
  const what = lines[0]?.replace(/^Error:\s*/, '') ?? '';
  const expected = lines.find((l) => /^Expected( value)?:/.test(l))?.replace(/^Expected( value)?:\s*/, '');
  const received = lines.find((l) => /^Received( value| array)?:/.test(l))?.replace(/^Received( value| array)?:\s*/, '');
  return expected !== undefined && received !== undefined ? `${what}: expected ${expected}, received ${received}` : what;
}

function packageVersion(rel: string): string {
  try {
    return JSON.parse(fs.readFileSync(path.join(ROOT, rel), 'utf8')).version;
  } catch {
    return 'unknown';
  }
}
