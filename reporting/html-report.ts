import type { Exchange, RecordedMessage } from '../harness/evidence';
import {
  badge,
  el,
  esc,
  filterForm,
  formatDuration,
  link,
  OVERALL_HELP,
  page,
  plural,
  VERDICT_HELP,
  VERDICT_LABEL,
} from './html-kit';
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
  const rows = Object.entries(headers).map(([k, v]) =>
    el('tr', {}, el('th', { scope: 'row' }, esc(k)), el('td', {}, esc(v))),
  );
  return rows.length ? el('table', { class: 'headers' }, el('tbody', {}, ...rows)) : '<p class="muted">no headers</p>';
}

function bodyBlock(m: RecordedMessage): string {
  return m.body === undefined ? '<p class="muted">no body</p>' : el('pre', { class: 'body' }, esc(prettyBody(m.body)));
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
  const call = `${esc(x.request.method)} ${esc(x.request.url)}`;
  const status = x.response
    ? el('span', { class: `status ${statusClass(x.response.status)}` }, esc(x.response.status))
    : '<span class="status s5">no answer</span>';
  const summary = el(
    'summary',
    {},
    el('span', { class: 'role' }, esc(role)),
    ' ',
    el('code', { class: 'reqline' }, call),
    ` → ${status} `,
    el('span', { class: 'muted' }, `${esc(formatDuration(x.durationMs))} · ${esc(x.at)}`),
  );
  const request = el(
    'section',
    { class: 'msg' },
    '<h4>Request</h4>',
    el('p', {}, el('code', {}, call)),
    headersTable(x.request.headers),
    bodyBlock(x.request),
  );
  const response = x.response
    ? [
        el('p', {}, el('code', {}, `HTTP ${esc(x.response.status)}`)),
        headersTable(x.response.headers),
        bodyBlock(x.response),
      ]
    : [el('p', { class: 'failure' }, esc(x.failure ?? 'no response recorded'))];
  const answer = el('section', { class: 'msg' }, '<h4>Response</h4>', ...response);
  return el('details', { class: 'exchange', open }, summary, '\n', el('div', { class: 'msgs' }, request, answer));
}

function reasonBlock(reason: string): string {
  const r = parseReason(reason);
  const values =
    r.expected !== undefined || r.received !== undefined
      ? el(
          'dl',
          { class: 'kv expect' },
          el('dt', {}, 'Expected'),
          el('dd', {}, el('code', {}, esc(r.expected ?? ''))),
          el('dt', {}, 'Actual'),
          el('dd', {}, el('code', {}, esc(r.received ?? ''))),
        )
      : '';
  const raw = el('details', { class: 'raw' }, el('summary', {}, 'assertion message'), el('pre', {}, esc(r.text)));
  return el('div', { class: 'reason' }, el('p', { class: 'headline' }, esc(r.headline)), values, raw);
}

/** Exchanges folded away under a summary line. */
function folded(what: string, exchanges: string[]): string {
  return exchanges.length ? el('details', { class: 'earlier' }, el('summary', {}, what), exchanges.join('\n')) : '';
}

function testEvidence(t: TestReport): string {
  const { deciding, cleanup } = splitEvidence(t.evidence);
  const shown = deciding.slice(0, SHOWN_EXCHANGES);
  const earlier = deciding.slice(SHOWN_EXCHANGES);
  const exchanges = t.evidence?.length
    ? [
        '<h4>Exchanges, newest first</h4>',
        ...shown.map((x, i) => exchangeBlock(x, i === 0 ? 'deciding' : `#${deciding.length - i}`, i === 0)),
        folded(
          plural(earlier.length, 'earlier exchange'),
          earlier.map((x, i) => exchangeBlock(x, `#${earlier.length - i}`, false)),
        ),
        folded(
          `${plural(cleanup.length, 'cleanup exchange')} after the test`,
          cleanup.map((x) => exchangeBlock(x, 'cleanup', false)),
        ),
      ].join('\n')
    : '<p class="muted">No exchange was recorded for this test.</p>';
  const where = el('span', { class: 'muted mono' }, `${esc(t.file)}:${esc(t.line)}`);
  return el(
    'article',
    { class: 'test-evidence' },
    el('h3', {}, `${badge(t.verdict)} ${esc(t.title)} ${where}`),
    t.escalation ? el('p', { class: 'warn' }, `Raised to MUST: ${esc(t.escalation)}`) : '',
    t.reasons.map(reasonBlock).join('\n') || '<p class="muted">No reason was recorded.</p>',
    '\n',
    exchanges,
  );
}

function evidenceRow(r: RequirementReport): string {
  const failing = r.tests.filter((t) => EXPLAINED.includes(t.verdict));
  if (!failing.length) return '';
  const exchanges = failing.reduce((n, t) => n + (t.evidence?.length ?? 0), 0);
  const summary =
    `Evidence for ${esc(r.id)}: ${failing.length} of ${plural(r.tests.length, 'test')} ` +
    `${esc(VERDICT_LABEL[r.verdict])}, ${plural(exchanges, 'recorded exchange')}`;
  const details = el(
    'details',
    { class: 'evidence', id: `evidence-${r.id}` },
    el('summary', {}, summary),
    el('p', { class: 'muted' }, `Pass criterion: ${esc(r.passes)}`),
    failing.map(testEvidence).join('\n'),
  );
  return el('tr', { class: 'evidence-row' }, el('td', { colspan: 7 }, details));
}

function requirementRows(r: RequirementReport): string {
  const skip = r.verdict === 'not-applicable' ? r.tests.flatMap((t) => t.reasons)[0] : undefined;
  const heading = el(
    'th',
    { scope: 'row' },
    el('code', { class: 'rid' }, esc(r.id)),
    el('div', { class: 'rtitle' }, esc(r.title)),
    skip ? el('div', { class: 'muted small' }, esc(skip)) : '',
  );
  const row = el(
    'tr',
    { class: 'req-row' },
    heading,
    el('td', {}, el('span', { class: `level l-${r.level}` }, esc(r.level))),
    el('td', {}, esc(r.feature)),
    el('td', {}, link(r.source.url, r.source.clause)),
    el('td', { class: 'verdict' }, badge(r.verdict)),
    el('td', { class: 'num' }, String(r.tests.length)),
    el('td', { class: 'num' }, esc(formatDuration(r.durationMs))),
  );
  const attributes = { class: 'req', id: `req-${r.id}`, 'data-id': r.id, 'data-verdict': r.verdict };
  return el(
    'tbody',
    { ...attributes, 'data-feature': r.feature, 'data-level': r.level },
    '\n',
    row,
    '\n',
    evidenceRow(r),
  );
}

/** A `<dl>` of terms and (HTML) descriptions. */
const definitions = (rows: Array<[string, string] | false>, cls = 'kv') =>
  el(
    'dl',
    { class: cls },
    ...rows.filter((r): r is [string, string] => r !== false).map(([t, d]) => `<dt>${t}</dt><dd>${d}</dd>`),
  );

function capabilityTable(t: NonNullable<ConformanceReport['target']>): string {
  const caps = Object.keys({ ...t.capabilities, ...t.reasons }) as Array<keyof typeof t.capabilities>;
  if (!caps.length) return '<p class="muted">none detected up front</p>';
  const rows = caps.map((c) => {
    const v = t.capabilities[c];
    const available =
      v === undefined
        ? '<span class="muted">not probed</span>'
        : v
          ? '<span class="yes">yes</span>'
          : '<span class="no">no</span>';
    return el(
      'tr',
      {},
      el('th', { scope: 'row' }, el('code', {}, esc(c))),
      el('td', {}, available),
      el('td', {}, esc(t.reasons[c] ?? '')),
    );
  });
  const head = ['Capability', 'Available', 'Reason'].map((h) => el('th', { scope: 'col' }, h));
  return el('table', { class: 'caps' }, el('thead', {}, el('tr', {}, ...head)), el('tbody', {}, ...rows));
}

function targetCard(report: ConformanceReport): string {
  const t = report.target;
  if (!t) {
    const why = 'The target was not described: discovery did not run (see the run output).';
    return el('section', { class: 'card' }, '<h2>Target</h2>', el('p', { class: 'muted' }, why));
  }
  const version =
    `<strong>${esc(t.currentVersion ?? 'unknown')}</strong> ` +
    el('span', { class: 'muted' }, `(offers ${esc(t.versions.join(', ') || 'none')})`);
  return el(
    'section',
    { class: 'card target', 'aria-labelledby': 'target-h' },
    '<h2 id="target-h">Target</h2>\n',
    definitions([
      ['URL', el('code', { class: 'target-url' }, esc(t.url))],
      ['Kind', t.kind === 'embedded' ? 'embedded reference server' : 'remote deployment'],
      ['API version', version],
      ['Authentication', esc(t.auth)],
      tlsUnverified(t) && ['TLS', el('span', { class: 'warn' }, 'certificate verification was off for this run')],
      ['Discovered', esc(t.discoveredAt)],
    ]),
    '\n<h3>Detected capabilities</h3>\n',
    capabilityTable(t),
    '\n<p class="muted small">Capabilities not listed here are found by the tests that need them.</p>',
  );
}

function cleanupNotes(report: ConformanceReport): string {
  if (!report.cleanup.length) return '';
  const items = report.cleanup.map((c) =>
    el('li', {}, el('code', {}, esc(c.requirement)), ` ${esc(c.test)}: ${esc(c.description)}`),
  );
  const note =
    `Images of ${plural(report.cleanup.length, 'judged test')} could not be deleted right away ` +
    "(the run's sweep retried; verdicts are unaffected):";
  return el('p', { class: 'warn' }, note) + el('ul', { class: 'findings' }, ...items);
}

function runCard(report: ConformanceReport): string {
  const { run, tool, catalog } = report;
  const partial =
    'Partial run: a filter (--grep, a spec file or a shard) selected some tests only; ' +
    'requirements that did not run are not in this report.';
  return el(
    'section',
    { class: 'card' },
    '<h2>Run</h2>\n',
    definitions([
      ['Run ID', el('code', {}, esc(run.id))],
      ['Started', esc(run.startedAt)],
      ['Duration', esc(formatDuration(run.durationMs))],
      ['Requirements judged', String(report.summary.total)],
      ['Tool', `${esc(tool.name)} ${esc(tool.version)} · Playwright ${esc(tool.playwright)}`],
      ['Catalog', `${el('code', {}, esc(catalog.hash.slice(0, 19)))} · ${catalog.requirements} requirements`],
      ['Mode', run.strict ? 'strict: SHOULD findings fail the run' : 'SHOULD findings do not fail the run'],
      run.shards !== undefined && ['Shards', esc(run.shards.map((x) => `${x.current}/${x.total}`).join(', '))],
    ]),
    run.filtered ? el('p', { class: 'warn' }, partial) : '',
    cleanupNotes(report),
    '\n<h3>Verdicts</h3>\n',
    definitions(VERDICT_ORDER.map((v) => [badge(v), el('span', { class: 'muted' }, esc(VERDICT_HELP[v]))])),
  );
}

function banner(report: ConformanceReport): string {
  const s = report.summary;
  const verdict = el(
    'div',
    {},
    '<div class="muted small">Overall verdict</div>',
    el('div', { class: 'big', id: 'overall-verdict' }, esc(report.verdict)),
    el('div', { class: 'small' }, esc(OVERALL_HELP[report.verdict])),
  );
  const counts = VERDICT_ORDER.map((v) =>
    el('span', { class: `badge v-${v}`, 'data-count': v }, `${s[v]} ${esc(VERDICT_LABEL[v])}`),
  );
  return el(
    'section',
    { class: `verdict-banner o-${report.verdict}`, 'aria-label': 'Overall verdict' },
    verdict,
    el(
      'div',
      { class: 'counts', 'aria-label': 'Requirement counts' },
      ...counts,
      `<span class="badge v-not-applicable">${s.total} total</span>`,
    ),
  );
}

function findingsList(report: ConformanceReport): string {
  const findings = report.requirements.filter((r) => EXPLAINED.includes(r.verdict));
  if (!findings.length) return '';
  const items = findings.map((r) =>
    el(
      'li',
      {},
      `${badge(r.verdict)} `,
      el('a', { href: `#req-${r.id}` }, el('code', {}, esc(r.id))),
      ` (${esc(r.level)}) ${esc(r.title)}`,
    ),
  );
  return el(
    'section',
    { 'aria-labelledby': 'findings-h' },
    '<h2 id="findings-h">Findings</h2>',
    el('ul', { class: 'findings' }, ...items),
  );
}

function filters(report: ConformanceReport): string {
  const s = report.summary;
  const features = [...new Set(report.requirements.map((r) => r.feature))];
  const boxes = VERDICT_ORDER.map((v) =>
    el(
      'label',
      {},
      el('input', { type: 'checkbox', name: 'verdict', value: v, checked: true }),
      ` ${badge(v)} `,
      el('span', { class: 'muted' }, String(s[v])),
    ),
  );
  return filterForm(
    features,
    report.requirements.length,
    [el('fieldset', {}, '<legend>Verdict</legend>', ...boxes), '\n'],
    [
      '\n<label>Search <input type="search" id="text-filter" placeholder="ID, title, clause…"></label>',
      '\n<button type="button" id="only-findings">Only findings</button>',
      '\n<button type="button" id="show-all">Show all</button>',
      '\n<button type="button" id="expand-all">Expand/collapse evidence</button>\n',
    ],
  );
}

const COLUMNS = ['Requirement', 'Level', 'Feature', 'Source', 'Verdict'];

export function renderConformanceHtml(report: ConformanceReport): string {
  const caption =
    'Source clauses link to the text the rule comes from. Failed, non-strict and error rows expand to their evidence.';
  const head = el(
    'thead',
    {},
    el(
      'tr',
      {},
      ...COLUMNS.map((c) => el('th', { scope: 'col' }, c)),
      ...['Tests', 'Duration'].map((c) => el('th', { scope: 'col', class: 'num' }, c)),
    ),
  );
  const table = el(
    'table',
    { class: 'reqs', id: 'requirements' },
    '\n',
    el('caption', { class: 'muted caption' }, caption),
    '\n',
    head,
    '\n',
    report.requirements.map(requirementRows).join('\n'),
  );
  const body = [
    banner(report),
    findingsList(report),
    el('div', { class: 'grid' }, targetCard(report), runCard(report)),
    el('section', { 'aria-labelledby': 'reqs-h' }, '<h2 id="reqs-h">Requirements</h2>\n', filters(report), '\n', table),
  ].join('\n');
  const target = report.target;
  const version = target?.currentVersion ?? 'version unknown';
  return page({
    title: `Glance conformance: ${report.verdict} — ${target ? `${target.url} (${version})` : 'unknown target'}`,
    heading: 'OpenStack Glance Image API v2 conformance',
    subheading: [el('code', {}, esc(target?.url ?? 'unknown target')), esc(version), esc(report.run.startedAt)].join(
      ' · ',
    ),
    kind: 'report',
    body,
  });
}
