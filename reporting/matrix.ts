import { featureOf, requirements as catalog } from '../catalog/requirements';
import { summarize, type ConformanceReport, type RequirementReport } from './conformance-reporter';
import { badge, esc, formatDuration, OVERALL_HELP, page, safeHref, VERDICT_HELP, VERDICT_LABEL, VERDICT_ORDER } from './html-kit';
import type { Verdict } from './verdicts';

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
  const why = summarize(r.tests.find((t) => t.verdict === r.verdict && t.reasons.length)?.reasons[0] ?? '');
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

const MATRIX_CSS = `
.small{font-size:12px}
.wrap{overflow:auto;max-height:calc(100vh - 220px);border:1px solid var(--line);border-radius:8px}
table.matrix{width:auto;min-width:100%}
table.matrix th,table.matrix td{border:1px solid #fff;border-bottom:1px solid #fff}
table.matrix thead th{font-weight:normal;background:var(--soft);border-bottom:2px solid var(--line);vertical-align:bottom;min-width:170px}
table.matrix thead th.corner{left:0;z-index:3}
table.matrix tbody th{position:sticky;left:0;background:#fff;z-index:1;min-width:320px;max-width:460px;font-weight:normal;border-right:2px solid var(--line)}
.col-name{font-weight:700;word-break:break-all}
.overall{display:inline-block;margin:4px 0;padding:1px 8px;border-radius:999px;font-size:12px;font-weight:700;text-transform:uppercase}
.overall.o-conformant{color:var(--pass-fg);background:var(--pass-bg)}
.overall.o-non-conformant{color:var(--fail-fg);background:var(--fail-bg)}
.overall.o-incomplete{color:var(--err-fg);background:var(--err-bg)}
td.cell{vertical-align:middle;text-align:center;font-weight:600;font-size:12.5px;white-space:nowrap}
td.cell a{color:inherit;text-decoration:none;display:block}
td.cell a:hover{text-decoration:underline}
td.cell.v-pass{background:#c6efce;color:#0b4a1f}
td.cell.v-fail{background:#f8b4b4;color:#7d0a1c}
td.cell.v-non-strict{background:#ffe58f;color:#5c3b00}
td.cell.v-not-applicable{background:#e4e8ec;color:#474f58}
td.cell.v-error{background:#e3ccff;color:#4a2593}
td.cell.missing{background:repeating-linear-gradient(45deg,#fff,#fff 4px,#f3f4f6 4px,#f3f4f6 8px);color:var(--muted)}
tr.feature-row th{background:var(--soft)!important;font-weight:700;letter-spacing:.04em}
.legend{display:flex;gap:8px;flex-wrap:wrap;align-items:center;margin:8px 0}
.rid{font-weight:600}
.lvl{font-size:11px;font-weight:700;color:var(--muted);margin-left:6px}
`;

const MATRIX_JS = `
(function () {
  var rows = Array.prototype.slice.call(document.querySelectorAll('tbody tr.req'));
  var groups = Array.prototype.slice.call(document.querySelectorAll('tbody tr.feature-row'));
  var feature = document.getElementById('feature-filter');
  var differ = document.getElementById('only-differ');
  var findings = document.getElementById('only-findings');
  var status = document.getElementById('shown-count');
  function apply() {
    var f = feature.value, shown = 0, perFeature = {};
    rows.forEach(function (r) {
      var vs = Array.prototype.map.call(r.querySelectorAll('td.cell'), function (c) { return c.getAttribute('data-verdict'); });
      var differs = vs.some(function (v) { return v !== vs[0]; });
      var bad = vs.some(function (v) { return v === 'fail' || v === 'non-strict' || v === 'error'; });
      var ok = (!f || r.getAttribute('data-feature') === f) && (!differ.checked || differs) && (!findings.checked || bad);
      r.hidden = !ok;
      if (ok) { shown++; perFeature[r.getAttribute('data-feature')] = true; }
    });
    groups.forEach(function (g) { g.hidden = !perFeature[g.getAttribute('data-feature')]; });
    status.textContent = shown + ' of ' + rows.length + ' requirements shown';
  }
  [feature, differ, findings].forEach(function (el) { el.addEventListener('change', apply); });
  apply();
})();
`;

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
    css: MATRIX_CSS,
    body: html,
    script: MATRIX_JS,
  });
}
