import fs from 'node:fs';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import type { ConformanceReport } from '../reporting/model';
import { compareReports, declaredKeys, describeDivergence, undeclared } from '../reporting/differential';
import { renderMatrixHtml } from '../reporting/matrix';
import { RELEASES, type Release } from '../launcher/glance';
import { freePort, ROOT, runAgainstRealGlance, runSuite, type SuiteRun } from './support/run-suite';

/**
 * Real OpenStack Glance as further targets, each release gated by its own baselines: 25.1 (Zed, Debian bookworm's
 * python3-glance, installed by the launcher when missing) and 30.0 (2025.1, Debian trixie's, in the launcher's cached
 * trixie root). A new failure and a fixed bug both turn it red. SKIP_REAL_GLANCE=1 skips it on a machine that cannot
 * install Debian packages (never in CI).
 */
test.describe.configure({ mode: 'serial', timeout: 900_000 });
test.skip(process.env.SKIP_REAL_GLANCE === '1' && !process.env.CI, 'SKIP_REAL_GLANCE=1');

const reports = new Map<Release, ConformanceReport>();
const GLANCE_VERSION: Record<Release, string> = { '25.1': 'Glance 25.1', '2025.1': 'Glance 30.0 (2025.1)' };

/** Each run gets a state dir of its own, so that two runs of this file never restart each other's Glance. */
const stateDirs: string[] = [];

test.afterAll(() => {
  for (const dir of stateDirs) fs.rmSync(dir, { recursive: true, force: true });
});

function runAgainstGlance(args: string[]): Promise<SuiteRun> {
  const dir = fs.mkdtempSync(path.join(ROOT, 'test-results', 'real-glance-'));
  const state = fs.mkdtempSync(path.join(ROOT, '.state', 'real-glance-ci-'));
  stateDirs.push(state);
  return runAgainstRealGlance(['--state', state, ...args], dir, { CONFORMANCE_RECORD_ALL: '1' });
}

const MUST_PASS_ON_GLANCE = [
  'LOC-REMOVE-QUEUED-409',
  'LOC-REMOVE-SAVING-409',
  'LOC-REMOVE-UPLOADING-409',
  'LOC-REMOVE-DEACTIVATED-409',
  'LOC-REPLACE-QUEUED-ACTIVATES',
  'HYPERVISOR-NAMESPACE-VZ',
  'DISK-FORMAT-PLOOP-DATA',
  'RANGE-SINGLE-206',
];

for (const release of RELEASES) {
  test(`real ${GLANCE_VERSION[release]} with show_multiple_locations on matches its baseline`, async () => {
    const baseline = `expectations/glance-${release}.json`;
    const run = await runAgainstGlance(['--release', release, '--expect', baseline]);
    expect(run.exitCode, run.output.slice(-4000)).toBe(0);
    expect(run.output).toContain(`every verdict matches ${baseline}`);
    reports.set(release, run.report!);
    const verdicts = Object.fromEntries(run.report!.requirements.map((r) => [r.id, r.verdict]));
    for (const id of MUST_PASS_ON_GLANCE) expect(verdicts[id], id).toBe('pass');
    // Glance's real faults are shown with the evidence that proves them.
    const noData = run.report!.requirements.find((r) => r.id === 'RANGE-NO-DATA-204')!;
    expect(noData.tests.some((t) => t.evidence?.some((x) => x.response?.status === 500))).toBe(true);
  });

  test(`real ${GLANCE_VERSION[release]} with show_multiple_locations off matches its baseline`, async () => {
    const run = await runAgainstGlance([
      '--release',
      release,
      '--hidden-locations',
      '--expect',
      `expectations/glance-${release}-hidden-locations.json`,
    ]);
    expect(run.exitCode, run.output.slice(-4000)).toBe(0);
    expect(run.report!.requirements.find((r) => r.id === 'LOC-HIDDEN-403')?.verdict).toBe('pass');
  });
}

test('the reference server and each real Glance differ only where DEVIATIONS.md says why', async () => {
  test.skip(reports.size < RELEASES.length, 'needs the reports of the real-Glance runs above');
  const reference = await runSuite({ REFERENCE_PORT: String(await freePort()), CONFORMANCE_RECORD_ALL: '1' });
  const declared = declaredKeys(fs.readFileSync(path.join(ROOT, 'reference-server', 'DEVIATIONS.md'), 'utf8'));
  const out = path.join(ROOT, 'reports', 'ci');
  fs.mkdirSync(out, { recursive: true });
  fs.writeFileSync(path.join(out, 'reference.json'), JSON.stringify(reference.report));
  for (const release of RELEASES) {
    const glance = reports.get(release)!;
    const comparison = compareReports(reference.report!, glance);
    const rate = (100 * comparison.agreeing) / comparison.exchanges;
    test.info().annotations.push({
      type: `agreement with ${GLANCE_VERSION[release]}`,
      description:
        `${comparison.agreeing}/${comparison.exchanges} exchanges agree (${rate.toFixed(1)} %), ` +
        `${comparison.divergences.length} declared divergences`,
    });
    fs.writeFileSync(path.join(out, `glance-${release}.json`), JSON.stringify(glance));
    expect(comparison.exchanges, `exchanges compared with ${release}`).toBeGreaterThan(200);
    expect(
      undeclared(comparison.divergences, declared).map(describeDivergence),
      `divergences from ${release} DEVIATIONS.md does not explain`,
    ).toEqual([]);
  }
  // The side-by-side matrix of every target is kept with the run's reports (CI keeps reports/ci/).
  fs.writeFileSync(
    path.join(out, 'matrix-reference-vs-glance.html'),
    renderMatrixHtml([
      { label: 'reference server', report: reference.report! },
      ...RELEASES.map((release) => ({ label: GLANCE_VERSION[release], report: reports.get(release)! })),
    ]),
  );
});
