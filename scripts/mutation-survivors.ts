import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { ROOT } from '../harness/paths';

/**
 * `npx tsx scripts/mutation-survivors.ts [--report FILE] [--out FILE] [--min-score N]`: docs/mutation-survivors.md
 * from the JSON report of the last `npm run mutation` — the raw score, the counts per module, and every mutant the
 * suite did not detect, with the reason from scripts/mutation-reasons.json where one has been judged
 * (matched by module, mutator and the original and mutated code, which survive line shifts). With --min-score it
 * exits 1 when the raw score is below N % or a mutant could not be judged (an error is not a detection).
 */

interface Position {
  line: number;
  column: number;
}
interface Mutant {
  id: string;
  mutatorName: string;
  replacement?: string;
  status: string;
  statusReason?: string;
  location: { start: Position; end: Position };
}
interface Report {
  files: Record<string, { source: string; mutants: Mutant[] }>;
}
interface Reason {
  file: string;
  mutator: string;
  original: string;
  replacement: string;
  why: string;
}

const DETECTED = ['Killed', 'Timeout'];
const UNDETECTED = ['Survived', 'NoCoverage'];
const STATUSES = [...DETECTED, ...UNDETECTED, 'RuntimeError', 'CompileError', 'Ignored'];

function usage(message: string): never {
  console.error(`mutation-survivors: ${message}`);
  process.exit(2);
}

function options() {
  try {
    const { values } = parseArgs({
      options: {
        report: { type: 'string', default: path.join(ROOT, 'reports', 'mutation', 'mutation.json') },
        out: { type: 'string', default: path.join(ROOT, 'docs', 'mutation-survivors.md') },
        reasons: { type: 'string', default: path.join(ROOT, 'scripts', 'mutation-reasons.json') },
        'min-score': { type: 'string' },
      },
    });
    const minScore = values['min-score'] === undefined ? undefined : Number(values['min-score']);
    if (minScore !== undefined && !(minScore >= 0 && minScore <= 100)) usage('--min-score takes a percentage');
    return { ...(values as { report: string; out: string; reasons: string }), minScore };
  } catch (e) {
    return usage((e as Error).message);
  }
}

function readJson<T>(file: string, what: string): T {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as T;
  } catch (e) {
    return usage(`cannot read ${what} ${file}: ${(e as Error).message}`);
  }
}

/** The source text a mutant replaces (Stryker's lines and columns are 1-based). */
function originalOf(source: string, { start, end }: Mutant['location']): string {
  const lines = source.split('\n');
  if (start.line === end.line) return lines[start.line - 1].slice(start.column - 1, end.column - 1);
  const middle = lines.slice(start.line, end.line - 1);
  return [lines[start.line - 1].slice(start.column - 1), ...middle, lines[end.line - 1].slice(0, end.column - 1)].join(
    '\n',
  );
}

const oneLine = (code: string) => code.replace(/\s+/g, ' ').trim();
const cell = (code: string, max = 70) => {
  const text = oneLine(code);
  const short = text.length > max ? `${text.slice(0, max - 1)}…` : text;
  return `\`${short.replace(/`/g, "'").replace(/\|/g, '\\|')}\``;
};
const row = (cells: string[]) => `| ${cells.join(' | ')} |`;
const percent = (part: number, whole: number) => (whole ? `${((100 * part) / whole).toFixed(1)} %` : '–');

function main(): number {
  const { report: reportFile, out, reasons: reasonsFile, minScore } = options();
  const report = readJson<Report>(reportFile, 'the mutation report');
  const reasons = fs.existsSync(reasonsFile) ? readJson<Reason[]>(reasonsFile, 'the reasons') : [];
  const totals: Record<string, number> = Object.fromEntries(STATUSES.map((s) => [s, 0]));
  const perFile: string[] = [];
  const survivors: string[] = [];
  let explained = 0;
  for (const [name, { source, mutants }] of Object.entries(report.files).sort(([a], [b]) => a.localeCompare(b))) {
    const counts: Record<string, number> = Object.fromEntries(STATUSES.map((s) => [s, 0]));
    for (const m of mutants) {
      counts[m.status] = (counts[m.status] ?? 0) + 1;
      totals[m.status] = (totals[m.status] ?? 0) + 1;
      if (!UNDETECTED.includes(m.status)) continue;
      const original = originalOf(source, m.location);
      const replacement = m.replacement ?? '';
      const file = path.basename(name);
      const reason = reasons.find(
        (r) =>
          r.file === file &&
          r.mutator === m.mutatorName &&
          oneLine(r.original) === oneLine(original) &&
          oneLine(r.replacement) === oneLine(replacement),
      );
      if (reason) explained++;
      const where = `${name}:${m.location.start.line}:${m.location.start.column}`;
      const why = `${m.status === 'NoCoverage' ? 'no test reaches it. ' : ''}${reason?.why ?? '*not judged yet*'}`;
      survivors.push(row([m.id, where, m.mutatorName, cell(original), cell(replacement), why]));
    }
    const detected = DETECTED.reduce((n, s) => n + counts[s], 0);
    const valid = detected + UNDETECTED.reduce((n, s) => n + counts[s], 0);
    const errors = counts.RuntimeError + counts.CompileError;
    const numbers = [valid, counts.Killed, counts.Timeout, counts.Survived, counts.NoCoverage, errors, counts.Ignored];
    perFile.push(row([name, ...numbers.map(String), percent(detected, valid)]));
  }
  const detected = DETECTED.reduce((n, s) => n + totals[s], 0);
  const valid = detected + UNDETECTED.reduce((n, s) => n + totals[s], 0);
  const errors = totals.RuntimeError + totals.CompileError;
  const when = fs.statSync(reportFile).mtime.toISOString().replace('T', ' ').slice(0, 16);
  const text = `# Mutants the conformance suite does not detect

Generated by \`npx tsx scripts/mutation-survivors.ts\` from \`${path.relative(ROOT, reportFile)}\`
(written ${when} UTC) — do not edit by hand: re-run \`npm run mutation\`, then this script.
How the run works: [mutation.md](mutation.md).
Reasons come from \`scripts/mutation-reasons.json\`, matched by module, mutator, original and mutated code.

**Raw mutation score: ${percent(detected, valid)}** — ${detected} detected (${totals.Killed} killed,
${totals.Timeout} timed out) of ${valid} valid mutants (${totals.Survived} survived, ${totals.NoCoverage} without
coverage); ${errors} errors and ${totals.Ignored} mutants of error-message prose ignored are not valid.
${survivors.length} undetected, ${explained} of them with a judged reason.

| module | valid | killed | timeout | survived | no coverage | errors | ignored | score |
|---|---|---|---|---|---|---|---|---|
${perFile.join('\n')}

## Undetected mutants

| id | where | mutator | original | mutated | why it survives |
|---|---|---|---|---|---|
${survivors.join('\n')}
`;
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(out, text);
  const score = `raw mutation score ${percent(detected, valid)} (${detected} of ${valid})`;
  console.log(`${score}; ${survivors.length} undetected → ${path.relative(process.cwd(), out)}`);
  if (minScore === undefined) return 0;
  const below = (100 * detected) / valid < minScore;
  if (below || errors) {
    console.error(
      `mutation-survivors: ${below ? `the ${score} is below ${minScore} %` : ''}` +
        `${below && errors ? '; ' : ''}${errors ? `${errors} mutant(s) could not be judged` : ''}`,
    );
    return 1;
  }
  return 0;
}

process.exitCode = main();
