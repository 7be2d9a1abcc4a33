import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import {
  ownProcesses,
  ownTicksBetween,
  parseMachineBusy,
  parseStat,
  type OwnSample,
  type ProcessTimes,
} from '../bench/foreign-load';
import { overLoadLimit } from '../bench/report';
import type { BenchResult } from '../bench/run';
import { runScript } from './support/run-suite';

/**
 * Smoke run of every bench code path (`npm run bench -- --quick`: 1 and 4 MiB images, short load runs,
 * reference server only). Checks that it completes and what it writes; never how fast anything was.
 */
const bench = (args: string[]) => runScript('bench.ts', args, { timeout: 60_000 });

test('bench: bad options get one line and exit 2', () => {
  for (const args of [['--wait-load', 'soon'], ['--frobnicate'], ['--from', '/nonexistent/bench.json']]) {
    const run = bench(args);
    expect(run.status, args.join(' ')).toBe(2);
    expect(run.stderr.trim().split('\n'), run.stderr).toHaveLength(1);
    expect(run.stderr).toMatch(/^bench: /);
  }
});

test('npm run bench -- --quick measures the reference server and writes bench.json and bench.md', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-smoke-'));
  try {
    const out = path.join(dir, 'bench.json');
    const doc = path.join(dir, 'benchmarks.md');
    const run = bench(['--quick', '--out', out, '--doc', doc]);
    expect(run.status, run.stderr).toBe(0);
    const result = JSON.parse(fs.readFileSync(out, 'utf8'));
    expect(result.glance).toBeNull();
    expect(result.reference.sizes.map((s: { size: number }) => s.size)).toEqual([1024 * 1024, 4 * 1024 * 1024]);
    const largest = result.reference.sizes[1];
    for (const transfer of [largest.upload, largest.download, largest.rangedDownload, largest.secondHalf]) {
      expect(transfer.bytesPerSecond).toBeGreaterThan(0);
    }
    expect(largest.rangedDownload.requests).toBe(64);
    expect(largest.rangeLatency.requests).toBe(3);
    expect(result.reference.load.showImage.errors).toBe(0);
    expect(result.reference.load.smallRange.errors).toBe(0);
    expect(result.reference.load.showImage.requests).toBeGreaterThan(0);
    expect(result.hashing.digests[String(4 * 1024 * 1024)].md5).toMatch(/^[0-9a-f]{32}$/);
    if (process.platform === 'linux') expect(largest.memory.peakRss).toBeGreaterThan(4 * 1024 * 1024);
    expect(largest.upload.cpu.client).toBeGreaterThanOrEqual(0);
    if (process.platform === 'linux') expect(largest.upload.cpu.server).toBeGreaterThan(0);
    expect(result.host.loadLimit).toBeNull();
    expect(run.stdout).toMatch(/^(PASS|MISS|n\/a) +reference Range latency/m);
    expect(run.stdout).toMatch(/no load limit asked/);
    expect(fs.readFileSync(path.join(dir, 'bench.md'), 'utf8')).toMatch(
      /^\| measurement \| reference \| real Glance 25\.1 \|/m,
    );
    expect(fs.readFileSync(doc, 'utf8')).toMatch(/^# Benchmarks$[\s\S]*^\| measurement \| reference \|/m);
    // The page names the JSON it was rendered from, written beside it.
    expect(JSON.parse(fs.readFileSync(path.join(dir, 'benchmarks.json'), 'utf8'))).toEqual(result);

    // --from renders the same tables from the recorded run, without measuring anything.
    const again = path.join(dir, 'again.json');
    const rendered = bench(['--from', out, '--out', again]);
    expect(rendered.status, rendered.stderr).toBe(0);
    expect(fs.existsSync(again)).toBe(false);
    expect(fs.readFileSync(path.join(dir, 'again.md'), 'utf8')).toBe(
      fs.readFileSync(path.join(dir, 'bench.md'), 'utf8'),
    );

    // The same run as if it had waited for a load no machine is under: every PASS must become LOADED.
    const loaded = path.join(dir, 'loaded.json');
    fs.writeFileSync(loaded, JSON.stringify({ ...result, host: { ...result.host, loadLimit: 0.0001 } }));
    const refused = bench(['--from', loaded, '--out', path.join(dir, 'refused.json')]);
    expect(refused.status, refused.stderr).toBe(0);
    expect(refused.stdout).not.toMatch(/^PASS/m);
    expect(refused.stdout).toMatch(/^(LOADED|MISS|n\/a) +reference Range latency/m);
    expect(refused.stdout).toMatch(/load limit 0.0001, exceeded by the load average [\d.]+ at the start: no PASS/);
    expect(run.stdout.match(/^PASS/gm)?.length ?? 0).toBe(refused.stdout.match(/^LOADED/gm)?.length ?? 0);
    if (process.platform === 'linux') {
      expect(result.host.foreignLoad.ownCpuSeconds).toBeGreaterThan(0);
      expect(result.host.foreignLoad.load).toBeGreaterThanOrEqual(0);
      expect(run.stdout).toMatch(/foreign load [\d.]+ CPUs/);
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

const times = (pid: number, ppid: number, pgid: number, ticks: number, start = 10, selfTicks = 0): ProcessTimes => ({
  pid,
  ppid,
  pgid,
  start,
  ticks,
  selfTicks,
});

test('foreign load: the own set is the bench, its descendants and the groups it adopted', () => {
  const all = [
    times(1, 0, 1, 500),
    times(100, 1, 100, 50), // the bench
    times(101, 100, 101, 20), // the suite (its own process group)
    times(102, 101, 101, 30), // a Playwright worker
    times(200, 1, 200, 70), // a Glance left running: its group is adopted
    times(201, 200, 200, 40),
    times(300, 1, 300, 90), // someone else's job
  ];
  const own = ownProcesses(all, 100, new Set([200]));
  expect(own.map((p) => p.pid).sort()).toEqual([100, 101, 102, 200, 201]);
  expect(parseStat('4242 (a (b) c) S 7 4242 4242 0 -1 0 0 0 0 0 11 22 33 44 20 0 1 0 999 0')).toEqual(
    times(4242, 7, 4242, 110, 999, 33),
  );
  expect(parseMachineBusy('cpu  100 20 30 1000 5 6 7 8 0 0\ncpu0 1 2 3 4')).toBe(171);
});

test('foreign load: own CPU counts a reaped child once, a late-found server from then on', () => {
  const at = (ticks: Record<string, number>, when: number): OwnSample => ({
    ticks: new Map(Object.entries(ticks)),
    at: when,
  });
  // The child (start 150) ends and is reaped: its 30 ticks move into the bench's cutime.
  expect(ownTicksBetween(at({ '100:10': 50, '101:150': 30 }, 200), at({ '100:10': 85 }, 300))).toBe(5);
  // A child born in the interval brings all its ticks.
  expect(ownTicksBetween(at({ '100:10': 50 }, 200), at({ '100:10': 55, '102:250': 12 }, 300))).toBe(17);
  // A server adopted in the interval that started long before: none of its earlier ticks.
  expect(ownTicksBetween(at({ '100:10': 50 }, 200), at({ '100:10': 55, '200:20': 9000 }, 300))).toBe(5);
  // A process that left without being reaped inside the set takes its ticks along: own CPU errs low.
  expect(ownTicksBetween(at({ '100:10': 50, '200:20': 9000 }, 200), at({ '100:10': 55 }, 300))).toBe(-8995);
  // Seen alive and already in its parent's cutime, then only there: counted once over the two intervals.
  const reaping = at({ '100:10': 80, '101:150': 30 }, 300);
  expect(
    ownTicksBetween(at({ '100:10': 50, '101:150': 30 }, 200), reaping) +
      ownTicksBetween(reaping, at({ '100:10': 80 }, 400)),
  ).toBe(0);
});

test('foreign load, not the load average at the end, decides LOADED', () => {
  const host = (start: number, end: number, foreign: number | null) => ({
    cpus: 2,
    node: 'v20',
    loadAverageAtStart: [start, 0, 0],
    loadAverageAtEnd: [end, 0, 0],
    loadLimit: 1,
    foreignLoad: foreign === null ? null : { seconds: 100, machineCpuSeconds: 180, ownCpuSeconds: 170, load: foreign },
  });
  const judged = (h: ReturnType<typeof host>) => overLoadLimit({ host: h } as unknown as BenchResult);
  expect(judged(host(0.2, 1.7, 0.1))).toBeNull();
  expect(judged(host(0.2, 0.3, 1.2))).toMatch(/^foreign load 1\.20 CPUs/);
  expect(judged(host(1.1, 0.3, 0.1))).toMatch(/^load average 1\.10 at the start/);
  expect(judged(host(0.2, 1.7, null))).toMatch(/^load average 1\.70 at the end/);
});
