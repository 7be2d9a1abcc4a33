/**
 * `npx tsx scripts/record-baseline.ts --report reports/conformance.json --out expectations/X.json --target TEXT
 *  --measured TEXT`: writes a baseline (expectations/*.json) from a measured run, never by hand. Every requirement
 * that did not pass is listed with its verdict. A reason already written in the old baseline for the same verdict is
 * kept (it explains the fault better than an assertion message); a new or changed verdict gets the run's own first
 * reason, marked as such. Prints what changed against the old baseline.
 */
import fs from 'node:fs';
import { parseArgs } from 'node:util';
import type { Expectations } from '../reporting/expectations';
import type { ConformanceReport } from '../reporting/model';

export interface BaselineChange {
  id: string;
  before: string;
  after: string;
}

export function recordBaseline(
  report: ConformanceReport,
  old: Expectations | undefined,
  meta: { target: string; measured: string },
): { baseline: Expectations & { measured: string }; changes: BaselineChange[] } {
  if (report.run.filtered) throw new Error('a baseline needs a full run (this one was filtered: --grep or a spec file)');
  const expectations: Expectations['expectations'] = {};
  for (const r of report.requirements) {
    if (r.verdict === 'pass') continue;
    const kept = old?.expectations[r.id];
    const measured = r.tests.flatMap((t) => t.reasons)[0] ?? '(no reason recorded)';
    expectations[r.id] = {
      verdict: r.verdict,
      reason: kept?.verdict === r.verdict ? kept.reason : `measured: ${measured.split('\n')[0]}`,
    };
  }
  const ids = new Set([...Object.keys(old?.expectations ?? {}), ...Object.keys(expectations)]);
  const changes: BaselineChange[] = [];
  for (const id of ids) {
    const before = old?.expectations[id]?.verdict ?? 'pass';
    const after = expectations[id]?.verdict ?? (report.requirements.some((r) => r.id === id) ? 'pass' : 'not in the catalog');
    if (before !== after) changes.push({ id, before, after });
  }
  return { baseline: { target: meta.target, measured: meta.measured, expectations }, changes };
}

function main(argv: string[]): number {
  const { values } = parseArgs({
    args: argv,
    options: {
      report: { type: 'string' },
      out: { type: 'string' },
      target: { type: 'string' },
      measured: { type: 'string' },
    },
  });
  if (!values.report || !values.out || !values.target || !values.measured) {
    console.error('usage: record-baseline.ts --report conformance.json --out expectations/X.json --target TEXT --measured TEXT');
    return 2;
  }
  let report: ConformanceReport;
  try {
    report = JSON.parse(fs.readFileSync(values.report, 'utf8')) as ConformanceReport;
  } catch (error) {
    console.error(`record-baseline: cannot read ${values.report}: ${(error as Error).message}`);
    return 2;
  }
  const old = fs.existsSync(values.out) ? (JSON.parse(fs.readFileSync(values.out, 'utf8')) as Expectations) : undefined;
  const { baseline, changes } = recordBaseline(report, old, { target: values.target, measured: values.measured });
  fs.writeFileSync(values.out, `${JSON.stringify(baseline, null, 2)}\n`);
  console.log(`${values.out}: ${Object.keys(baseline.expectations).length} non-pass verdicts, ${changes.length} changed`);
  for (const c of changes) console.log(`  ${c.id}: ${c.before} -> ${c.after}`);
  return 0;
}

if (require.main === module) {
  try {
    process.exit(main(process.argv.slice(2)));
  } catch (error) {
    console.error(`record-baseline: ${(error as Error).message}`);
    process.exit(2);
  }
}
