import { tlsUnverified, type ConformanceReport, type RequirementReport, type Verdict } from './model';
import { summarize } from './reasons';

/** The report as text: the terminal's verdict table, a Markdown summary for CI, GitHub annotations. */

/** The reason shown for a requirement: the first reason of a test that has its verdict. */
export function headlineOf(r: RequirementReport): string {
  return summarize(r.tests.find((t) => t.verdict === r.verdict && t.reasons.length)?.reasons[0] ?? '');
}

const findings = (report: ConformanceReport) => report.requirements.filter((r) => r.verdict !== 'pass');

function targetLine(report: ConformanceReport): string {
  const strict = report.run.strict ? ', strict' : '';
  const insecure = tlsUnverified(report.target) ? ', TLS verification off' : '';
  const version = report.target?.currentVersion ?? 'version unknown';
  return (
    `Conformance of ${report.target?.url ?? 'the target'} (${version}${strict}${insecure}): ` +
    report.verdict.toUpperCase()
  );
}

function countsLine(report: ConformanceReport): string {
  const s = report.summary;
  return (
    `${s.pass} pass, ${s.fail} fail, ${s['non-strict']} non-strict, ${s['not-applicable']} not-applicable, ` +
    `${s.error} error`
  );
}

/** What a run prints at its end: the verdict, every requirement that is not a pass, the counts. */
export function verdictTable(report: ConformanceReport, file?: string): string {
  const lines = ['', targetLine(report)];
  for (const r of findings(report)) {
    const why = headlineOf(r);
    lines.push(`  ${r.verdict.padEnd(14)} ${r.id} (${r.level})${why ? ` — ${why.slice(0, 140)}` : ''}`);
  }
  lines.push(`  ${countsLine(report)}${file ? ` — ${file}` : ''}`);
  if (report.cleanup.length) {
    lines.push(
      `  ${report.cleanup.length} test(s) left images behind after they were judged (the run's sweep retried):`,
    );
    for (const c of report.cleanup) lines.push(`    ${c.requirement}: ${c.description.split('\n')[0].slice(0, 160)}`);
  }
  return `${lines.join('\n')}\n`;
}

const mdCell = (s: string) => s.replace(/\|/g, '\\|').replace(/\s*\n\s*/g, ' ');

/** A Markdown verdict table, e.g. for a GitHub job summary. */
export function markdownSummary(report: ConformanceReport): string {
  const lines = [`### ${mdCell(targetLine(report))}`, '', countsLine(report), ''];
  const rows = findings(report);
  if (rows.length) {
    lines.push('| verdict | requirement | level | reason |', '|---|---|---|---|');
    for (const r of rows)
      lines.push(`| ${r.verdict} | ${r.id} | ${r.level} | ${mdCell(headlineOf(r).slice(0, 200))} |`);
  }
  return `${lines.join('\n')}\n`;
}

const ANNOTATED: Partial<Record<Verdict, string>> = { fail: 'error', error: 'error', 'non-strict': 'warning' };

/** `::error file=…,line=…,title=…::…` workflow commands, one per requirement that is not met. */
export function githubAnnotations(report: ConformanceReport): string[] {
  const escape = (s: string) => s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
  const property = (s: string) => escape(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
  return findings(report).flatMap((r) => {
    const level = ANNOTATED[r.verdict];
    if (!level) return [];
    const command = report.run.strict && r.verdict === 'non-strict' ? 'error' : level;
    const test = r.tests.find((t) => t.verdict === r.verdict) ?? r.tests[0];
    const title = `${r.id} (${r.level}): ${r.verdict}`;
    const message = `${r.title}${headlineOf(r) ? ` — ${headlineOf(r)}` : ''}`;
    return [`::${command} file=${property(test.file)},line=${test.line},title=${property(title)}::${escape(message)}`];
  });
}
