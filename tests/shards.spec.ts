import fs from 'node:fs';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { startGlance } from '../launcher/glance';
import { STATE_DIR } from '../harness/paths';
import type { ConformanceReport } from '../reporting/model';
import { filesUnder, mergeRun, referenceRun, shardedRun, type ReportRun, type ShardedRun } from './support/report-runs';
import { freePort, ROOT, runSuite, verdictsOf } from './support/run-suite';

/**
 * The suite split over 3 shards and merged must say what one run says: the same verdict for every
 * requirement and the same exit code — against the reference server (conformant) and against real
 * Glance 25.1 (non-conformant, exit 1 both ways).
 */
test.describe.configure({ mode: 'default', timeout: 1_200_000 });

function expectSameAsOneRun(one: ReportRun, sharded: ShardedRun): ConformanceReport {
  const merged = sharded.merged.report;
  expect(merged, sharded.merged.output).toBeDefined();
  expect(verdictsOf(merged)).toEqual(verdictsOf(one.report));
  expect(sharded.merged.exitCode, sharded.merged.output).toBe(one.exitCode);
  expect(merged!.verdict).toBe(one.report!.verdict);
  // Each shard judged part of the catalog under the shared run id; the merge judged all of it.
  const ids = sharded.shards.map((s) => s.report?.run.id);
  expect(new Set(ids).size).toBe(1);
  expect(merged!.run.id).toBe(ids[0]);
  expect(sharded.shards.map((s) => s.report?.run.filtered)).toEqual([true, true, true]);
  expect(merged!.run.filtered).toBe(one.report!.run.filtered);
  expect(merged!.run.shards).toEqual([1, 2, 3].map((current) => ({ current, total: 3 })));
  expect(merged!.target?.url).toBeTruthy();
  const testsOf = (r: ConformanceReport | undefined) => (r?.requirements ?? []).reduce((n, q) => n + q.tests.length, 0);
  expect(testsOf(merged)).toBe(testsOf(one.report));
  // The merged folder has every report a single run writes (Playwright's own HTML report aside).
  const dir = sharded.merged.dir;
  const results = filesUnder(path.join(dir, 'allure-results')).filter((f) => f.endsWith('-result.json'));
  expect(results.length).toBe(testsOf(merged));
  expect(fs.readFileSync(path.join(dir, 'allure-results', 'environment.properties'), 'utf8')).toContain(
    'Target\\ URL=',
  );
  expect(fs.readFileSync(path.join(dir, 'junit.xml'), 'utf8').match(/<testcase /g)?.length).toBe(
    merged!.requirements.length,
  );
  expect(fs.readFileSync(path.join(dir, 'conformance.html'), 'utf8')).toContain(
    `id="overall-verdict">${merged!.verdict}<`,
  );
  return merged!;
}

test('against the reference server: 3 shards merged = one run', async () => {
  const one = await referenceRun('unsharded');
  const sharded = await shardedRun('ref', async () => ({ REFERENCE_PORT: String(await freePort()) }));
  expectSameAsOneRun(one, sharded);
  expect(one.exitCode).toBe(0);
});

test('against real Glance 25.1: 3 shards merged = one run (exit 1), and --expect gates the merge', async () => {
  test.skip(process.env.SKIP_REAL_GLANCE === '1' && !process.env.CI, 'SKIP_REAL_GLANCE=1');
  const glance = await startGlance({ stateDir: path.join(STATE_DIR, 'reports-shards-glance'), port: await freePort() });
  try {
    const env = async () => ({ GLANCE_URL: glance.url });
    const dir = fs.mkdtempSync(path.join(ROOT, 'test-results', 'unsharded-glance-'));
    const one = { ...(await runSuite(await env(), [], dir)), dir };
    const sharded = await shardedRun('glance', env);
    expect(one.exitCode, one.output.slice(-3000)).toBe(1);
    expectSameAsOneRun(one, sharded);
    // With --expect the merge's exit code is the gate's: 0 when every verdict matches the baseline.
    const gated = mergeRun(
      'glance-gated',
      sharded.shards.map((s) => s.dir),
      ['--expect', 'expectations/glance-25.1.json'],
    );
    expect(gated.output).toContain('every verdict matches expectations/glance-25.1.json');
    expect(gated.exitCode, gated.output).toBe(0);
  } finally {
    await glance.stop();
  }
});
