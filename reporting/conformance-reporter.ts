import path from 'node:path';
import type {
  FullConfig,
  FullResult,
  Reporter,
  Suite,
  TestCase,
  TestResult,
  TestStep,
} from '@playwright/test/reporter';
import { findRequirement, requirements } from '../catalog/requirements';
import { loadSuiteConfig } from '../harness/config';
import type { Exchange } from '../harness/evidence';
import { ROOT } from '../harness/paths';
import { readTargetInfo } from '../harness/target';
import { buildReport, type TestRecord } from './build';
import { catalogInfo, schemaId, toolInfo } from './identity';
import type { ConformanceReport, Shard } from './model';
import { stripAnsi } from './reasons';
import { githubAnnotations, verdictTable } from './text';
import { writeReportFiles } from './write';

/**
 * The Playwright side of the report: collects test results and hands them to buildReport(), then
 * writes conformance.json, conformance.html and the per-requirement junit.xml, prints the verdict
 * table (and GitHub annotations under GitHub Actions), and sets the exit status from the verdict.
 */

const requirementIdOf = (test: TestCase) =>
  test.tags.map((t) => findRequirement(t.replace(/^@/, ''))?.id).find(Boolean);

/** Whether an `expect` — a check on the target's answer — failed: Playwright's own step category, not message text. */
const expectFailed = (steps: readonly TestStep[]): boolean =>
  steps.some((s) => (s.category === 'expect' && s.error !== undefined) || expectFailed(s.steps));

/** Whether the run holds SHOULD findings against the verdict (`glance-conformance --strict`). */
export const strictRun = (env: NodeJS.ProcessEnv = process.env): boolean =>
  /^(1|true|yes|on)$/i.test(env.CONFORMANCE_STRICT ?? '');

export function testRecord(test: TestCase, result: TestResult, requirementId: string): TestRecord {
  const evidence = result.attachments.find((a) => a.name === 'evidence' && a.body)?.body;
  return {
    requirementId,
    title: test.title,
    file: path.relative(ROOT, test.location.file),
    line: test.location.line,
    status: result.status,
    durationMs: result.duration,
    errors: result.errors.map((e) => stripAnsi(e.message ?? e.value ?? '')),
    assertionFailed: expectFailed(result.steps),
    annotations: result.annotations,
    evidence: evidence ? (JSON.parse(evidence.toString('utf8')) as Exchange[]) : undefined,
  };
}

/** Relative to the working folder when the file is under it (an installed suite runs from elsewhere). */
const shownPath = (file: string) => {
  const relative = path.relative(process.cwd(), file);
  return relative && !relative.startsWith('..') ? relative : file;
};

export default class ConformanceReporter implements Reporter {
  private readonly results = new Map<TestCase, TestResult>();
  private startedAt = new Date();
  private rootSuite?: Suite;
  private shard?: Shard;

  printsToStdio(): boolean {
    return true;
  }

  onBegin(config: FullConfig, suite: Suite): void {
    this.startedAt = new Date();
    this.rootSuite = suite;
    this.shard = config.shard ?? undefined;
  }

  onTestEnd(test: TestCase, result: TestResult): void {
    this.results.set(test, result);
  }

  /** Errors outside any test (a spec that does not load, a failed setup or teardown). */
  private runErrors = 0;

  onError(): void {
    this.runErrors += 1;
  }

  async onEnd(result: FullResult): Promise<{ status?: FullResult['status'] } | undefined> {
    const report = this.build();
    const dir = loadSuiteConfig().reportDir;
    let file: string;
    try {
      file = writeReportFiles(report, dir);
    } catch (e) {
      process.stderr.write(`glance-conformance: could not write the reports in ${dir}: ${(e as Error).message}\n`);
      return { status: 'failed' };
    }
    process.stdout.write(verdictTable(report, shownPath(file)));
    if (process.env.GITHUB_ACTIONS === 'true')
      process.stdout.write(
        githubAnnotations(report)
          .map((l) => `${l}\n`)
          .join(''),
      );
    // A run that ended in error keeps Playwright's failed status, whatever the verdicts say.
    if (result.status === 'interrupted' || result.status === 'timedout' || this.runErrors) return undefined;
    // Non-strict (SHOULD) findings fail tests but not conformance: the exit status follows the verdict.
    return { status: report.verdict === 'conformant' ? 'passed' : 'failed' };
  }

  private build(): ConformanceReport {
    const config = loadSuiteConfig();
    const tests: TestRecord[] = [];
    for (const test of this.rootSuite?.allTests() ?? []) {
      const id = requirementIdOf(test);
      const result = this.results.get(test);
      if (id && result) tests.push(testRecord(test, result, id));
    }
    return buildReport({
      catalog: requirements,
      catalogInfo: catalogInfo(),
      tool: toolInfo(),
      schemaId: schemaId(),
      target: readTargetInfo(config.targetInfoFile) ?? null,
      run: {
        id: config.runId,
        startedAt: this.startedAt.toISOString(),
        durationMs: Date.now() - this.startedAt.getTime(),
        strict: strictRun(),
        shards: this.shard ? [this.shard] : undefined,
      },
      tests,
    });
  }
}
