import { featureOf, requirements as catalog } from '../catalog/requirements';
import {
  badge,
  el,
  esc,
  filterForm,
  formatDuration,
  OVERALL_HELP,
  page,
  plural,
  safeHref,
  VERDICT_HELP,
  VERDICT_LABEL,
} from './html-kit';
import { VERDICT_ORDER, type ConformanceReport, type RequirementReport, type Verdict } from './model';
import { headlineOf } from './text';

/**
 * The matrix: several conformance reports side by side, a column per target and a row per
 * requirement, each cell coloured by its verdict. One self-contained page.
 */

export interface MatrixColumn {
  /** Column name given on the command line (`label=path.json`); defaults to the target URL. */
  label?: string;
  report: ConformanceReport;
  /** Where the column's conformance.html is, relative to the matrix page, if it exists. */
  htmlHref?: string;
}

interface Row {
  id: string;
  title: string;
  level: string;
  feature: string;
  cells: Array<RequirementReport | undefined>;
}

/** Union of the columns' requirements: catalog order first, then IDs the catalog no longer has. */
export function matrixRows(columns: MatrixColumn[]): Row[] {
  const byId = columns.map((c) => new Map(c.report.requirements.map((r) => [r.id, r])));
  const seen = new Set<string>();
  const ids: string[] = [];
  const add = (id: string) => {
    if (!seen.has(id) && byId.some((m) => m.has(id))) {
      seen.add(id);
      ids.push(id);
    }
  };
  catalog.forEach((r) => add(r.id));
  columns.forEach((c) => c.report.requirements.forEach((r) => add(r.id)));
  return ids.map((id) => {
    const cells = byId.map((m) => m.get(id));
    const any = cells.find(Boolean)!;
    const known = catalog.find((r) => r.id === id);
    return {
      id,
      title: known?.title ?? any.title,
      level: known?.level ?? any.level,
      feature: any.feature ?? featureOf(id),
      cells,
    };
  });
}

const ABBREV: Record<Verdict, string> = {
  pass: 'pass',
  fail: 'FAIL',
  'non-strict': 'non-strict',
  'not-applicable': 'n/a',
  error: 'error',
};

function cell(r: RequirementReport | undefined, col: MatrixColumn): string {
  if (!r) return '<td class="cell missing" data-verdict="missing" title="not run against this target">—</td>';
  const why = headlineOf(r);
  const tip =
    `${r.id}: ${VERDICT_LABEL[r.verdict]}${why ? ` — ${why}` : ''} ` +
    `(${plural(r.tests.length, 'test')}, ${formatDuration(r.durationMs)})`;
  const href = col.htmlHref ? safeHref(`${col.htmlHref}#req-${r.id}`) : undefined;
  const text = esc(ABBREV[r.verdict]);
  return el(
    'td',
    { class: `cell v-${r.verdict}`, 'data-verdict': r.verdict, title: tip },
    href ? el('a', { href }, text) : text,
  );
}

function columnHeader(c: MatrixColumn, i: number): string {
  const t = c.report.target;
  const s = c.report.summary;
  const run = c.report.run;
  const name = c.label ?? t?.url ?? `report ${i + 1}`;
  const kind = t ? (t.kind === 'embedded' ? 'reference server' : 'remote') : 'unknown target';
  const counts =
    `${s.pass} pass · ${s.fail} fail · ${s['non-strict']} non-strict · ` +
    `${s['not-applicable']} n/a · ${s.error} error`;
  const report = c.htmlHref && safeHref(c.htmlHref);
  const when = [
    esc(run.startedAt.slice(0, 16).replace('T', ' ')),
    run.filtered ? 'partial run' : '',
    report ? el('a', { href: report }, 'report') : '',
  ].filter(Boolean);
  const verdict = c.report.verdict;
  return el(
    'th',
    { scope: 'col', class: 'col', 'data-col': i },
    '\n',
    el('div', { class: 'col-name' }, esc(name)),
    c.label && t ? el('div', { class: 'mono small' }, esc(t.url)) : '',
    el('div', { class: 'small muted' }, `${esc(kind)} · ${esc(t?.currentVersion ?? 'version unknown')}`),
    el('div', { class: `overall o-${verdict}`, title: OVERALL_HELP[verdict] }, esc(verdict)),
    el('div', { class: 'small muted' }, counts),
    el('div', { class: 'small muted' }, when.join(' · ')),
  );
}

function rowOf(r: Row, columns: MatrixColumn[]): string {
  const heading = el(
    'th',
    { scope: 'row' },
    el('code', { class: 'rid' }, esc(r.id)),
    el('span', { class: 'lvl' }, esc(r.level)),
    el('div', { class: 'small' }, esc(r.title)),
  );
  const cells = r.cells.map((c, i) => cell(c, columns[i]));
  return el('tr', { class: 'req', id: `req-${r.id}`, 'data-id': r.id, 'data-feature': r.feature }, heading, ...cells);
}

function filters(features: string[], count: number): string {
  return filterForm(
    features,
    count,
    [],
    [
      '\n<label><input type="checkbox" id="only-differ"> only rows where targets differ</label>',
      '\n<label><input type="checkbox" id="only-findings"> only rows with a finding</label>\n',
    ],
  );
}

export function renderMatrixHtml(columns: MatrixColumn[]): string {
  const rows = matrixRows(columns);
  const features = [...new Set(rows.map((r) => r.feature))];
  const body: string[] = [];
  for (const f of features) {
    const group = el('th', { scope: 'colgroup', colspan: columns.length + 1 }, esc(f));
    body.push(el('tr', { class: 'feature-row', 'data-feature': f }, group));
    for (const r of rows.filter((x) => x.feature === f)) body.push(rowOf(r, columns));
  }
  const intro =
    `${plural(columns.length, 'target')}, ${rows.length} requirements (the union of the reports). Hover a cell ` +
    "for the reason; cells link to the target's own report when it sits next to its JSON.";
  const legend = VERDICT_ORDER.map((v) => el('span', { title: VERDICT_HELP[v] }, badge(v)));
  const head = el('tr', {}, '<th scope="col" class="corner">Requirement</th>', ...columns.map(columnHeader));
  const table = el(
    'table',
    { class: 'matrix', id: 'matrix' },
    '\n',
    el('thead', {}, head),
    '\n',
    el('tbody', {}, '\n', body.join('\n'), '\n'),
  );
  const html = [
    el('p', { class: 'muted' }, intro),
    el('div', { class: 'legend', 'aria-label': 'Legend' }, ...legend, '<span class="badge not-run">— not run</span>'),
    filters(features, rows.length),
    el('div', { class: 'wrap' }, '\n', table, '\n'),
  ].join('\n');
  return page({
    title: `Glance conformance matrix — ${plural(columns.length, 'target')}`,
    heading: 'OpenStack Glance Image API v2 conformance matrix',
    subheading: esc(columns.map((c, i) => c.label ?? c.report.target?.url ?? `report ${i + 1}`).join(' · ')),
    kind: 'matrix',
    body: html,
  });
}
