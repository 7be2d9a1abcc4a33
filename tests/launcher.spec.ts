import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import {
  freePort,
  LaunchError,
  logFile,
  pidFile,
  runningPid,
  startDaemon,
  startTimeOf,
  stopDaemon,
} from '../launcher/supervisor';
import YAML from 'yaml';
import { ROOT } from '../harness/paths';
import { runEntry } from './support/run-suite';
import { splitArgs } from '../scripts/conformance-glance';
import { cloudsYamlPath, openrcPath, readOpenrc, writeClientFiles } from '../launcher/identities';
import { formatIni, mergeIni, parseIni } from '../launcher/ini';
import { CONFIG_DIR } from '../launcher/keystone';
import { withLock } from '../launcher/lock';

/** The launcher's supervisor, on plain Node daemons (no Glance needed): start, readiness, group stop, failures. */

const stateDir = () => fs.mkdtempSync(path.join(ROOT, 'test-results', 'launcher-'));

/** An HTTP server on PORT that forks a grandchild into its group, the way glance-api forks its workers. */
const SERVER = `
const { spawn } = require('node:child_process');
const worker = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
require('node:fs').writeFileSync(process.env.WORKER_PID_FILE, String(worker.pid));
console.log('serving');
require('node:http').createServer((q, s) => s.end('ok')).listen(Number(process.env.PORT), '127.0.0.1');`;

/** Zombies count as gone: the daemon's parent (this runner) may not have reaped it yet. */
const alive = (pid: number) => startTimeOf(pid) !== undefined;

test('a daemon is ready when its URL answers; a stop from another process ends its whole group', async () => {
  const dir = stateDir();
  const port = await freePort();
  const workerPidFile = path.join(dir, 'worker');
  const daemon = await startDaemon({
    name: 'web',
    command: process.execPath,
    args: ['-e', SERVER],
    stateDir: dir,
    env: { ...process.env, PORT: String(port), WORKER_PID_FILE: workerPidFile },
    ready: { url: `http://127.0.0.1:${port}/` },
  });
  expect((await fetch(`http://127.0.0.1:${port}/`)).status).toBe(200);
  expect(runningPid(dir, 'web')).toBe(daemon.pid);
  expect(fs.readFileSync(logFile(dir, 'web'), 'utf8')).toContain('serving');
  const worker = Number(fs.readFileSync(workerPidFile, 'utf8'));
  expect(alive(worker)).toBe(true);
  // Another process, knowing only the state dir: the pid file is all it needs.
  const script = `require('${path.join(ROOT, 'launcher', 'supervisor.ts')}').stopDaemon(process.argv[1], 'web')
    .then((stopped) => process.stdout.write(String(stopped)))`;
  const stop = spawnSync(process.execPath, ['--require', 'tsx/cjs', '-e', script, dir], {
    encoding: 'utf8',
    cwd: ROOT,
  });
  expect(stop.stdout.trim(), stop.stderr).toBe('true');
  expect(alive(daemon.pid)).toBe(false);
  expect(alive(worker), 'the forked worker went with its group').toBe(false);
  expect(fs.existsSync(pidFile(dir, 'web'))).toBe(false);
  expect(await stopDaemon(dir, 'web'), 'nothing left to stop').toBe(false);
});

test('a port readiness check; a stale pid file of a reused pid is not signalled', async () => {
  const dir = stateDir();
  const port = await freePort();
  const daemon = await startDaemon({
    name: 'tcp',
    command: process.execPath,
    args: ['-e', `require('node:net').createServer((c) => c.end()).listen(${port}, '127.0.0.1')`],
    stateDir: dir,
    ready: { port },
  });
  const other = pidFile(dir, 'other');
  // This test runner's own pid with a wrong start time: a pid the kernel handed to somebody else since.
  fs.writeFileSync(other, `${process.pid} 1\n`);
  expect(runningPid(dir, 'other')).toBeUndefined();
  expect(await stopDaemon(dir, 'other')).toBe(false);
  await daemon.stop();
  expect(alive(daemon.pid)).toBe(false);
});

test('a daemon that exits early or is not ready in time fails with its log tail and is stopped', async () => {
  const dir = stateDir();
  const port = await freePort();
  const crash = startDaemon({
    name: 'crash',
    command: process.execPath,
    args: ['-e', 'console.error("config error: no such option"); process.exit(3)'],
    stateDir: dir,
    ready: { port },
  });
  await expect(crash).rejects.toThrow(LaunchError);
  await expect(crash).rejects.toThrow(/crash exited during start-up \(exit code 3\)[^]*config error: no such option/);
  const slow = startDaemon({
    name: 'silent',
    command: process.execPath,
    args: ['-e', 'setInterval(() => {}, 1000)'],
    stateDir: dir,
    ready: { port },
    timeoutMs: 1_000,
  });
  await expect(slow).rejects.toThrow(
    new RegExp(`silent did not accept on 127\\.0\\.0\\.1:${port} within 1 s \\(stopped\\)`),
  );
  expect(runningPid(dir, 'silent')).toBeUndefined();
  await expect(
    startDaemon({ name: 'missing', command: '/nonexistent/daemon', args: [], stateDir: dir, ready: { port } }),
  ).rejects.toThrow(/cannot start missing \(\/nonexistent\/daemon\): .*ENOENT/);
});

test('INI: values verbatim (oslo lists stay bracketed), overrides over the template, unwritable input refused', () => {
  const base = parseIni('# comment\n[DEFAULT]\nworkers = 1\nallowed = [http,https]\n\n[db]\nx = a = b\n');
  expect(base).toEqual({ DEFAULT: { workers: '1', allowed: '[http,https]' }, db: { x: 'a = b' } });
  const merged = mergeIni(base, { DEFAULT: { workers: 2, debug: false }, new: { flavor: '' } });
  expect(formatIni(merged, 'head')).toBe(
    '# head\n\n[DEFAULT]\nworkers = 2\nallowed = [http,https]\ndebug = False\n\n[db]\nx = a = b\n\n[new]\nflavor = \n',
  );
  expect(parseIni(formatIni(merged))).toEqual(parseIni(formatIni(merged, 'again')));
  expect(() => formatIni({ s: { k: 'line\nbreak' } })).toThrow(/line break/);
  expect(() => formatIni({ s: { 'a=b': 1 } })).toThrow(/key not writable/);
  expect(() => parseIni('orphan = 1')).toThrow(/line 1/);
  // Every template of the launcher parses.
  for (const file of ['glance-api.conf', 'glance-api-paste.ini', 'keystone.conf']) {
    expect(Object.keys(parseIni(fs.readFileSync(path.join(CONFIG_DIR, file), 'utf8'))).length, file).toBeGreaterThan(1);
  }
});

test('openrc and clouds.yaml: any password survives the round trip through the shell quoting and YAML', () => {
  const dir = stateDir();
  const nasty = `fake it's "quoted" $HOME \`x\` \\ #: - [a]`;
  const identity = { label: 'member', username: 'm', password: nasty, project: 'p', roles: ['member'] };
  writeClientFiles(dir, 'http://127.0.0.1:1/v3', [
    identity,
    { ...identity, label: 'service', password: 'fake-plain-password' },
  ]);
  expect(readOpenrc(openrcPath(dir, 'member')).OS_PASSWORD).toBe(nasty);
  // What a real shell makes of it.
  const sourced = spawnSync('bash', ['-c', `. "${openrcPath(dir, 'member')}" && printf %s "$OS_PASSWORD"`], {
    encoding: 'utf8',
  });
  expect(sourced.stdout).toBe(nasty);
  const clouds = YAML.parse(fs.readFileSync(cloudsYamlPath(dir), 'utf8')) as {
    clouds: Record<string, { auth: { password: string } }>;
  };
  expect(clouds.clouds['conformance-member'].auth.password).toBe(nasty);
  expect(clouds.clouds['conformance-service'].auth.password).toBe('fake-plain-password');
  expect(fs.statSync(cloudsYamlPath(dir)).mode & 0o777).toBe(0o600);
  expect(fs.statSync(openrcPath(dir, 'member')).mode & 0o777).toBe(0o600);
});

test('a lock is exclusive while its holder lives and taken over when the holder is gone', async () => {
  const file = path.join(stateDir(), 'x.lock');
  const order: string[] = [];
  const first = withLock(file, 10_000, 'first', async () => {
    order.push('first in');
    await new Promise((resolve) => setTimeout(resolve, 700));
    order.push('first out');
  });
  await new Promise((resolve) => setTimeout(resolve, 100));
  await withLock(file, 10_000, 'second', async () => void order.push('second'));
  await first;
  expect(order).toEqual(['first in', 'first out', 'second']);
  fs.writeFileSync(file, '999999999 1\n');
  expect(await withLock(file, 1_000, 'stale', async () => 'taken over')).toBe('taken over');
  expect(fs.existsSync(file)).toBe(false);
});

test('conformance:glance takes its own options and passes the rest to the suite in order', () => {
  const { values, rest } = splitArgs([
    '--release',
    '2025.1',
    '--expect',
    'x.json',
    '--keystone',
    '--grep',
    '@A',
    '--port=9',
  ]);
  expect(values).toMatchObject({ release: '2025.1', keystone: true, port: '9' });
  expect(rest).toEqual(['--expect', 'x.json', '--grep', '@A']);
});

test('bad launcher and conformance:glance options: one line, exit 2, nothing started', () => {
  const run = (script: string, args: string[]) => runEntry(path.join(ROOT, script), args);
  for (const [script, args, line] of [
    ['launcher/cli.ts', ['start', '--release', '26.0'], 'launcher: --release must be one of 25.1, 2025.1, got 26.0'],
    ['launcher/cli.ts', ['start', '--policy', 'strict'], 'launcher: --policy strict needs --keystone'],
    ['launcher/cli.ts', ['start', '--port', 'x'], 'launcher: --port must be a port number, got x'],
    [
      'launcher/cli.ts',
      ['restart'],
      'launcher: usage: launcher/cli.ts start|stop|prepare [options] (--help lists them)',
    ],
    [
      'scripts/conformance-glance.ts',
      ['--release', 'zed'],
      'glance-conformance: --release must be one of 25.1, 2025.1, got zed',
    ],
    [
      'scripts/conformance-glance.ts',
      ['--member-only'],
      'glance-conformance: --member-only and --policy need --keystone',
    ],
    ['scripts/conformance-glance.ts', ['--port'], 'glance-conformance: --port needs a value'],
  ] as const) {
    const res = run(script, [...args]);
    expect(res.status, `${script} ${args.join(' ')}`).toBe(2);
    expect(res.stderr.trim()).toBe(line);
  }
});
