import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { ROOT } from '../harness/config';
import type { ConformanceReport } from '../reporting/model';
import { compareReports, declaredKeys, describeDivergence, undeclared } from '../reporting/differential';

/**
 * `npm run differential -- REFERENCE.json OTHER.json`: compares two conformance reports recorded
 * with CONFORMANCE_RECORD_ALL=1 and fails on any divergence DEVIATIONS.md does not explain.
 */
function main(): number {
  const usage = 'usage: npm run differential -- REFERENCE.json OTHER.json (two existing reports)';
  let files: string[];
  try {
    files = parseArgs({ args: process.argv.slice(2), allowPositionals: true }).positionals;
  } catch (e) {
    console.error(`differential: ${(e as Error).message}\n${usage}`);
    return 2;
  }
  const [leftFile, rightFile] = files;
  if (files.length !== 2 || !fs.existsSync(leftFile) || !fs.existsSync(rightFile)) {
    console.error(usage);
    return 2;
  }
  const read = (f: string) => JSON.parse(fs.readFileSync(f, 'utf8')) as ConformanceReport;
  const comparison = compareReports(read(leftFile), read(rightFile));
  const keys = declaredKeys(fs.readFileSync(path.join(ROOT, 'reference-server', 'DEVIATIONS.md'), 'utf8'));
  const unexplained = undeclared(comparison.divergences, keys);
  const rate = comparison.exchanges ? ((100 * comparison.agreeing) / comparison.exchanges).toFixed(1) : '0';
  console.log(
    `differential: ${comparison.tests} tests, ${comparison.exchanges} exchanges compared, ` +
      `${comparison.agreeing} agree (${rate} %), ${comparison.divergences.length} divergences, ` +
      `${unexplained.length} not in DEVIATIONS.md`,
  );
  for (const d of unexplained) console.log(`  ${describeDivergence(d)}`);
  return unexplained.length || !comparison.exchanges ? 1 : 0;
}

process.exit(main());
