/** One benchmark run: the reference server and real Glance measured the same way, one after the other. */
import os from 'node:os';
import { firstTouch, GiB, hashingLimit, MiB, type Digests, type HashingResult } from './bytes';
import {
  createImage,
  deleteImage,
  downloadImage,
  load,
  piecewiseDownload,
  rangeLatency,
  sweepImages,
  uploadImage,
  type Load,
  type RangeLatency,
  type Transfer,
} from './http';
import { ForeignLoadMeter, type ForeignLoad } from './foreign-load';
import { SUITE_RUNS, timeSuite, type SuiteRun } from './suite';
import type { Release } from '../launcher/glance';
import {
  cpuSecondsOfAll,
  pidsListeningOn,
  startGlance,
  startReferenceProcess,
  type GlanceLauncher,
  type ReferenceProcess,
} from './targets';

export interface BenchOptions {
  /** Image sizes; the largest one also gets the Range measurements, the smallest the load tests. */
  sizes: number[];
  rangeRequests: number;
  rangeBytes: number;
  /** The piecewise ranged download: Range requests of rangeBytes each, this many at a time. */
  piecewiseConcurrency: number;
  smallRangeBytes: number;
  loadConcurrency: number;
  loadSeconds: number;
  loadWarmup: number;
  suites: boolean;
  glance: boolean;
  /** The real Glance release the launcher starts. */
  glanceRelease: Release;
  glanceStateDir: string;
  glancePort: number;
  /** The 1-minute load average the run waited for (--wait-load); null when it was not asked to wait. */
  loadLimit: number | null;
  workDir: string;
  log: (line: string) => void;
}

type Profile = Omit<
  BenchOptions,
  'glanceRelease' | 'glanceStateDir' | 'workDir' | 'log' | 'glance' | 'suites' | 'glancePort' | 'loadLimit'
>;

export const FULL: Profile = {
  sizes: [256 * MiB, GiB],
  rangeRequests: 21,
  rangeBytes: MiB,
  piecewiseConcurrency: 4,
  smallRangeBytes: 1024,
  loadConcurrency: 8,
  loadSeconds: 5,
  loadWarmup: 1,
};

export const QUICK: Profile = {
  sizes: [MiB, 4 * MiB],
  rangeRequests: 3,
  rangeBytes: 64 * 1024,
  piecewiseConcurrency: 2,
  smallRangeBytes: 1024,
  loadConcurrency: 2,
  loadSeconds: 0.3,
  loadWarmup: 0,
};

export interface SizeResult {
  size: number;
  upload: Transfer;
  download: Transfer;
  /** Only for the largest size: the whole image as Range requests of rangeBytes, piecewiseConcurrency at a time. */
  rangedDownload?: Transfer & { requests: number; piece: number; concurrency: number };
  /** Only for the largest size: one Range request streaming the second half of the image. */
  secondHalf?: Transfer;
  /** Only for the largest size. */
  rangeLatency?: RangeLatency;
  /** Reference server only: its process memory while it held this image (a fresh process per size). */
  memory?: {
    peakRss: number | null;
    sampledPeakRss: number | null;
    rssIdle: number | null;
    rssHoldingImage: number | null;
  };
}

export interface TargetResult {
  url: string;
  suite?: SuiteRun;
  sizes: SizeResult[];
  load: { showImage: Load; smallRange: Load } | null;
  error?: string;
}

export interface BenchResult {
  tool: 'glance-conformance bench';
  startedAt: string;
  seconds: number;
  host: {
    cpus: number;
    node: string;
    loadAverageAtStart: number[];
    loadAverageAtEnd: number[];
    loadLimit: number | null;
    /** CPU other work took while the bench ran (foreign-load.ts); null where there is no /proc. Older runs lack it. */
    foreignLoad?: ForeignLoad | null;
    /** bytes.ts firstTouch, taken at the start; older runs lack it. */
    firstTouchBytesPerSecond?: number;
  };
  options: Omit<BenchOptions, 'log'>;
  hashing: HashingResult;
  reference: TargetResult;
  glance: TargetResult | null;
}

/** Bytes of the second half of an image, the ranged-download measurement. */
export const rangedHalf = (size: number) => ({ first: Math.floor(size / 2), last: size - 1 });

/** Runs one transfer and adds the CPU it cost the bench process and the server's processes `pids` (when known). */
async function withCpu<T extends Transfer>(pids: number[], transfer: () => Promise<T>): Promise<T> {
  const server = () => cpuSecondsOfAll(pids);
  const client = process.cpuUsage();
  const serverBefore = server();
  const result = await transfer();
  const used = process.cpuUsage(client);
  const serverAfter = server();
  const serverSeconds = serverBefore === null || serverAfter === null ? null : serverAfter - serverBefore;
  return { ...result, cpu: { client: (used.user + used.system) / 1e6, server: serverSeconds } };
}

async function measureSize(
  base: string,
  size: number,
  digests: Digests,
  options: BenchOptions,
  label: string,
  extra: { largest: boolean; smallest: boolean; pids: number[] },
  onHeld?: () => void,
): Promise<{ result: SizeResult; load: TargetResult['load'] }> {
  const mib = (size / MiB).toFixed(0);
  const id = await createImage(base, `${mib} MiB`);
  const timed = <T extends Transfer>(transfer: () => Promise<T>) => withCpu(extra.pids, transfer);
  try {
    options.log(`${label}: upload ${mib} MiB`);
    const upload = await timed(() => uploadImage(base, id, size, digests));
    onHeld?.();
    options.log(`${label}: download ${mib} MiB`);
    const download = await timed(() => downloadImage(base, id, size, digests));
    const result: SizeResult = { size, upload, download };
    if (extra.largest) {
      options.log(
        `${label}: Range latency, first and last ${options.rangeBytes / 1024} KiB × ${options.rangeRequests}`,
      );
      result.rangeLatency = await rangeLatency(base, id, size, digests, options.rangeRequests, options.rangeBytes);
      const { rangeBytes, piecewiseConcurrency } = options;
      options.log(`${label}: ranged download, ${rangeBytes / 1024} KiB pieces, ${piecewiseConcurrency} at a time`);
      result.rangedDownload = await timed(() => piecewiseDownload(base, id, size, rangeBytes, piecewiseConcurrency));
      options.log(`${label}: one Range request for the second half`);
      result.secondHalf = await timed(() => downloadImage(base, id, size, digests, rangedHalf(size)));
    }
    let loadResult: TargetResult['load'] = null;
    if (extra.smallest) {
      const { loadConcurrency: c, loadSeconds: s, loadWarmup: w } = options;
      options.log(`${label}: GET /v2/images/{id}, ${c} connections, ${s} s`);
      const showImage = await load(base, `/v2/images/${id}`, { accept: 'application/json' }, 200, c, s, w);
      options.log(`${label}: GET …/file Range: bytes=0-${options.smallRangeBytes - 1}, ${c} connections, ${s} s`);
      const smallRange = await load(
        base,
        `/v2/images/${id}/file`,
        { range: `bytes=0-${options.smallRangeBytes - 1}` },
        206,
        c,
        s,
        w,
      );
      loadResult = { showImage, smallRange };
    }
    return { result, load: loadResult };
  } finally {
    await deleteImage(base, id).catch(() => undefined);
  }
}

/** Stops whatever is still running when the process is interrupted. */
const cleanups = new Set<() => Promise<void>>();
export async function runCleanups(): Promise<void> {
  for (const cleanup of [...cleanups]) {
    cleanups.delete(cleanup);
    await cleanup().catch(() => undefined);
  }
}

async function measureReference(options: BenchOptions, hashing: HashingResult): Promise<TargetResult> {
  const sizes = [...options.sizes].sort((a, b) => a - b);
  const result: TargetResult = { url: '', sizes: [], load: null };
  for (const size of sizes) {
    // A fresh process per size: the peak RSS then belongs to this image alone.
    const server: ReferenceProcess = await startReferenceProcess();
    const stop = () => server.stop();
    cleanups.add(stop);
    try {
      result.url = server.url;
      let holding: number | null = null;
      const idle = server.rss();
      const { result: sizeResult, load: loadResult } = await measureSize(
        server.url,
        size,
        hashing.digests[size],
        options,
        `reference (pid ${server.pid})`,
        { largest: size === sizes[sizes.length - 1], smallest: size === sizes[0], pids: [server.pid] },
        () => (holding = server.rss()),
      );
      const peak = server.peakRss();
      sizeResult.memory = { peakRss: peak.hwm, sampledPeakRss: peak.sampled, rssIdle: idle, rssHoldingImage: holding };
      result.sizes.push(sizeResult);
      result.load ??= loadResult;
    } finally {
      cleanups.delete(stop);
      await stop();
    }
  }
  return result;
}

async function measureGlance(url: string, options: BenchOptions, hashing: HashingResult): Promise<TargetResult> {
  const sizes = [...options.sizes].sort((a, b) => a - b);
  const result: TargetResult = { url, sizes: [], load: null };
  await sweepImages(url);
  // Glance's parent and its worker share the listening socket: their CPU together is what serving cost.
  const pids = pidsListeningOn(Number(new URL(url).port));
  options.log(`glance: CPU read from pids ${pids.join(', ') || 'none found'}`);
  for (const size of sizes) {
    const { result: sizeResult, load: loadResult } = await measureSize(
      url,
      size,
      hashing.digests[size],
      options,
      'glance',
      {
        largest: size === sizes[sizes.length - 1],
        smallest: size === sizes[0],
        pids,
      },
    );
    result.sizes.push(sizeResult);
    result.load ??= loadResult;
  }
  return result;
}

export async function runBench(options: BenchOptions): Promise<BenchResult> {
  const started = process.hrtime.bigint();
  const startedAt = new Date().toISOString();
  const loadAverageAtStart = os.loadavg();
  const firstTouchBytesPerSecond = firstTouch();
  options.log(`load average ${loadAverageAtStart.map((l) => l.toFixed(2)).join(' ')} on ${os.cpus().length} CPUs`);
  const meter = new ForeignLoadMeter();
  meter.start();

  let glance: GlanceLauncher | null = null;
  let glanceResult: TargetResult | null = null;
  try {
    if (options.glance) {
      options.log(
        `real Glance ${options.glanceRelease}: starting (state ${options.glanceStateDir}, port ${options.glancePort})`,
      );
      try {
        glance = await startGlance(options.glanceStateDir, options.glancePort, options.glanceRelease);
        cleanups.add(glance.stop);
        // A Glance left running by an earlier run is not the bench's child: its CPU is still the bench's doing.
        meter.adopt(pidsListeningOn(options.glancePort));
        options.log(`real Glance: ${glance.url}`);
      } catch (error) {
        // The reference server is still measured; the report says why Glance is missing.
        glanceResult = { url: '', sizes: [], load: null, error: (error as Error).message };
        options.log(`real Glance: ${(error as Error).message}`);
      }
    }

    options.log(`hashing limit: md5 + sha512 over ${(Math.max(...options.sizes) / MiB).toFixed(0)} MiB`);
    const hashing = hashingLimit(options.sizes);

    let referenceSuite: SuiteRun | undefined;
    let glanceSuite: SuiteRun | undefined;
    if (options.suites) {
      options.log(`suite against the reference server (node bin/glance-conformance.js), ${SUITE_RUNS} runs`);
      referenceSuite = await timeSuite('reference', options.workDir, undefined);
      if (glance) {
        options.log(`suite against real Glance (GLANCE_URL=${glance.url}), ${SUITE_RUNS} runs`);
        // Glance's own CPU during the run says whether the suite waited for Glance or Glance for the suite.
        const pids = pidsListeningOn(options.glancePort);
        const before = cpuSecondsOfAll(pids);
        glanceSuite = await timeSuite('glance', options.workDir, glance.url);
        const after = cpuSecondsOfAll(pids);
        glanceSuite.serverCpuSeconds = before === null || after === null ? null : (after - before) / SUITE_RUNS;
      }
    }

    const reference = await measureReference(options, hashing);
    reference.suite = referenceSuite;
    if (glance) {
      try {
        glanceResult = await measureGlance(glance.url, options, hashing);
      } catch (error) {
        glanceResult = { url: glance.url, sizes: [], load: null, error: (error as Error).message };
        options.log(`real Glance: measurement failed: ${(error as Error).message}`);
      }
      glanceResult.suite = glanceSuite;
    }
    const { log: _log, ...recorded } = options;
    void _log;
    // Before Glance is stopped: a Glance that is not the bench's child would take its CPU out of the own set.
    const foreignLoad = meter.finish();
    if (foreignLoad) options.log(`foreign load ${foreignLoad.load.toFixed(2)} CPUs`);
    return {
      tool: 'glance-conformance bench',
      startedAt,
      seconds: Number(process.hrtime.bigint() - started) / 1e9,
      host: {
        cpus: os.cpus().length,
        node: process.version,
        loadAverageAtStart,
        loadAverageAtEnd: os.loadavg(),
        loadLimit: options.loadLimit,
        foreignLoad,
        firstTouchBytesPerSecond,
      },
      options: recorded,
      hashing,
      reference,
      glance: glanceResult,
    };
  } finally {
    if (glance) {
      cleanups.delete(glance.stop);
      options.log('real Glance: stopping');
      await glance.stop();
    }
  }
}
