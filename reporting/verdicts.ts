import { isAssertionMessage } from '../harness/errors';
import type { Level } from '../catalog/requirements';

/** The judgement on one requirement (or one test of it). */
export type Verdict = 'pass' | 'fail' | 'non-strict' | 'not-applicable' | 'error';

export type Overall = 'conformant' | 'non-conformant' | 'incomplete';

export interface TestOutcome {
  status: 'passed' | 'failed' | 'timedOut' | 'skipped' | 'interrupted';
  /** Error messages, first line first. */
  errors: string[];
  escalated: boolean;
  level: Level;
}

/**
 * A broken expectation on the target's answer is a failure at the requirement's level (any 5xx
 * raises it to MUST); anything else that stopped a test means the suite could not judge.
 */
export function testVerdict(o: TestOutcome): Verdict {
  if (o.status === 'passed') return 'pass';
  if (o.status === 'skipped') return 'not-applicable';
  if (o.escalated) return 'fail';
  if (o.status !== 'failed' || o.errors.length === 0 || !o.errors.every(isAssertionMessage)) return 'error';
  return o.level === 'MUST' ? 'fail' : 'non-strict';
}

/** Worst first: one failing test makes its requirement fail; skips alone never make a pass. */
const SEVERITY: Verdict[] = ['fail', 'error', 'non-strict', 'pass', 'not-applicable'];

export function combine(verdicts: Verdict[]): Verdict {
  if (verdicts.length === 0) return 'error';
  return SEVERITY.find((v) => verdicts.includes(v))!;
}

export function overall(verdicts: Verdict[]): Overall {
  if (verdicts.includes('fail')) return 'non-conformant';
  if (verdicts.includes('error')) return 'incomplete';
  return 'conformant';
}

export const EXIT_CODE: Record<Overall, number> = { conformant: 0, 'non-conformant': 1, incomplete: 2 };
