import type { Exchange } from '../harness/evidence';
import type { ConformanceReport } from './model';

/**
 * The differential check: the same test run against two targets makes the same requests, so their
 * answers can be compared exchange by exchange — status and the key headers. Every difference
 * must be declared in reference-server/DEVIATIONS.md as a `diff:REQUIREMENT/field` key (`*` for any
 * requirement), or the check fails.
 */

export const COMPARED_FIELDS = ['status', 'content-range', 'content-length', 'location', 'content-type'] as const;
export type Field = (typeof COMPARED_FIELDS)[number];

export interface Divergence {
  requirement: string;
  test: string;
  request: string;
  field: Field;
  left: string;
  right: string;
}

export interface Comparison {
  tests: number;
  exchanges: number;
  agreeing: number;
  divergences: Divergence[];
}

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;

function requestKey(x: Exchange): string {
  const url = new URL(x.request.url);
  const path = `${url.pathname}${url.search}`.replace(UUID, '{id}').replace(/glance-conformance-run-[\w-]+/g, '{run}');
  const range = x.request.headers.Range ?? x.request.headers.range ?? x.request.headers['Content-Range'];
  return `${x.request.method} ${path}${range ? ` [${range}]` : ''}`;
}

/** A name made from the run's tag (harness/target.ts runTag), as far as the next `/`. */
const RUN_NAME = /glance-conformance-run-[^/]*/;

function fieldValue(x: Exchange, field: Field): string {
  if (!x.response) return `no answer (${x.failure ?? 'unknown'})`;
  if (field === 'status') return String(x.response.status);
  const headers = Object.fromEntries(Object.entries(x.response.headers).map(([k, v]) => [k.toLowerCase(), v]));
  const value = headers[field];
  if (value === undefined) return '(absent)';
  // Ids and the names of a run's own metadef namespaces differ between any two runs.
  if (field === 'location') {
    return new URL(value, 'http://host').pathname.replace(UUID, '{id}').replace(RUN_NAME, '{name of the run}');
  }
  if (field === 'content-type') return value.toLowerCase().replace(/\s+/g, '');
  return value;
}

/** Compares two reports produced with CONFORMANCE_RECORD_ALL=1, test by test. */
export function compareReports(left: ConformanceReport, right: ConformanceReport): Comparison {
  const rightTests = new Map(right.requirements.flatMap((r) => r.tests.map((t) => [`${r.id} ${t.title}`, t] as const)));
  const result: Comparison = { tests: 0, exchanges: 0, agreeing: 0, divergences: [] };
  for (const requirement of left.requirements) {
    for (const test of requirement.tests) {
      const other = rightTests.get(`${requirement.id} ${test.title}`);
      if (!test.evidence || !other?.evidence) continue;
      result.tests += 1;
      for (let i = 0; i < Math.min(test.evidence.length, other.evidence.length); i++) {
        const [a, b] = [test.evidence[i], other.evidence[i]];
        // Once the targets' answers lead the test down different paths, later requests are not comparable.
        if (requestKey(a) !== requestKey(b)) break;
        result.exchanges += 1;
        // Without an answer on one side there are no headers to compare: the status says it all.
        const fields = a.response && b.response ? COMPARED_FIELDS : (['status'] as const);
        const differing = fields.filter((field) => {
          // Only image bytes have a length worth comparing: JSON records and error prose differ in
          // fields and wording that no requirement is about.
          if (
            field === 'content-length' &&
            !(
              fieldValue(a, 'content-type') === 'application/octet-stream' &&
              fieldValue(b, 'content-type') === 'application/octet-stream'
            )
          )
            return false;
          return fieldValue(a, field) !== fieldValue(b, field);
        });
        if (!differing.length) result.agreeing += 1;
        for (const field of differing) {
          result.divergences.push({
            requirement: requirement.id,
            test: test.title,
            request: requestKey(a),
            field,
            left: fieldValue(a, field),
            right: fieldValue(b, field),
          });
        }
      }
    }
  }
  return result;
}

/** The `diff:REQUIREMENT/field` keys declared in a deviations document. */
export function declaredKeys(markdown: string): string[] {
  return [...markdown.matchAll(/diff:([A-Z0-9*-]+)\/([a-z-]+)/g)].map((m) => `${m[1]}/${m[2]}`);
}

export function undeclared(divergences: Divergence[], keys: string[]): Divergence[] {
  const declared = new Set(keys);
  return divergences.filter((d) => !declared.has(`${d.requirement}/${d.field}`) && !declared.has(`*/${d.field}`));
}

export function describeDivergence(d: Divergence): string {
  return `diff:${d.requirement}/${d.field} — ${d.request}: reference ${d.left} vs other ${d.right} (${d.test})`;
}
