import { expect, test } from '@playwright/test';
import { startReferenceServer, type ReferenceServer } from '../../reference-server/index';
import type { RequirementReport } from '../../reporting/model';
import { runSuite, verdictsOf } from '../support/run-suite';
import { startDroppingProxy, type DroppingProxy } from './support/dropping-proxy';

/**
 * A target behind a proxy that drops one request in 25 (connection reset before any answer). The harness's own
 * GETs and DELETEs survive that; a request the suite sends once — the one under judgement, or a create, upload or
 * patch that cannot be repeated safely — turns its requirement into an error, with the lost request in the
 * evidence. No other verdict changes, and no image stays behind.
 */
test.describe.configure({ mode: 'serial', timeout: 600_000 });

let reference: ReferenceServer;
let flaky: DroppingProxy;

test.beforeAll(async () => {
  reference = await startReferenceServer({ port: 0 });
  flaky = await startDroppingProxy(reference.url, (seen) => seen % 25 === 0);
});

test.afterAll(async () => {
  await flaky?.close();
  await reference?.close();
});

const lostRequest = (r: RequirementReport) =>
  r.tests.some(
    (t) => t.evidence?.some((x) => !x.response && x.failure) || t.reasons.some((why) => /got no answer/.test(why)),
  );

test('dropped connections: only what lost a request sent once turns to error; no image left', async () => {
  const clean = await runSuite({ GLANCE_URL: reference.url });
  expect(clean.exitCode, clean.output.slice(-3000)).toBe(0);

  const run = await runSuite({ GLANCE_URL: flaky.url });
  expect(flaky.dropped.length, 'the proxy dropped requests during the run').toBeGreaterThan(5);
  test.info().annotations.push({
    type: 'dropped',
    description: `${flaky.dropped.length} of ${flaky.count()} requests: ${flaky.dropped.join(', ')}`,
  });

  const before = verdictsOf(clean.report);
  const changed = run.report!.requirements.filter((r) => r.verdict !== before[r.id]);
  for (const r of changed) {
    expect(r.verdict, `${r.id} changed from ${before[r.id]}`).toBe('error');
    expect(lostRequest(r), `${r.id}: an error without a lost request in its evidence`).toBe(true);
  }
  test.info().annotations.push({ type: 'changed', description: changed.map((r) => r.id).join(', ') || 'none' });
  expect(Object.keys(verdictsOf(run.report)).sort()).toEqual(Object.keys(before).sort());
  // The retried GETs and DELETEs kept most requirements judged.
  expect(changed.length).toBeLessThan(flaky.dropped.length);

  expect(run.exitCode).toBe(changed.length ? 2 : 0);
  expect(run.output).not.toContain('could not delete');
  const left = await fetch(`${reference.url}/v2/images?limit=100`).then(
    (r) => r.json() as Promise<{ images: unknown[] }>,
  );
  expect(left.images, 'images left on the target').toEqual([]);
});

test('a held-open upload that loses its connection: the saving requirements are errors naming it', async () => {
  const dropsUploads = await startDroppingProxy(
    reference.url,
    (_, method, path) => method === 'PUT' && /^\/v2\/images\/[^/]+\/file$/.test(path),
  );
  try {
    const run = await runSuite({ GLANCE_URL: dropsUploads.url }, ['--grep', '@LOC-REMOVE-SAVING-409']);
    expect(run.exitCode, run.output.slice(-3000)).toBe(2);
    const requirement = run.report!.requirements.find((r) => r.id === 'LOC-REMOVE-SAVING-409')!;
    expect(requirement.verdict).toBe('error');
    expect(lostRequest(requirement), 'the lost upload in the evidence').toBe(true);
    expect(requirement.tests[0].reasons.join('\n')).toMatch(/\(held open\) got no answer/);
  } finally {
    await dropsUploads.close();
  }
});

test('images the target refuses to delete: verdicts unchanged, cleanup notes, exit 2 naming them', async () => {
  const stubborn = await startDroppingProxy(
    reference.url,
    () => false,
    (method, path) => (method === 'DELETE' && path.startsWith('/v2/images/') ? 403 : undefined),
  );
  try {
    const run = await runSuite({ GLANCE_URL: stubborn.url }, ['--grep', '@DISCOVERY-VERSIONS|@RANGE-SINGLE-206']);
    expect(run.exitCode, run.output.slice(-3000)).toBe(2);
    expect(run.report!.summary.pass).toBe(run.report!.summary.total);
    expect(run.report!.cleanup.length).toBeGreaterThan(0);
    const line = run.output.split('\n').find((l) => l.includes('the final sweep could not delete'));
    expect(line, run.output.slice(-3000)).toMatch(/could not delete \d+ image\(s\): [0-9a-f-]{36} \(403\)/);
    expect(line).toContain(`npm run cleanup -- --run ${run.report!.run.id}`);
  } finally {
    await stubborn.close();
    const left = await fetch(`${reference.url}/v2/images?limit=100`).then(
      (r) => r.json() as Promise<{ images: Array<{ id: string }> }>,
    );
    for (const image of left.images) await fetch(`${reference.url}/v2/images/${image.id}`, { method: 'DELETE' });
  }
});
