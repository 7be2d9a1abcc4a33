import { esc } from './html-kit';
import type { ConformanceReport, RequirementReport } from './model';
import { headlineOf } from './text';

// eslint-disable-next-line no-control-regex
const XML_INVALID = /[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g;
/** Escaped text without the control characters XML 1.0 does not allow (binary bodies quoted in reasons). */
const xml = (s: string) => esc(s.replace(XML_INVALID, ''));

/**
 * junit.xml with one testcase per requirement: what CI dashboards count is requirements, not the
 * tests behind them. Level and verdict are properties; a SHOULD finding is a passed testcase with
 * its finding in system-out (a failure in a --strict run); not-applicable is skipped.
 */

function outcome(r: RequirementReport, strict: boolean): string {
  const reasons = r.tests.flatMap((t) => t.reasons.map((reason) => `${t.title}:\n${reason}`)).join('\n\n');
  const message = xml(headlineOf(r).slice(0, 500));
  if (r.verdict === 'fail' || (strict && r.verdict === 'non-strict')) {
    return `<failure message="${message}" type="${r.verdict}">${xml(reasons)}</failure>`;
  }
  if (r.verdict === 'error') return `<error message="${message}" type="error">${xml(reasons)}</error>`;
  if (r.verdict === 'not-applicable') return `<skipped message="${message}"/>`;
  if (r.verdict === 'non-strict') return `<system-out>${xml(`SHOULD not met — ${reasons}`)}</system-out>`;
  return '';
}

function testcase(r: RequirementReport, strict: boolean): string {
  const properties = [
    ['level', r.level],
    ['verdict', r.verdict],
    ['source', r.source.url],
    ['tests', String(r.tests.length)],
  ]
    .map(([name, value]) => `<property name="${esc(name)}" value="${esc(value)}"/>`)
    .join('');
  return (
    `    <testcase classname="${esc(r.feature)}" name="${esc(`${r.id}: ${r.title}`)}" ` +
    `time="${(r.durationMs / 1000).toFixed(3)}"><properties>${properties}</properties>${outcome(r, strict)}</testcase>`
  );
}

export function renderJunit(report: ConformanceReport): string {
  const strict = report.run.strict;
  const features = [...new Set(report.requirements.map((r) => r.feature))];
  const count = (rs: RequirementReport[]) => ({
    tests: rs.length,
    failures: rs.filter((r) => r.verdict === 'fail' || (strict && r.verdict === 'non-strict')).length,
    errors: rs.filter((r) => r.verdict === 'error').length,
    skipped: rs.filter((r) => r.verdict === 'not-applicable').length,
    time: (rs.reduce((s, r) => s + r.durationMs, 0) / 1000).toFixed(3),
  });
  const attrs = (c: ReturnType<typeof count>) =>
    `tests="${c.tests}" failures="${c.failures}" errors="${c.errors}" skipped="${c.skipped}" time="${c.time}"`;
  const suites = features.map((f) => {
    const rs = report.requirements.filter((r) => r.feature === f);
    const cases = rs.map((r) => testcase(r, strict)).join('\n');
    return `  <testsuite name="${esc(f)}" ${attrs(count(rs))}>\n${cases}\n  </testsuite>`;
  });
  const name = `glance-conformance ${report.target?.url ?? ''}`.trim();
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="${esc(name)}" ${attrs(count(report.requirements))}>\n` +
    `${suites.join('\n')}\n</testsuites>\n`
  );
}
