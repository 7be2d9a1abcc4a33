import fs from 'node:fs';
import path from 'node:path';

/**
 * `npx tsx scripts/mutation-survivors.ts [reports/mutation/mutation.json]`: the score and every
 * surviving mutant of the last `npm run mutation`, one Markdown table row each (file:line, mutator,
 * replacement), to be judged in tests/robustness/equivalent-mutants.md.
 */
interface Mutant { id: string; mutatorName: string; replacement?: string; status: string; location: { start: { line: number; column: number } } }
interface Report { files: Record<string, { mutants: Mutant[] }> }

const file = path.resolve(process.argv[2] ?? path.join(__dirname, '..', 'reports', 'mutation', 'mutation.json'));
const report = JSON.parse(fs.readFileSync(file, 'utf8')) as Report;
const counts: Record<string, number> = {};
const rows: string[] = [];
for (const [name, { mutants }] of Object.entries(report.files)) {
  for (const m of mutants) {
    counts[m.status] = (counts[m.status] ?? 0) + 1;
    if (m.status !== 'Survived' && m.status !== 'NoCoverage') continue;
    const replacement = (m.replacement ?? '').replace(/\s+/g, ' ').replace(/\|/g, '\\|').slice(0, 90);
    rows.push(`| ${m.id} | ${path.basename(name)}:${m.location.start.line} | ${m.mutatorName} | \`${replacement}\` |`);
  }
}
const detected = (counts.Killed ?? 0) + (counts.Timeout ?? 0);
const valid = detected + (counts.Survived ?? 0) + (counts.NoCoverage ?? 0);
console.log(`statuses: ${JSON.stringify(counts)}`);
console.log(`mutation score: ${((100 * detected) / valid).toFixed(2)} % (${detected} of ${valid} detected)\n`);
console.log('| id | where | mutator | replacement |\n|---|---|---|---|');
console.log(rows.join('\n'));
