import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { startReferenceServer, type ReferenceServer } from '../../reference-server';
import { ROOT, runSuite, verdictsOf } from '../support/run-suite';
import { CLI, tsEntry } from '../../harness/paths';

/**
 * Suite-side reliability against a target of its own (GLANCE_URL → a reference server started here):
 * a run interrupted with SIGINT mid-way, followed by `npm run cleanup`, leaves zero images; two runs
 * against the same target at once both pass and leave nothing behind.
 */

/** Every image on the target, hidden ones included. */
async function imagesOn(server: ReferenceServer): Promise<string[]> {
  const ids: string[] = [];
  for (const hidden of ['false', 'true']) {
    const res = await fetch(`${server.url}/v2/images?limit=1000&os_hidden=${hidden}`);
    expect(res.status).toBe(200);
    ids.push(
      ...((await res.json()) as { images: Array<{ id: string; name: string }> }).images.map((i) => `${i.id} ${i.name}`),
    );
  }
  return ids;
}

function cleanEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const key of Object.keys(env)) if (/^(OS_|GLANCE_|REFERENCE_|CONFORMANCE_)/.test(key)) delete env[key];
  return { ...env, ...extra };
}

function exited(child: ChildProcess, ms: number): Promise<number | 'hung'> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) return resolve(child.exitCode);
    const timer = setTimeout(() => resolve('hung'), ms);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      resolve(code ?? (signal ? 130 : -1));
    });
  });
}

/** True while any process of the group led by `pid` is alive. */
function groupAlive(pid: number): boolean {
  try {
    process.kill(-pid, 0);
    return true;
  } catch {
    return false;
  }
}

for (const how of ['Ctrl-C (SIGINT to the whole process group)', 'SIGINT to the conformance process only'] as const) {
  test(`a run interrupted by ${how} mid-way, then npm run cleanup, leaves zero images on the target`, async () => {
    test.setTimeout(150_000);
    const server = await startReferenceServer({ port: 0 });
    const dir = fs.mkdtempSync(path.join(ROOT, 'test-results', 'interrupt-'));
    const env = cleanEnv({
      GLANCE_URL: server.url,
      CONFORMANCE_REPORT_DIR: dir,
      CONFORMANCE_OUTPUT_DIR: path.join(dir, 'test-results'),
      CONFORMANCE_WORKERS: '2',
    });
    let child: ChildProcess | undefined;
    try {
      child = spawn(process.execPath, tsEntry(CLI), {
        cwd: ROOT,
        env,
        detached: true,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let output = '';
      child.stdout!.on('data', (d) => (output += d));
      child.stderr!.on('data', (d) => (output += d));
      // Interrupt once tests are creating images on the target (not just the discovery probe), a moment later.
      let seen = 0;
      for (let i = 0; i < 300 && seen === 0; i++) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        seen = (await imagesOn(server)).filter((image) => !image.includes('capability probe')).length;
      }
      expect(seen, `the run never created an image:\n${output}`).toBeGreaterThan(0);
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      if (how.startsWith('Ctrl-C')) process.kill(-child.pid!, 'SIGINT');
      else child.kill('SIGINT');
      const code = await exited(child, 60_000);
      expect(code, `the interrupted run did not exit within 60 s:\n${output}`).not.toBe('hung');
      expect(code, `an interrupted run could not judge everything: exit 2\n${output}`).toBe(2);
      expect(output).toMatch(/glance-conformance: interrupted \(SIGINT\)/);
      // The whole process tree (Playwright runner, workers, tsx) is gone too (bounded wait).
      for (let i = 0; i < 100 && groupAlive(child.pid!); i++) await new Promise((resolve) => setTimeout(resolve, 100));
      expect(groupAlive(child.pid!), 'processes of the interrupted run still running').toBe(false);

      const left = (await imagesOn(server)).length;
      test.info().annotations.push({ type: 'left before cleanup', description: String(left) });
      const cleanup = spawn(process.execPath, tsEntry(CLI, 'cleanup'), {
        cwd: ROOT,
        env,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let cleanupOutput = '';
      cleanup.stdout!.on('data', (d) => (cleanupOutput += d));
      cleanup.stderr!.on('data', (d) => (cleanupOutput += d));
      expect(await exited(cleanup, 60_000), cleanupOutput).toBe(0);
      expect(
        await imagesOn(server),
        `images left after the interrupted run and npm run cleanup (${cleanupOutput.trim()})`,
      ).toEqual([]);
    } finally {
      if (child?.pid && groupAlive(child.pid)) process.kill(-child.pid, 'SIGKILL');
      await server.close();
    }
  });
}

test('two runs against the same target at once both pass and leave no image behind', async () => {
  test.setTimeout(240_000);
  const server = await startReferenceServer({ port: 0 });
  try {
    const [a, b] = await Promise.all([runSuite({ GLANCE_URL: server.url }), runSuite({ GLANCE_URL: server.url })]);
    for (const run of [a, b]) {
      expect(run.exitCode, run.output).toBe(0);
      expect(
        Object.values(verdictsOf(run.report)).filter((v) => v !== 'pass' && v !== 'not-applicable'),
        run.output,
      ).toEqual([]);
    }
    expect(a.report!.run.id, 'two distinct runs').not.toBe(b.report!.run.id);
    expect(await imagesOn(server), 'images left after two concurrent runs').toEqual([]);
  } finally {
    await server.close();
  }
});
