import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, test } from '@playwright/test';

/**
 * Smoke run of every bench code path (`npm run bench -- --quick`: 1 and 4 MiB images, short load runs,
 * reference server only). Checks that it completes and what it writes; never how fast anything was.
 */
const root = path.resolve(__dirname, '..');
const bench = (args: string[]) =>
  spawnSync(process.execPath, [require.resolve('tsx/cli'), path.join(root, 'scripts', 'bench.ts'), ...args], {
    cwd: root,
    encoding: 'utf8',
    timeout: 60_000,
  });

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
    expect(refused.stdout).toMatch(/load limit 0.0001, exceeded: no PASS is given/);
    expect(run.stdout.match(/^PASS/gm)?.length ?? 0).toBe(refused.stdout.match(/^LOADED/gm)?.length ?? 0);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
