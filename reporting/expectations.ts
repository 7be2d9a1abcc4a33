import fs from 'node:fs';
import path from 'node:path';
import { EXIT_CODE, type ConformanceReport, type Verdict } from './model';

/**
 * A baseline of known verdicts for one implementation (e.g. real Glance 25.1): the gate passes
 * exactly when every verdict matches, so a new failure and a fixed one are both noticed.
 * Requirements the file does not list are expected to pass.
 */
export interface Expectations {
  target: string;
  expectations: Record<string, { verdict: Verdict; reason: string }>;
}

export interface GateDifference {
  id: string;
  expected: Verdict;
  actual: Verdict | 'missing';
  reason?: string;
}

export function readExpectations(file: string): Expectations {
  let doc: Expectations;
  try {
    doc = JSON.parse(fs.readFileSync(file, 'utf8')) as Expectations;
  } catch (e) {
    throw new Error(`cannot read the expectations file ${file}: ${(e as Error).message}`, { cause: e });
  }
  if (typeof doc?.expectations !== 'object') throw new Error(`${file} has no "expectations" object`);
  return doc;
}

export function gate(report: ConformanceReport, expected: Expectations): GateDifference[] {
  const differences: GateDifference[] = [];
  const actual = new Map(report.requirements.map((r) => [r.id, r.verdict]));
  for (const id of actual.keys()) {
    const want = expected.expectations[id]?.verdict ?? 'pass';
    if (actual.get(id) !== want)
      differences.push({ id, expected: want, actual: actual.get(id)!, reason: expected.expectations[id]?.reason });
  }
  // A filtered run judges only some requirements; a full run must judge every listed one.
  if (!report.run.filtered) {
    for (const [id, e] of Object.entries(expected.expectations)) {
      if (!actual.has(id)) differences.push({ id, expected: e.verdict, actual: 'missing', reason: e.reason });
    }
  }
  return differences;
}

export function describeDifferences(differences: GateDifference[], file: string): string {
  if (!differences.length) return `glance-conformance: every verdict matches ${file}`;
  const lines = differences.map((d) => {
    const note = d.actual === 'pass' ? ' (fixed? update the baseline)' : '';
    const reason = d.reason ? ` — baseline reason: ${d.reason}` : '';
    return `  ${d.id}: expected ${d.expected}, got ${d.actual}${note}${reason}`;
  });
  return [`glance-conformance: ${differences.length} verdict(s) differ from ${file}:`, ...lines].join('\n');
}

/**
 * The exit code of a finished run or merge: by its verdict (0 conformant, 1 non-conformant, 2 not
 * judged), or, given a baseline, 0 exactly when every verdict matches it. Prints what the gate found.
 */
export function exitCodeOf(report: ConformanceReport, expectFile?: string): number {
  if (!expectFile) return EXIT_CODE[report.verdict];
  const differences = gate(report, readExpectations(expectFile));
  console.log(describeDifferences(differences, path.relative(process.cwd(), expectFile) || expectFile));
  return differences.length ? 1 : 0;
}
