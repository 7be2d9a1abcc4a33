import fs from 'node:fs';
import path from 'node:path';
import type { Overall, Verdict } from './model';

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

export type Attributes = Record<string, string | number | boolean | undefined>;

/**
 * An element: attributes in the order given, values escaped (`true` → bare attribute, `false` and
 * `undefined` → left out); children are HTML already, joined as they are.
 */
export function el(tag: string, attributes: Attributes = {}, ...children: string[]): string {
  const attrs = Object.entries(attributes)
    .filter(([, v]) => v !== undefined && v !== false)
    .map(([k, v]) => (v === true ? ` ${k}` : ` ${k}="${esc(v)}"`))
    .join('');
  return VOID.has(tag) ? `<${tag}${attrs}>` : `<${tag}${attrs}>${children.join('')}</${tag}>`;
}

/** Elements without content or closing tag. */
const VOID = new Set(['input', 'meta', 'link', 'br']);

/** The plural of a count: `plural(2, 'test')` → "2 tests". */
export const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

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
  return el('span', { class: `badge v-${verdict}`, title: VERDICT_HELP[verdict] }, esc(VERDICT_LABEL[verdict]));
}

export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms)) return '';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  return `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
}

/** The stylesheet and browser script of a page kind, in `reporting/assets/`: `<kind>.css`, `<kind>.js`. */
/**
 * The filter bar both pages share: the page's own controls around a feature select, and a live count the page's
 * script keeps up to date.
 */
export function filterForm(features: string[], count: number, before: string[], after: string[]): string {
  const options = [
    '<option value="">all features</option>',
    ...features.map((f) => el('option', { value: f }, esc(f))),
  ];
  return el(
    'form',
    { class: 'filters', role: 'search', 'aria-label': 'Filter requirements', onsubmit: 'return false' },
    '\n',
    ...before,
    el('label', {}, 'Feature ', el('select', { id: 'feature-filter' }, ...options)),
    ...after,
    el(
      'span',
      { class: 'status-line', id: 'shown-count', role: 'status', 'aria-live': 'polite' },
      `${count} of ${count} requirements shown`,
    ),
  );
}

export type PageKind = 'report' | 'matrix';

const ASSETS = path.join(__dirname, 'assets');
const asset = (file: string) => fs.readFileSync(path.join(ASSETS, file), 'utf8');

export interface PageParts {
  title: string;
  heading: string;
  subheading?: string;
  kind: PageKind;
  body: string;
}

/** Nothing may be loaded from anywhere: the page opens the same without network. */
const CSP = [
  "default-src 'none'",
  "style-src 'unsafe-inline'",
  "script-src 'unsafe-inline'",
  'img-src data:',
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');

export function page(p: PageParts): string {
  const header = el(
    'header',
    { class: 'top' },
    el('h1', {}, esc(p.heading)),
    p.subheading ? el('div', { class: 'sub' }, p.subheading) : '',
  );
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="${CSP}">
<meta name="referrer" content="no-referrer">
<meta name="generator" content="glance-conformance">
<title>${esc(p.title)}</title>
<link rel="icon" href="data:,">
<style>
${asset('page.css')}${asset(`${p.kind}.css`)}</style>
</head>
<body>
${header}
<main>
${p.body}
</main>
<script>
${asset(`${p.kind}.js`)}</script>
</body>
</html>
`;
}
