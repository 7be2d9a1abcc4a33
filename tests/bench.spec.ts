import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, test } from '@playwright/test';

/**
 * Smoke run of every bench code path (`npm run bench -- --quick`: 1 and 4 MiB images, short load runs,
 * reference server only). Checks that it completes and what it writes; never how fast anything was.
 */
test('npm run bench -- --quick measures the reference server and writes bench.json and bench.md', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-smoke-'));
  try {
    const out = path.join(dir, 'bench.json');
    const root = path.resolve(__dirname, '..');
    const run = spawnSync(process.execPath, [require.resolve('tsx/cli'), path.join(root, 'scripts', 'bench.ts'), '--quick', '--out', out], {
      cwd: root,
      encoding: 'utf8',
      timeout: 60_000,
    });
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
    expect(run.stdout).toMatch(/^(PASS|MISS|n\/a) {2}reference Range latency/m);
    expect(fs.readFileSync(path.join(dir, 'bench.md'), 'utf8')).toMatch(/^\| measurement \| reference \| real Glance 25\.1 \|/m);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
