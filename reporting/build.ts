import { featureOf, type Requirement } from '../catalog/requirements';
import type { Exchange } from '../harness/evidence';
import type { TargetInfo } from '../harness/target';
import {
  ANNOTATION,
  combine,
  overall,
  SCHEMA_VERSION,
  testVerdict,
  type CatalogInfo,
  type CleanupNote,
  type ConformanceReport,
  type RequirementReport,
  type RunInfo,
  type TestOutcome,
  type TestReport,
  type ToolInfo,
  type Verdict,
} from './model';
import { firstLines } from './reasons';

/** One test as the runner reported it, before any judgement. */
export interface TestRecord {
  requirementId: string;
  title: string;
  file: string;
  line: number;
  status: TestOutcome['status'];
  durationMs: number;
  /** Error messages of the test, in the order they happened. */
  errors: string[];
  /** See TestOutcome.assertionFailed. */
  assertionFailed: boolean;
  annotations: ReadonlyArray<{ type: string; description?: string }>;
  evidence?: Exchange[];
}

export interface ReportInputs {
  catalog: readonly Requirement[];
  catalogInfo: CatalogInfo;
  tool: ToolInfo;
  schemaId: string;
  target: TargetInfo | null;
  run: Omit<RunInfo, 'filtered'>;
  tests: readonly TestRecord[];
}

const described = (record: TestRecord, type: string) =>
  record.annotations.filter((a) => a.type === type).map((a) => a.description ?? type);

function judge(record: TestRecord, requirement: Requirement): TestReport {
  const escalation = described(record, ANNOTATION.escalation)[0];
  const harnessErrors = described(record, ANNOTATION.harnessError);
  const verdict = testVerdict({
    status: record.status,
    level: requirement.level,
    assertionFailed: record.assertionFailed,
    harnessError: harnessErrors.length > 0,
    escalated: escalation !== undefined,
  });
  const reasons = verdict === 'not-applicable' ? described(record, 'skip') : record.errors.map((e) => firstLines(e));
  return {
    title: record.title,
    file: record.file,
    line: record.line,
    outcome: record.status,
    verdict,
    durationMs: record.durationMs,
    reasons,
    escalation,
    evidence: record.evidence,
  };
}

/** Turns the runner's test records into the report: one verdict per requirement, the worst of its tests'. */
export function buildReport(inputs: ReportInputs): ConformanceReport {
  const byId = new Map(inputs.catalog.map((r) => [r.id, r]));
  const tests = new Map<string, TestReport[]>();
  const cleanup: CleanupNote[] = [];
  for (const record of inputs.tests) {
    const requirement = byId.get(record.requirementId);
    if (!requirement) continue;
    tests.set(requirement.id, [...(tests.get(requirement.id) ?? []), judge(record, requirement)]);
    for (const description of described(record, ANNOTATION.cleanup)) {
      cleanup.push({ requirement: requirement.id, test: record.title, description });
    }
  }
  return assemble({ ...inputs, tests, cleanup });
}

export interface AssemblyInputs extends Omit<ReportInputs, 'tests'> {
  /** Judged tests per requirement ID. */
  tests: ReadonlyMap<string, TestReport[]>;
  cleanup: CleanupNote[];
}

/** The requirement verdicts, counts and overall verdict of judged tests: shared by a run and a merge. */
export function assemble(inputs: AssemblyInputs): ConformanceReport {
  const requirements: RequirementReport[] = inputs.catalog
    .filter((r) => inputs.tests.has(r.id))
    .map((r) => {
      const tests = inputs.tests.get(r.id)!;
      return {
        ...r,
        needs: [...r.needs],
        feature: featureOf(r.id),
        verdict: combine(tests.map((t) => t.verdict)),
        durationMs: tests.reduce((s, t) => s + t.durationMs, 0),
        tests,
      };
    });
  const summary: Record<Verdict, number> & { total: number } = {
    pass: 0,
    fail: 0,
    'non-strict': 0,
    'not-applicable': 0,
    error: 0,
    total: requirements.length,
  };
  for (const r of requirements) summary[r.verdict] += 1;
  return {
    $schema: inputs.schemaId,
    schemaVersion: SCHEMA_VERSION,
    tool: inputs.tool,
    catalog: inputs.catalogInfo,
    run: { ...inputs.run, filtered: requirements.length < inputs.catalog.length },
    target: inputs.target,
    verdict: overall(
      requirements.map((r) => r.verdict),
      inputs.run.strict,
    ),
    summary,
    requirements,
    cleanup: inputs.cleanup,
  };
}
