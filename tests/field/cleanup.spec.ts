import { expect, test } from '@playwright/test';
import { startReferenceServer, type ReferenceServer } from '../../reference-server/index';
import { runSuite } from '../support/run-suite';

/**
 * Two runs against one target: `cleanup --run=A` (or `--run A`) sweeps exactly run A's images while run B is going
 * on, and run A's metadef namespaces; a --run without an id is a usage error that deletes nothing.
 */
test.describe.configure({ mode: 'serial', timeout: 600_000 });

let reference: ReferenceServer;

test.beforeAll(async () => {
  reference = await startReferenceServer({ port: 0 });
});

test.afterAll(() => reference?.close());

const tagOf = (run: string) => `glance-conformance-run-${run}`;

async function plant(run: string, count: number): Promise<void> {
  for (let i = 0; i < count; i++) {
    const res = await fetch(`${reference.url}/v2/images`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        name: `glance-conformance ${run} left behind ${i}`,
        tags: ['glance-conformance', tagOf(run)],
      }),
    });
    expect(res.status).toBe(201);
  }
}

async function idsTagged(run: string): Promise<string[]> {
  const res = await fetch(`${reference.url}/v2/images?tag=${tagOf(run)}&limit=100`);
  return ((await res.json()) as { images: Array<{ id: string }> }).images.map((i) => i.id);
}

test('cleanup --run=A and --run A sweep run A only, while run B goes on undisturbed', async () => {
  const a = `field-a-${Date.now().toString(36)}`;
  const b = `field-b-${Date.now().toString(36)}`;
  const runB = runSuite({ GLANCE_URL: reference.url, GLANCE_CONFORMANCE_RUN_ID: b });
  await plant(a, 3);
  // Wait until run B has images of its own on the target, then sweep A while they are there.
  let bImages: string[] = [];
  for (let i = 0; i < 600 && bImages.length === 0; i++) {
    bImages = await idsTagged(b);
    if (!bImages.length) await new Promise((r) => setTimeout(r, 100));
  }
  expect(bImages.length, 'run B made images').toBeGreaterThan(0);

  // The count proves it: a sweep of every suite image would have taken run B's as well.
  const sweepA = async (form: string[], expected: number) => {
    const sweep = await runSuite({ GLANCE_URL: reference.url }, ['cleanup', ...form]);
    expect(sweep.exitCode, sweep.output).toBe(0);
    expect(sweep.output).toContain(`deleted ${expected} image(s) tagged ${tagOf(a)}`);
    expect(await idsTagged(a)).toEqual([]);
  };
  await sweepA([`--run=${a}`], 3);
  await plant(a, 2);
  await sweepA(['--run', a], 2);

  const done = await runB;
  expect(done.exitCode, done.output.slice(-3000)).toBe(0);
  expect(done.report!.summary.error).toBe(0);
  expect(await idsTagged(b)).toEqual([]);
});

test('cleanup --run A deletes the metadef namespaces named after run A, and no other namespace', async () => {
  const a = `field-ns-${Date.now().toString(36)}`;
  const names = [`${tagOf(a)}-one`, `${tagOf(a)}-two`, `${tagOf('other')}-kept`];
  for (const namespace of names) {
    const res = await fetch(`${reference.url}/v2/metadefs/namespaces`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ namespace, visibility: 'private' }),
    });
    expect(res.status, `create ${namespace}`).toBe(201);
  }
  const sweep = await runSuite({ GLANCE_URL: reference.url }, ['cleanup', '--run', a]);
  expect(sweep.exitCode, sweep.output).toBe(0);
  expect(sweep.output).toContain('and 2 metadef namespace(s) named after it');
  const listed = await fetch(`${reference.url}/v2/metadefs/namespaces?limit=1000`);
  const left = ((await listed.json()) as { namespaces: Array<{ namespace: string }> }).namespaces.map(
    (n) => n.namespace,
  );
  expect(left.filter((n) => n.startsWith('glance-conformance'))).toEqual([`${tagOf('other')}-kept`]);
});

test('--run without an id is a usage error (exit 2) that deletes nothing', async () => {
  const a = `field-bare-${Date.now().toString(36)}`;
  await plant(a, 2);
  for (const args of [
    ['cleanup', '--run'],
    ['cleanup', '--run='],
  ]) {
    const sweep = await runSuite({ GLANCE_URL: reference.url }, args);
    expect(sweep.exitCode, sweep.output).toBe(2);
    expect(sweep.output).toContain('usage: glance-conformance cleanup [--run ID]');
    expect(await idsTagged(a)).toHaveLength(2);
  }
  const sweep = await runSuite({ GLANCE_URL: reference.url }, ['cleanup', `--run=${a}`]);
  expect(sweep.exitCode).toBe(0);
  expect(await idsTagged(a)).toEqual([]);
});
