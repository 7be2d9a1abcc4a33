import { featureOf, requirements as catalog } from '../catalog/requirements';
import { badge, esc, formatDuration, OVERALL_HELP, page, safeHref, VERDICT_HELP, VERDICT_LABEL } from './html-kit';
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
    return { id, title: known?.title ?? any.title, level: known?.level ?? any.level, feature: any.feature ?? featureOf(id), cells };
  });
}

const ABBREV: Record<Verdict, string> = { pass: 'pass', fail: 'FAIL', 'non-strict': 'non-strict', 'not-applicable': 'n/a', error: 'error' };

function cell(r: RequirementReport | undefined, col: MatrixColumn): string {
  if (!r) return '<td class="cell missing" data-verdict="missing" title="not run against this target">—</td>';
  const why = headlineOf(r);
  const tip = `${r.id}: ${VERDICT_LABEL[r.verdict]}${why ? ` — ${why}` : ''} (${r.tests.length} test${r.tests.length > 1 ? 's' : ''}, ${formatDuration(r.durationMs)})`;
  const href = col.htmlHref ? safeHref(`${col.htmlHref}#req-${r.id}`) : undefined;
  const text = esc(ABBREV[r.verdict]);
  return `<td class="cell v-${esc(r.verdict)}" data-verdict="${esc(r.verdict)}" title="${esc(tip)}">${href ? `<a href="${esc(href)}">${text}</a>` : text}</td>`;
}

function columnHeader(c: MatrixColumn, i: number): string {
  const t = c.report.target;
  const s = c.report.summary;
  const name = c.label ?? t?.url ?? `report ${i + 1}`;
  return `<th scope="col" class="col" data-col="${i}">
<div class="col-name">${esc(name)}</div>
${c.label && t ? `<div class="mono small">${esc(t.url)}</div>` : ''}
<div class="small muted">${esc(t ? (t.kind === 'embedded' ? 'reference server' : 'remote') : 'unknown target')} · ${esc(t?.currentVersion ?? 'version unknown')}</div>
<div class="overall o-${esc(c.report.verdict)}" title="${esc(OVERALL_HELP[c.report.verdict])}">${esc(c.report.verdict)}</div>
<div class="small muted">${s.pass} pass · ${s.fail} fail · ${s['non-strict']} non-strict · ${s['not-applicable']} n/a · ${s.error} error</div>
<div class="small muted">${esc(c.report.run.startedAt.slice(0, 16).replace('T', ' '))}${c.report.run.filtered ? ' · partial run' : ''}${c.htmlHref && safeHref(c.htmlHref) ? ` · <a href="${esc(safeHref(c.htmlHref))}">report</a>` : ''}</div>
</th>`;
}



export function renderMatrixHtml(columns: MatrixColumn[]): string {
  const rows = matrixRows(columns);
  const features = [...new Set(rows.map((r) => r.feature))];
  const width = columns.length + 1;
  const body: string[] = [];
  for (const f of features) {
    body.push(`<tr class="feature-row" data-feature="${esc(f)}"><th scope="colgroup" colspan="${width}">${esc(f)}</th></tr>`);
    for (const r of rows.filter((x) => x.feature === f)) {
      body.push(`<tr class="req" id="req-${esc(r.id)}" data-id="${esc(r.id)}" data-feature="${esc(r.feature)}"><th scope="row"><code class="rid">${esc(r.id)}</code><span class="lvl">${esc(r.level)}</span><div class="small">${esc(r.title)}</div></th>${r.cells.map((c, i) => cell(c, columns[i])).join('')}</tr>`);
    }
  }
  const html = `
<p class="muted">${columns.length} target${columns.length === 1 ? '' : 's'}, ${rows.length} requirements (the union of the reports). Hover a cell for the reason; cells link to the target's own report when it sits next to its JSON.</p>
<div class="legend" aria-label="Legend">${VERDICT_ORDER.map((v) => `<span title="${esc(VERDICT_HELP[v])}">${badge(v)}</span>`).join('')}<span class="badge" style="border-color:var(--line)">— not run</span></div>
<form class="filters" role="search" aria-label="Filter requirements" onsubmit="return false">
<label>Feature <select id="feature-filter"><option value="">all features</option>${features.map((f) => `<option value="${esc(f)}">${esc(f)}</option>`).join('')}</select></label>
<label><input type="checkbox" id="only-differ"> only rows where targets differ</label>
<label><input type="checkbox" id="only-findings"> only rows with a finding</label>
<span class="status-line" id="shown-count" role="status" aria-live="polite">${rows.length} of ${rows.length} requirements shown</span>
</form>
<div class="wrap">
<table class="matrix" id="matrix">
<thead><tr><th scope="col" class="corner">Requirement</th>${columns.map(columnHeader).join('')}</tr></thead>
<tbody>
${body.join('\n')}
</tbody>
</table>
</div>`;
  return page({
    title: `Glance conformance matrix — ${columns.length} target${columns.length === 1 ? '' : 's'}`,
    heading: 'OpenStack Glance Image API v2 conformance matrix',
    subheading: esc(columns.map((c, i) => c.label ?? c.report.target?.url ?? `report ${i + 1}`).join(' · ')),
    kind: 'matrix',
    body: html,
  });
}
