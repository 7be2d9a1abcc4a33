/** Why a test did not pass, as text: the one reader of Playwright's "Expected: / Received:" lines. */

export interface ParsedReason {
  headline: string;
  expected?: string;
  received?: string;
  text: string;
}

// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-9;]*m/g;

export const stripAnsi = (s: string): string => s.replace(ANSI, '');

/** The first non-empty lines of an error message, colours removed: what a report keeps of it. */
export function firstLines(message: string, n = 6): string {
  return stripAnsi(message)
    .split('\n')
    .filter((l) => l.trim())
    .slice(0, n)
    .join('\n');
}

const field = (lines: string[], word: string) =>
  lines
    .map((l) => new RegExp(`^\\s*${word}[^:]{0,20}:\\s?(.*)$`).exec(l))
    .find(Boolean)?.[1]
    ?.trim();

const MATCHER_HINT = /^expect(\.\w+)?\(/;

/**
 * Splits an assertion message into its label and its expected and received values. The label is the
 * first line that says what was checked, whether it comes before Playwright's matcher hint
 * (`expect(x, 'label')`) or after it (a custom matcher's own message); the hint itself otherwise.
 */
export function parseReason(reason: string): ParsedReason {
  const lines = reason.split('\n');
  const end = lines.findIndex((l) => /^\s*(Expected|Received)[^:]{0,20}:/.test(l));
  const texts = (end < 0 ? lines : lines.slice(0, end)).map((l) => l.trim().replace(/^Error:\s*/, '')).filter(Boolean);
  const headline = texts.find((l) => !MATCHER_HINT.test(l)) ?? texts[0] ?? '';
  return { headline, expected: field(lines, 'Expected'), received: field(lines, 'Received'), text: reason };
}

/** "Error: what\n…\nExpected: 200\nReceived: 416" → "what: expected 200, received 416". */
export function summarize(reason: string): string {
  const r = parseReason(reason);
  return r.expected !== undefined && r.received !== undefined
    ? `${r.headline}: expected ${r.expected}, received ${r.received}`
    : r.headline;
}
