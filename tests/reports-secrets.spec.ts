import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { REDACTED } from '../harness/evidence';
import { brokenRun, filesUnder } from './support/report-runs';
import { CLI } from '../harness/paths';
import { ROOT, runEntry, runScript } from './support/run-suite';

/**
 * Tokens never reach a report, an attachment or an output file. The suite runs with a known token
 * against a reference server that requires it,
 * behind a proxy that breaks two behaviours so that evidence gets recorded, then every file the
 * run and the report commands wrote is searched for the secrets in plain, URL-encoded and base64
 * forms. (A password or application-credential secret beside a token makes the login ambiguous, so
 * the run stops before any test; their logins, against a real Keystone, are scanned the same way by
 * tests/keystone.spec.ts.)
 */

/** Characters that URL-encoding and base64 change, so that each form is a different string. */
const secret = (kind: string) => `${kind}+${randomBytes(12).toString('hex')}/x=`;

/** The forms a secret may take in a file: plain, URL-encoded, JSON-escaped, base64 and base64url at any alignment. */
function secretForms(value: string): string[] {
  const forms = new Set([
    value,
    encodeURIComponent(value),
    encodeURIComponent(value).replace(/%20/g, '+'),
    JSON.stringify(value).slice(1, -1),
  ]);
  for (let shift = 0; shift < 3; shift += 1) {
    const encoded = Buffer.from(`${'\0'.repeat(shift)}${value}`).toString('base64');
    // Drop the characters that also depend on the bytes around the secret.
    const core = encoded.slice(Math.ceil((shift * 4) / 3), -4);
    forms.add(core);
    forms.add(core.replace(/\+/g, '-').replace(/\//g, '_'));
  }
  return [...forms].filter((f) => f.length >= 8);
}

test('no token reaches any report, attachment or output file', async () => {
  const token = secret('tok');
  const run = await brokenRun(
    'secrets',
    undefined,
    {
      OS_AUTH_TOKEN: token,
      OS_USERNAME: 'conformance-user',
    },
    { auth: { tokens: [{ token, project: 'p1', roles: ['admin', 'member'] }] } },
  );

  // The run really authenticated with the token and really recorded evidence of failures.
  expect(run.report, run.output).toBeDefined();
  expect(run.report!.target?.auth).toBe('token');
  expect(run.report!.verdict).toBe('non-conformant');
  const evidence = run.report!.requirements.flatMap((r) => r.tests).flatMap((t) => t.evidence ?? []);
  expect(evidence.length).toBeGreaterThan(0);
  expect(evidence.every((x) => x.request.headers['X-Auth-Token'] === REDACTED)).toBe(true);

  // The report commands write their pages next to the run's files.
  const allure = runScript('report-allure.ts', [
    path.join(run.dir, 'allure-results'),
    '--out',
    path.join(run.dir, 'allure-report'),
  ]);
  expect(allure.status, allure.stderr).toBe(0);
  const matrixArgs = [
    'report',
    'matrix',
    `secrets=${path.join(run.dir, 'conformance.json')}`,
    '--out',
    path.join(run.dir, 'matrix.html'),
  ];
  const matrix = runEntry(CLI, matrixArgs);
  expect(matrix.status, matrix.stderr).toBe(0);

  const files = [
    // conformance.json/.html, junit.xml, html/, allure-results/, allure-report/, matrix.html,
    // and test-results/ (CONFORMANCE_OUTPUT_DIR)
    ...filesUnder(run.dir),
    path.join(ROOT, 'test-results', `.target-${run.report!.run.id}.json`),
  ].filter((f) => fs.existsSync(f));
  for (const expected of [
    'conformance.json',
    'conformance.html',
    'junit.xml',
    path.join('html', 'index.html'),
    path.join('allure-results', 'environment.properties'),
    path.join('allure-report', 'index.html'),
    'matrix.html',
  ]) {
    expect(files, expected).toContain(path.join(run.dir, expected));
  }
  expect(
    files.some((f) => f.startsWith(path.join(run.dir, 'test-results') + path.sep)),
    'the output dir holds files too',
  ).toBe(true);

  // The scanner itself finds a secret however it is wrapped.
  const found = (text: string) => secretForms(token).some((form) => text.includes(form));
  for (const prefix of ['', 'u:', 'us:', 'user:'])
    expect(found(Buffer.from(`${prefix}${token}"}`).toString('base64')), `base64 after ${prefix.length} bytes`).toBe(
      true,
    );
  expect(found(`?token=${encodeURIComponent(token)}&x=1`)).toBe(true);
  expect(found(Buffer.from(`x${token}`).toString('base64url'))).toBe(true);

  const needles = [token].flatMap((s) => secretForms(s).map((form) => ({ secret: s.split('+')[0], form })));
  const leaks: string[] = [];
  let bytes = 0;
  for (const file of files) {
    const content = fs.readFileSync(file).toString('latin1');
    bytes += content.length;
    for (const n of needles)
      if (content.includes(n.form))
        leaks.push(`${path.relative(ROOT, file)}: ${n.secret} as ${JSON.stringify(n.form)}`);
  }
  for (const n of needles) if (run.output.includes(n.form)) leaks.push(`console output: ${n.secret}`);
  expect(leaks, `scanned ${files.length} files, ${bytes} bytes`).toEqual([]);
  test.info().annotations.push({
    type: 'scanned',
    description: `${files.length} files, ${bytes} bytes, ${needles.length} secret forms`,
  });
  console.log(`scanned ${files.length} files, ${bytes} bytes, ${needles.length} secret forms: no leak`);
});
