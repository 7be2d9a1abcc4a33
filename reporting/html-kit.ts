import type { Overall, Verdict } from './verdicts';

/**
 * What the report pages share: escaping, verdict names and colours, and the page frame. Every page
 * is one file with inline CSS and JS, and a Content-Security-Policy that forbids loading anything:
 * it opens the same from a CI artifact, a mail attachment or a laptop without network.
 */

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** HTML-escapes text for element content and quoted attribute values. */
export function esc(value: unknown): string {
  return String(value ?? '').replace(/[&<>"']/g, (c) => ESCAPES[c]);
}

/** An href that cannot run script: http(s) URLs and relative paths only. */
export function safeHref(url: string): string | undefined {
  if (/^https?:\/\//i.test(url)) return url;
  if (/^[\w./#%-]+$/.test(url) && !/^[a-z][\w+.-]*:/i.test(url)) return url;
  return undefined;
}

export function link(url: string, text: string): string {
  const href = safeHref(url);
  return href ? `<a href="${esc(href)}" rel="noopener noreferrer">${esc(text)}</a>` : esc(text);
}

/** Worst first, the order used for filters and legends. */
export const VERDICT_ORDER: Verdict[] = ['fail', 'error', 'non-strict', 'pass', 'not-applicable'];

export const VERDICT_LABEL: Record<Verdict, string> = {
  pass: 'pass',
  fail: 'fail',
  'non-strict': 'non-strict',
  'not-applicable': 'not applicable',
  error: 'error',
};

export const VERDICT_HELP: Record<Verdict, string> = {
  pass: 'the target meets the requirement',
  fail: 'the target breaks a MUST (or answered with a server error)',
  'non-strict': 'the target breaks a SHOULD: not conformance-breaking, worth fixing',
  'not-applicable': 'the target lacks a capability the requirement needs',
  error: 'the suite could not judge: the test did not get to its check',
};

export const OVERALL_HELP: Record<Overall, string> = {
  conformant: 'no MUST is broken and every requirement that applies was judged',
  'non-conformant': 'at least one MUST is broken',
  incomplete: 'no MUST is known broken, but some requirements could not be judged',
};

export function badge(verdict: Verdict): string {
  return `<span class="badge v-${esc(verdict)}" title="${esc(VERDICT_HELP[verdict])}">${esc(VERDICT_LABEL[verdict])}</span>`;
}

export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms)) return '';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  return `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
}

const CSS = `
:root{--fg:#1f2328;--muted:#59636e;--line:#d1d9e0;--soft:#f6f8fa;--link:#0550ae;
--pass-fg:#116329;--pass-bg:#dafbe1;--fail-fg:#a40e26;--fail-bg:#ffebe9;--ns-fg:#7a4e00;--ns-bg:#fff8c5;
--na-fg:#59636e;--na-bg:#eff2f5;--err-fg:#6639ba;--err-bg:#fbefff;}
*{box-sizing:border-box}
body{margin:0;font:14px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;color:var(--fg);background:#fff}
header.top{padding:20px 32px 16px;border-bottom:1px solid var(--line);background:var(--soft)}
header.top h1{margin:0 0 4px;font-size:20px;font-weight:600}
header.top .sub{color:var(--muted)}
main{padding:16px 32px 48px;max-width:1600px}
h2{font-size:16px;margin:24px 0 8px}
a{color:var(--link)}
a:focus-visible,button:focus-visible,input:focus-visible,select:focus-visible,summary:focus-visible{outline:2px solid var(--link);outline-offset:2px}
code,pre,.mono{font-family:ui-monospace,SFMono-Regular,"SF Mono",Menlo,Consolas,"Liberation Mono",monospace;font-size:12.5px}
pre{white-space:pre-wrap;word-break:break-word;margin:0}
.muted{color:var(--muted)}
.badge{display:inline-block;padding:1px 8px;border-radius:999px;font-size:12px;font-weight:600;white-space:nowrap;border:1px solid transparent}
.v-pass{color:var(--pass-fg);background:var(--pass-bg);border-color:#aceebb}
.v-fail{color:var(--fail-fg);background:var(--fail-bg);border-color:#ffcecb}
.v-non-strict{color:var(--ns-fg);background:var(--ns-bg);border-color:#f5e0a0}
.v-not-applicable{color:var(--na-fg);background:var(--na-bg);border-color:var(--line)}
.v-error{color:var(--err-fg);background:var(--err-bg);border-color:#ecd8ff}
.verdict-banner{display:flex;gap:16px;align-items:center;flex-wrap:wrap;padding:14px 18px;border-radius:8px;border:1px solid var(--line);margin:16px 0}
.verdict-banner .big{font-size:22px;font-weight:700;text-transform:uppercase;letter-spacing:.02em}
.o-conformant{background:var(--pass-bg);border-color:#aceebb}.o-conformant .big{color:var(--pass-fg)}
.o-non-conformant{background:var(--fail-bg);border-color:#ffcecb}.o-non-conformant .big{color:var(--fail-fg)}
.o-incomplete{background:var(--err-bg);border-color:#ecd8ff}.o-incomplete .big{color:var(--err-fg)}
.counts{display:flex;gap:8px;flex-wrap:wrap}
.counts .badge{font-size:13px;padding:2px 10px}
.grid{display:grid;grid-template-columns:repeat(auto-fit,minmax(320px,1fr));gap:16px}
.card{border:1px solid var(--line);border-radius:8px;padding:12px 16px}
.card h2{margin-top:0}
dl.kv{display:grid;grid-template-columns:max-content 1fr;gap:4px 16px;margin:0}
dl.kv dt{color:var(--muted)}dl.kv dd{margin:0;word-break:break-word}
table{border-collapse:collapse;width:100%}
th,td{text-align:left;vertical-align:top;padding:6px 10px;border-bottom:1px solid var(--line)}
thead th{position:sticky;top:0;background:#fff;z-index:2;border-bottom:2px solid var(--line);font-weight:600}
td.num,th.num{text-align:right;white-space:nowrap;font-variant-numeric:tabular-nums}
.filters{display:flex;gap:12px 24px;flex-wrap:wrap;align-items:center;padding:10px 12px;border:1px solid var(--line);border-radius:8px;background:var(--soft);margin:8px 0}
.filters fieldset{border:0;margin:0;padding:0;display:flex;gap:10px;flex-wrap:wrap;align-items:center}
.filters legend{float:left;margin-right:8px;font-weight:600}
.filters label{display:inline-flex;gap:4px;align-items:center;cursor:pointer}
.filters select,.filters input[type=search]{font:inherit;padding:3px 6px;border:1px solid var(--line);border-radius:6px;background:#fff}
.filters button{font:inherit;padding:3px 10px;border:1px solid var(--line);border-radius:6px;background:#fff;cursor:pointer}
.status-line{color:var(--muted);margin-left:auto}
.warn{padding:8px 12px;border-left:4px solid #bf8700;background:var(--ns-bg);margin:8px 0}
`;

export interface PageParts {
  title: string;
  heading: string;
  subheading?: string;
  css?: string;
  body: string;
  script?: string;
}

export function page(p: PageParts): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'">
<meta name="referrer" content="no-referrer">
<meta name="generator" content="glance-conformance">
<title>${esc(p.title)}</title>
<link rel="icon" href="data:,">
<style>${CSS}${p.css ?? ''}</style>
</head>
<body>
<header class="top"><h1>${esc(p.heading)}</h1>${p.subheading ? `<div class="sub">${p.subheading}</div>` : ''}</header>
<main>
${p.body}
</main>
${p.script ? `<script>\n${p.script}\n</script>` : ''}
</body>
</html>
`;
}
