import type { Exchange, RecordedMessage } from '../harness/evidence';
import { badge, esc, formatDuration, link, OVERALL_HELP, page, VERDICT_HELP, VERDICT_LABEL } from './html-kit';
import {
  splitEvidence,
  tlsUnverified,
  VERDICT_ORDER,
  type ConformanceReport,
  type RequirementReport,
  type TestReport,
  type Verdict,
} from './model';
import { parseReason } from './reasons';

/**
 * reports/conformance.html: the run as a person reads it. The target, the overall verdict, one
 * row per requirement (filterable by verdict and feature), and for every requirement that is not
 * a pass the reasons and the recorded exchanges that decided it, newest first. Everything that
 * came from the target is escaped; the evidence was redacted when it was recorded.
 */

/** Verdicts whose rows open onto evidence. */
const EXPLAINED: Verdict[] = ['fail', 'non-strict', 'error'];

/** Exchanges shown in full before "earlier exchanges" folds the rest away. */
const SHOWN_EXCHANGES = 3;

function headersTable(headers: Record<string, string>): string {
  const rows = Object.entries(headers);
  if (!rows.length) return '<p class="muted">no headers</p>';
  return `<table class="headers"><tbody>${rows.map(([k, v]) => `<tr><th scope="row">${esc(k)}</th><td>${esc(v)}</td></tr>`).join('')}</tbody></table>`;
}

function bodyBlock(m: RecordedMessage): string {
  return m.body === undefined ? '<p class="muted">no body</p>' : `<pre class="body">${esc(prettyBody(m.body))}</pre>`;
}

function prettyBody(body: string): string {
  const t = body.trim();
  if (!(t.startsWith('{') || t.startsWith('['))) return body;
  try {
    return JSON.stringify(JSON.parse(t), null, 2);
  } catch {
    return body;
  }
}

function statusClass(status: number): string {
  return status >= 500 ? 's5' : status >= 400 ? 's4' : status >= 300 ? 's3' : 's2';
}

function exchangeBlock(x: Exchange, role: string, open: boolean): string {
  const response = x.response
    ? `<span class="status ${statusClass(x.response.status)}">${esc(x.response.status)}</span>`
    : `<span class="status s5">no answer</span>`;
  return `<details class="exchange"${open ? ' open' : ''}>
<summary><span class="role">${esc(role)}</span> <code class="reqline">${esc(x.request.method)} ${esc(x.request.url)}</code> → ${response} <span class="muted">${esc(formatDuration(x.durationMs))} · ${esc(x.at)}</span></summary>
<div class="msgs">
<section class="msg"><h4>Request</h4><p><code>${esc(x.request.method)} ${esc(x.request.url)}</code></p>${headersTable(x.request.headers)}${bodyBlock(x.request)}</section>
<section class="msg"><h4>Response</h4>${x.response
    ? `<p><code>HTTP ${esc(x.response.status)}</code></p>${headersTable(x.response.headers)}${bodyBlock(x.response)}`
    : `<p class="failure">${esc(x.failure ?? 'no response recorded')}</p>`}</section>
</div>
</details>`;
}

function reasonBlock(reason: string): string {
  const r = parseReason(reason);
  const ev = r.expected !== undefined || r.received !== undefined
    ? `<dl class="kv expect"><dt>Expected</dt><dd><code>${esc(r.expected ?? '')}</code></dd><dt>Actual</dt><dd><code>${esc(r.received ?? '')}</code></dd></dl>`
    : '';
  return `<div class="reason"><p class="headline">${esc(r.headline)}</p>${ev}<details class="raw"><summary>assertion message</summary><pre>${esc(r.text)}</pre></details></div>`;
}

function testEvidence(t: TestReport): string {
  const { deciding, cleanup } = splitEvidence(t.evidence);
  const shown = deciding.slice(0, SHOWN_EXCHANGES);
  const earlier = deciding.slice(SHOWN_EXCHANGES);
  const exchanges = t.evidence?.length
    ? `<h4>Exchanges, newest first</h4>
${shown.map((x, i) => exchangeBlock(x, i === 0 ? 'deciding' : `#${deciding.length - i}`, i === 0)).join('\n')}
${earlier.length ? `<details class="earlier"><summary>${earlier.length} earlier exchange${earlier.length > 1 ? 's' : ''}</summary>${earlier.map((x, i) => exchangeBlock(x, `#${earlier.length - i}`, false)).join('\n')}</details>` : ''}
${cleanup.length ? `<details class="earlier"><summary>${cleanup.length} cleanup exchange${cleanup.length > 1 ? 's' : ''} after the test</summary>${cleanup.map((x) => exchangeBlock(x, 'cleanup', false)).join('\n')}</details>` : ''}`
    : '<p class="muted">No exchange was recorded for this test.</p>';
  return `<article class="test-evidence">
<h3>${badge(t.verdict)} ${esc(t.title)} <span class="muted mono">${esc(t.file)}:${esc(t.line)}</span></h3>
${t.escalation ? `<p class="warn">Raised to MUST: ${esc(t.escalation)}</p>` : ''}
${t.reasons.map(reasonBlock).join('\n') || '<p class="muted">No reason was recorded.</p>'}
${exchanges}
</article>`;
}

function evidenceRow(r: RequirementReport): string {
  const failing = r.tests.filter((t) => EXPLAINED.includes(t.verdict));
  if (!failing.length) return '';
  const exchanges = failing.reduce((n, t) => n + (t.evidence?.length ?? 0), 0);
  return `<tr class="evidence-row"><td colspan="7">
<details class="evidence" id="evidence-${esc(r.id)}">
<summary>Evidence for ${esc(r.id)}: ${failing.length} of ${r.tests.length} test${r.tests.length > 1 ? 's' : ''} ${esc(VERDICT_LABEL[r.verdict])}, ${exchanges} recorded exchange${exchanges === 1 ? '' : 's'}</summary>
<p class="muted">Pass criterion: ${esc(r.passes)}</p>
${failing.map(testEvidence).join('\n')}
</details>
</td></tr>`;
}

function requirementRows(r: RequirementReport): string {
  const skip = r.verdict === 'not-applicable' ? r.tests.flatMap((t) => t.reasons)[0] : undefined;
  return `<tbody class="req" id="req-${esc(r.id)}" data-id="${esc(r.id)}" data-verdict="${esc(r.verdict)}" data-feature="${esc(r.feature)}" data-level="${esc(r.level)}">
<tr class="req-row">
<th scope="row"><code class="rid">${esc(r.id)}</code><div class="rtitle">${esc(r.title)}</div>${skip ? `<div class="muted small">${esc(skip)}</div>` : ''}</th>
<td><span class="level l-${esc(r.level)}">${esc(r.level)}</span></td>
<td>${esc(r.feature)}</td>
<td>${link(r.source.url, r.source.clause)}</td>
<td class="verdict">${badge(r.verdict)}</td>
<td class="num">${r.tests.length}</td>
<td class="num">${esc(formatDuration(r.durationMs))}</td>
</tr>
${evidenceRow(r)}
</tbody>`;
}

function targetCard(report: ConformanceReport): string {
  const t = report.target;
  if (!t) return '<section class="card"><h2>Target</h2><p class="muted">The target was not described: discovery did not run (see the run output).</p></section>';
  const caps = Object.keys({ ...t.capabilities, ...t.reasons }) as Array<keyof typeof t.capabilities>;
  const capRows = caps.map((c) => {
    const v = t.capabilities[c];
    return `<tr><th scope="row"><code>${esc(c)}</code></th><td>${v === undefined ? '<span class="muted">not probed</span>' : v ? '<span class="yes">yes</span>' : '<span class="no">no</span>'}</td><td>${esc(t.reasons[c] ?? '')}</td></tr>`;
  }).join('');
  return `<section class="card target" aria-labelledby="target-h"><h2 id="target-h">Target</h2>
<dl class="kv">
<dt>URL</dt><dd><code class="target-url">${esc(t.url)}</code></dd>
<dt>Kind</dt><dd>${t.kind === 'embedded' ? 'embedded reference server' : 'remote deployment'}</dd>
<dt>API version</dt><dd><strong>${esc(t.currentVersion ?? 'unknown')}</strong> <span class="muted">(offers ${esc(t.versions.join(', ') || 'none')})</span></dd>
<dt>Authentication</dt><dd>${esc(t.auth)}</dd>
${tlsUnverified(t) ? '<dt>TLS</dt><dd class="warn">certificate verification was off for this run</dd>' : ''}
<dt>Discovered</dt><dd>${esc(t.discoveredAt)}</dd>
</dl>
<h3>Detected capabilities</h3>
${caps.length ? `<table class="caps"><thead><tr><th scope="col">Capability</th><th scope="col">Available</th><th scope="col">Reason</th></tr></thead><tbody>${capRows}</tbody></table>` : '<p class="muted">none detected up front</p>'}
<p class="muted small">Capabilities not listed here are found by the tests that need them.</p>
</section>`;
}

function cleanupNotes(report: ConformanceReport): string {
  if (!report.cleanup.length) return '';
  const items = report.cleanup.map((c) => `<li><code>${esc(c.requirement)}</code> ${esc(c.test)}: ${esc(c.description)}</li>`);
  return `<p class="warn">Images of ${report.cleanup.length} judged test(s) could not be deleted right away ` +
    `(the run's sweep retried; verdicts are unaffected):</p><ul class="findings">${items.join('')}</ul>`;
}

function runCard(report: ConformanceReport): string {
  return `<section class="card"><h2>Run</h2>
<dl class="kv">
<dt>Run ID</dt><dd><code>${esc(report.run.id)}</code></dd>
<dt>Started</dt><dd>${esc(report.run.startedAt)}</dd>
<dt>Duration</dt><dd>${esc(formatDuration(report.run.durationMs))}</dd>
<dt>Requirements judged</dt><dd>${report.summary.total}</dd>
<dt>Tool</dt><dd>${esc(report.tool.name)} ${esc(report.tool.version)} · Playwright ${esc(report.tool.playwright)}</dd>
<dt>Catalog</dt><dd><code>${esc(report.catalog.hash.slice(0, 19))}</code> · ${report.catalog.requirements} requirements</dd>
<dt>Mode</dt><dd>${report.run.strict ? 'strict: SHOULD findings fail the run' : 'SHOULD findings do not fail the run'}</dd>
${report.run.shards ? `<dt>Shards</dt><dd>${report.run.shards.map((x) => `${x.current}/${x.total}`).join(', ')}</dd>` : ''}
</dl>
${report.run.filtered ? '<p class="warn">Partial run: a filter (--grep or a spec file) selected some tests only; requirements that did not run are not in this report.</p>' : ''}
${cleanupNotes(report)}
<h3>Verdicts</h3>
<dl class="kv">${VERDICT_ORDER.map((v) => `<dt>${badge(v)}</dt><dd class="muted">${esc(VERDICT_HELP[v])}</dd>`).join('')}</dl>
</section>`;
}



export function renderConformanceHtml(report: ConformanceReport): string {
  const s = report.summary;
  const features = [...new Set(report.requirements.map((r) => r.feature))];
  const findings = report.requirements.filter((r) => EXPLAINED.includes(r.verdict));
  const targetName = report.target ? `${report.target.url} (${report.target.currentVersion ?? 'version unknown'})` : 'unknown target';
  const body = `
<section class="verdict-banner o-${esc(report.verdict)}" aria-label="Overall verdict">
<div><div class="muted small">Overall verdict</div><div class="big" id="overall-verdict">${esc(report.verdict)}</div><div class="small">${esc(OVERALL_HELP[report.verdict])}</div></div>
<div class="counts" aria-label="Requirement counts">${VERDICT_ORDER.map((v) => `<span class="badge v-${v}" data-count="${v}">${s[v]} ${esc(VERDICT_LABEL[v])}</span>`).join('')}<span class="badge v-not-applicable">${s.total} total</span></div>
</section>
${findings.length ? `<section aria-labelledby="findings-h"><h2 id="findings-h">Findings</h2><ul class="findings">${findings.map((r) => `<li>${badge(r.verdict)} <a href="#req-${esc(r.id)}"><code>${esc(r.id)}</code></a> (${esc(r.level)}) ${esc(r.title)}</li>`).join('')}</ul></section>` : ''}
<div class="grid">${targetCard(report)}${runCard(report)}</div>
<section aria-labelledby="reqs-h">
<h2 id="reqs-h">Requirements</h2>
<form class="filters" role="search" aria-label="Filter requirements" onsubmit="return false">
<fieldset><legend>Verdict</legend>${VERDICT_ORDER.map((v) => `<label><input type="checkbox" name="verdict" value="${v}" checked> ${badge(v)} <span class="muted">${s[v]}</span></label>`).join('')}</fieldset>
<label>Feature <select id="feature-filter"><option value="">all features</option>${features.map((f) => `<option value="${esc(f)}">${esc(f)}</option>`).join('')}</select></label>
<label>Search <input type="search" id="text-filter" placeholder="ID, title, clause…"></label>
<button type="button" id="only-findings">Only findings</button>
<button type="button" id="show-all">Show all</button>
<button type="button" id="expand-all">Expand/collapse evidence</button>
<span class="status-line" id="shown-count" role="status" aria-live="polite">${report.requirements.length} of ${report.requirements.length} requirements shown</span>
</form>
<table class="reqs" id="requirements">
<caption class="muted" style="text-align:left;caption-side:bottom;padding-top:8px">Source clauses link to the text the rule comes from. Failed, non-strict and error rows expand to their evidence.</caption>
<thead><tr><th scope="col">Requirement</th><th scope="col">Level</th><th scope="col">Feature</th><th scope="col">Source</th><th scope="col">Verdict</th><th scope="col" class="num">Tests</th><th scope="col" class="num">Duration</th></tr></thead>
${report.requirements.map(requirementRows).join('\n')}
</table>
</section>`;
  return page({
    title: `Glance conformance: ${report.verdict} — ${targetName}`,
    heading: 'OpenStack Glance Image API v2 conformance',
    subheading: `<code>${esc(report.target?.url ?? 'unknown target')}</code> · ${esc(report.target?.currentVersion ?? 'version unknown')} · ${esc(report.run.startedAt)}`,
    kind: 'report',
    body,
  });
}
