import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { mergeAllureResults } from '../reporting/allure-reporter';
import { exitCodeOf } from '../reporting/expectations';
import { renderMatrixHtml, type MatrixColumn } from '../reporting/matrix';
import { mergeReports } from '../reporting/merge';
import { githubAnnotations, markdownSummary, verdictTable } from '../reporting/text';
import { readReport, writeReportFiles } from '../reporting/write';

/** `glance-conformance report merge|matrix|show …`: work on the reports runs left behind. */

export const REPORT_USAGE = `glance-conformance report merge DIR… [--out DIR] [--expect FILE] [--strict]
    one conformance.json/.html, junit.xml and allure-results/ from the report folders of a sharded run
    (each shard run with --shard=I/N, one GLANCE_CONFORMANCE_RUN_ID); exit 0/1/2 by the merged verdict,
    or by FILE's baseline with --expect. --out defaults to ./reports
glance-conformance report matrix [LABEL=]FILE… [--out FILE]
    one page with several reports side by side (default ./reports/matrix.html)
glance-conformance report show [FILE] [--markdown]
    the verdict table of a conformance.json (default ./reports/conformance.json); --markdown for a CI summary`;

export class UsageError extends Error {}

function parse<T extends Record<string, { type: 'string' | 'boolean'; short?: string }>>(argv: string[], options: T) {
  try {
    return parseArgs({ args: argv, options, allowPositionals: true, strict: true });
  } catch (e) {
    throw new UsageError((e as Error).message.split('\n')[0]);
  }
}

/** A report folder or a conformance.json file. */
const reportFile = (arg: string) =>
  fs.existsSync(arg) && fs.statSync(arg).isDirectory() ? path.join(arg, 'conformance.json') : arg;

function merge(argv: string[]): number {
  const { values, positionals } = parse(argv, {
    out: { type: 'string', short: 'o' },
    expect: { type: 'string' },
    strict: { type: 'boolean' },
  });
  if (!positionals.length) throw new UsageError('report merge needs the report folders of the shards');
  const out = path.resolve(values.out ?? 'reports');
  const inputs = positionals.map((p) => path.resolve(p));
  if (inputs.includes(out))
    throw new UsageError(`--out ${values.out ?? 'reports'} is one of the inputs; merge into another folder`);
  const expectFile = values.expect && path.resolve(values.expect);
  // Read the baseline before writing anything: a wrong path is a usage error, not a verdict.
  if (expectFile && !fs.existsSync(expectFile)) throw new UsageError(`cannot read the expectations file ${expectFile}`);
  const report = mergeReports(
    inputs.map((p) => readReport(reportFile(p))),
    values.strict ?? false,
  );
  const file = writeReportFiles(report, out);
  const dirs = inputs.map((p) => path.join(path.dirname(reportFile(p)), 'allure-results'));
  mergeAllureResults(dirs, path.join(out, 'allure-results'), report.target ?? undefined);
  process.stdout.write(verdictTable(report, path.relative(process.cwd(), file) || file));
  if (process.env.GITHUB_ACTIONS === 'true')
    process.stdout.write(
      githubAnnotations(report)
        .map((l) => `${l}\n`)
        .join(''),
    );
  return exitCodeOf(report, expectFile);
}

/** `label=path.json`, or a path (a path that exists with a `=` in its name stays a path). */
export function parseColumnArg(arg: string): { label?: string; file: string } {
  const eq = arg.indexOf('=');
  if (eq > 0 && !fs.existsSync(arg)) return { label: arg.slice(0, eq), file: arg.slice(eq + 1) };
  return { file: arg };
}

function matrix(argv: string[]): number {
  const { values, positionals } = parse(argv, { out: { type: 'string', short: 'o' } });
  if (!positionals.length) throw new UsageError('report matrix needs at least one report');
  const out = path.resolve(values.out ?? path.join('reports', 'matrix.html'));
  const columns: MatrixColumn[] = positionals.map((arg) => {
    const { label, file } = parseColumnArg(arg);
    const report = readReport(reportFile(file));
    const html = path.join(path.dirname(file), `${path.basename(file, '.json')}.html`);
    const htmlHref = fs.existsSync(html) ? path.relative(path.dirname(out), html).split(path.sep).join('/') : undefined;
    return { label: label || undefined, report, htmlHref };
  });
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(out, renderMatrixHtml(columns));
  console.log(
    `glance-conformance: matrix of ${columns.length} report(s) written to ${path.relative(process.cwd(), out)}`,
  );
  return 0;
}

function show(argv: string[]): number {
  const { values, positionals } = parse(argv, { markdown: { type: 'boolean' } });
  if (positionals.length > 1) throw new UsageError('report show takes one report');
  const file = reportFile(positionals[0] ?? path.join('reports', 'conformance.json'));
  const report = readReport(file);
  process.stdout.write(values.markdown ? markdownSummary(report) : verdictTable(report, file));
  return 0;
}

const actions: Record<string, (argv: string[]) => number> = { merge, matrix, show };

export async function report(argv: string[]): Promise<number> {
  const action = actions[argv[0]];
  if (argv[0] === '--help' || argv[0] === '-h') {
    console.log(REPORT_USAGE);
    return 0;
  }
  if (!action)
    throw new UsageError(`report needs one of ${Object.keys(actions).join(', ')}, got ${argv[0] ?? 'nothing'}`);
  return action(argv.slice(1));
}
