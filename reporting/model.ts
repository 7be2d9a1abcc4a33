import type { Level, Requirement } from '../catalog/requirements';
import type { Exchange } from '../harness/evidence';
import type { TargetInfo } from '../harness/target';

/**
 * The report model: what a conformance run says, independent of Playwright. The reporter, the merge
 * of sharded runs, the matrix, the differential check and the expectations gate all read and write
 * these types; the verdict rules live here once.
 */

/** The judgement on one requirement (or one test of it). */
export type Verdict = 'pass' | 'fail' | 'non-strict' | 'not-applicable' | 'error';

export type Overall = 'conformant' | 'non-conformant' | 'incomplete';

/** Worst first: one failing test makes its requirement fail; skips alone never make a pass. */
export const VERDICT_ORDER: readonly Verdict[] = ['fail', 'error', 'non-strict', 'pass', 'not-applicable'];

/** Bumped whenever conformance.json changes shape; readers check it before trusting a document. */
export const SCHEMA_VERSION = 1;

/**
 * Annotation types the suite puts on a running test for the report to read: the code that knows
 * records what happened, so no verdict depends on the wording of an error message.
 */
export const ANNOTATION = {
  /** A failure counts as MUST whatever the requirement's level (a 5xx, a broken Content-Range). */
  escalation: 'glance-conformance:escalated-to-must',
  /** The suite could not bring the target into the state the test needs: not judged. */
  harnessError: 'glance-conformance:harness-error',
  /** Images of an already judged test could not be deleted: a run-level note, not the verdict. */
  cleanup: 'glance-conformance:cleanup',
} as const;

/** How a test ended, as the runner saw it, with the marks the suite left on it. */
export interface TestOutcome {
  status: 'passed' | 'failed' | 'timedOut' | 'skipped' | 'interrupted';
  level: Level;
  /** An `expect` (a check on the target's answer) failed. */
  assertionFailed: boolean;
  /** The harness reported that it could not prepare the test. */
  harnessError: boolean;
  escalated: boolean;
}

/**
 * A broken expectation on the target's answer is a failure at the requirement's level (an
 * escalation raises it to MUST); anything else that stopped a test means the suite could not judge.
 */
export function testVerdict(o: TestOutcome): Verdict {
  if (o.status === 'passed') return 'pass';
  if (o.status === 'skipped') return 'not-applicable';
  if (o.escalated) return 'fail';
  if (o.status !== 'failed' || o.harnessError || !o.assertionFailed) return 'error';
  return o.level === 'MUST' ? 'fail' : 'non-strict';
}

export function combine(verdicts: readonly Verdict[]): Verdict {
  if (verdicts.length === 0) return 'error';
  return VERDICT_ORDER.find((v) => verdicts.includes(v))!;
}

/**
 * In a strict run the recommendations count too: a SHOULD finding makes the run non-conformant. A run that judged
 * nothing (no test ran, or every requirement was not applicable) is incomplete: conformance is never assumed.
 */
export function overall(verdicts: readonly Verdict[], strict = false): Overall {
  if (verdicts.includes('fail') || (strict && verdicts.includes('non-strict'))) return 'non-conformant';
  if (verdicts.includes('error') || verdicts.every((v) => v === 'not-applicable')) return 'incomplete';
  return 'conformant';
}

export const EXIT_CODE: Record<Overall, number> = { conformant: 0, 'non-conformant': 1, incomplete: 2 };

export interface TestReport {
  title: string;
  file: string;
  line: number;
  outcome: TestOutcome['status'];
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

/** A test whose images could not all be deleted after it was judged. */
export interface CleanupNote {
  requirement: string;
  test: string;
  description: string;
}

export interface Shard {
  current: number;
  total: number;
}

export interface RunInfo {
  id: string;
  startedAt: string;
  durationMs: number;
  /** Some requirement of the catalog was not judged (--grep, a spec file, a missing shard). */
  filtered: boolean;
  /** SHOULD findings fail the run (`--strict`). */
  strict: boolean;
  /** The shards this report covers: one for a shard's own report, all of them after a merge. */
  shards?: Shard[];
}

export interface ToolInfo {
  name: 'glance-conformance';
  version: string;
  playwright: string;
}

export interface CatalogInfo {
  /** `sha256:` of requirements.json's requirement list: two reports with equal hashes judged the same rules. */
  hash: string;
  requirements: number;
}

export interface ConformanceReport {
  $schema: string;
  schemaVersion: typeof SCHEMA_VERSION;
  tool: ToolInfo;
  catalog: CatalogInfo;
  run: RunInfo;
  target: TargetInfo | null;
  verdict: Overall;
  summary: Record<Verdict, number> & { total: number };
  requirements: RequirementReport[];
  cleanup: CleanupNote[];
}

/** The target was reached with TLS certificate verification off (OS_INSECURE, `insecure`/`verify` in clouds.yaml). */
export function tlsUnverified(target: TargetInfo | null): boolean {
  return (target as { insecure?: unknown } | null)?.insecure === true;
}

export interface SplitEvidence {
  /** The test's own exchanges, newest first: the first one decided the verdict. */
  deciding: Exchange[];
  /** Trailing DELETEs of the test's images, sent by the fixture after the test had failed. */
  cleanup: Exchange[];
}

const isImageDelete = (x: Exchange) => x.request.method === 'DELETE' && /\/v2\/images\/[^/?#]+$/.test(x.request.url);

/** Orders a failing test's exchanges for reading: the last ones before the failure first, cleanup apart. */
export function splitEvidence(evidence: Exchange[] = []): SplitEvidence {
  let end = evidence.length;
  while (end > 1 && isImageDelete(evidence[end - 1])) end -= 1;
  return { deciding: evidence.slice(0, end).reverse(), cleanup: evidence.slice(end) };
}
