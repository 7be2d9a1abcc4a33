import fs from 'node:fs';
import path from 'node:path';
import type { ConformanceReport } from '../reporting/model';
import { renderMatrixHtml, type MatrixColumn } from '../reporting/matrix';

/**
 * `npm run report:matrix -- [label=]A.json [label=]B.json … [--out reports/matrix.html]`
 * One page comparing conformance reports: a column per target, a row per requirement.
 * Exit 0 when written, 2 on bad arguments or unreadable reports.
 */

const USAGE = 'usage: npm run report:matrix -- [label=]report.json [[label=]report.json …] [--out reports/matrix.html]';

export function parseColumnArg(arg: string): { label?: string; file: string } {
  const eq = arg.indexOf('=');
  if (eq > 0 && !fs.existsSync(arg)) return { label: arg.slice(0, eq), file: arg.slice(eq + 1) };
  return { file: arg };
}

function loadColumn(arg: string, outDir: string): MatrixColumn {
  const { label, file } = parseColumnArg(arg);
  let report: ConformanceReport;
  try {
    report = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    throw new Error(`cannot read ${file}: ${(e as Error).message.split('\n')[0]}`);
  }
  if (!report || !Array.isArray(report.requirements) || !report.summary || !report.run) throw new Error(`${file} is not a conformance.json report`);
  const html = path.join(path.dirname(file), `${path.basename(file, '.json')}.html`);
  const htmlHref = fs.existsSync(html) ? path.relative(outDir, html).split(path.sep).join('/') : undefined;
  return { label: label || undefined, report, htmlHref };
}

function main(argv: string[]): number {
  let out = path.join('reports', 'matrix.html');
  const inputs: string[] = [];
  for (let i = 0; i < argv.length; i += 1) {
    const a = argv[i];
    if (a === '--out' || a === '-o') {
      if (!argv[i + 1]) throw new Error('--out needs a path');
      out = argv[++i];
    } else if (a.startsWith('--out=')) out = a.slice('--out='.length);
    else if (a === '--help' || a === '-h') {
      console.log(USAGE);
      return 0;
    } else inputs.push(a);
  }
  if (!inputs.length) throw new Error(`no report given\n${USAGE}`);
  const outDir = path.dirname(path.resolve(out));
  const columns = inputs.map((a) => loadColumn(a, outDir));
  fs.mkdirSync(outDir, { recursive: true });
  fs.writeFileSync(out, renderMatrixHtml(columns));
  console.log(`glance-conformance: matrix of ${columns.length} report(s) written to ${out}`);
  return 0;
}

if (require.main === module) {
  try {
    process.exitCode = main(process.argv.slice(2));
  } catch (e) {
    console.error(`glance-conformance: ${(e as Error).message}`);
    process.exitCode = 2;
  }
}
