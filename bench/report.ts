/** Targets (PASS/MISS/LOADED) and the tables: plain text for stdout, markdown for docs/benchmarks.md. */
import { GiB, MiB } from './bytes';
import type { BenchResult, SizeResult, TargetResult } from './run';
import type { Transfer } from './http';
import type { SuiteRun } from './suite';

export interface Check {
  name: string;
  target: string;
  measured: string;
  /** null: could not be judged (e.g. no real Glance in this run). */
  pass: boolean | null;
}

const mibps = (bytesPerSecond: number | undefined) =>
  bytesPerSecond === undefined ? '–' : `${(bytesPerSecond / MiB).toFixed(0)} MiB/s`;
const ms = (value: number | undefined) =>
  value === undefined ? '–' : value < 10 ? `${value.toFixed(2)} ms` : `${value.toFixed(1)} ms`;
const sizeName = (size: number) =>
  size >= GiB && size % GiB === 0 ? `${size / GiB} GiB` : `${(size / MiB).toFixed(size % MiB ? 2 : 0)} MiB`;
const ratio = (a: number | undefined, b: number | undefined, digits = 1) =>
  a === undefined || b === undefined || !Number.isFinite(a / b) ? '–' : `${(a / b).toFixed(digits)}×`;

const rangeName = (result: BenchResult) =>
  result.options.rangeBytes >= MiB
    ? `${result.options.rangeBytes / MiB} MiB`
    : `${result.options.rangeBytes / 1024} KiB`;

const largest = (target: TargetResult | null): SizeResult | undefined =>
  target?.sizes.reduce<SizeResult | undefined>((best, s) => (!best || s.size > best.size ? s : best), undefined);

/** "median of 3: 5.4, 5.8, 8.0 s; " — empty for a bench recorded when the suite ran once. */
const suiteRuns = (suite: SuiteRun) =>
  suite.runSeconds && suite.runSeconds.length > 1
    ? `median of ${suite.runSeconds.length}: ${suite.runSeconds.map((s) => s.toFixed(1)).join(', ')} s; `
    : '';

export function checks(result: BenchResult): Check[] {
  const list: Check[] = [];
  const ref = result.reference;
  const glance = result.glance;
  const suiteCheck = (name: string, suite: SuiteRun | undefined, limit: number, judged: (exit: number) => boolean) =>
    list.push({
      name,
      target: `≤ ${limit} s`,
      measured: suite ? `${suite.seconds.toFixed(1)} s (${suiteRuns(suite)}exit ${suite.exitCode})` : 'not run',
      pass: suite ? suite.seconds <= limit && suite.exitCode !== null && judged(suite.exitCode) : null,
    });
  suiteCheck('suite wall time against the reference server', ref.suite, 5, (exit) => exit === 0);
  // Glance 25.1 is not conformant (exit 1); 2 would mean the suite could not judge it.
  suiteCheck('suite wall time against real Glance', glance?.suite, 20, (exit) => exit <= 1);
  const against = (name: string, target: number, a: number | undefined, b: number | undefined) =>
    list.push({
      name,
      target: `≥ ${target}×`,
      measured: `${ratio(a, b)} (${mibps(a)} vs ${mibps(b)})`,
      pass: a !== undefined && b !== undefined ? a / b >= target : null,
    });
  for (const size of ref.sizes) {
    const other = glance?.sizes.find((s) => s.size === size.size);
    const whole = `whole download of ${sizeName(size.size)}, reference vs real Glance`;
    against(whole, 1.5, size.download.bytesPerSecond, other?.download.bytesPerSecond);
  }
  const refBig = largest(ref);
  const glanceBig = largest(glance);
  const pieces = `ranged download of ${refBig ? sizeName(refBig.size) : '–'} in ${rangeName(result)} pieces`;
  against(
    `${pieces}, reference vs real Glance`,
    10,
    refBig?.rangedDownload?.bytesPerSecond,
    glanceBig?.rangedDownload?.bytesPerSecond,
  );
  const limit = mibps(result.hashing.bytesPerSecond);
  // The image is stored in memory the server never used: where that is slow, it caps the upload.
  const touch = result.host.firstTouchBytesPerSecond;
  const freshMemory = touch === undefined ? '' : `; fresh memory ${mibps(touch)}`;
  for (const size of ref.sizes) {
    const share = size.upload.bytesPerSecond / result.hashing.bytesPerSecond;
    list.push({
      name: `reference upload ${sizeName(size.size)} vs the sequential md5+sha512 limit`,
      target: '≥ 90 %',
      measured: `${(share * 100).toFixed(0)} % (${mibps(size.upload.bytesPerSecond)} of ${limit}${freshMemory})`,
      pass: share >= 0.9,
    });
  }
  const latency = refBig?.rangeLatency;
  list.push({
    name: `reference Range latency, last / first ${rangeName(result)}`,
    target: '≤ 1.5',
    measured: latency ? `${latency.ratio.toFixed(2)} (${ms(latency.lastMs)} / ${ms(latency.firstMs)})` : '–',
    pass: latency ? latency.ratio <= 1.5 : null,
  });
  const peak = refBig?.memory?.peakRss ?? refBig?.memory?.sampledPeakRss ?? null;
  const peakText = (bytes: number, image: number) =>
    `${(bytes / MiB).toFixed(0)} MiB = image + ${((bytes - image) / MiB).toFixed(0)} MiB`;
  list.push({
    name: `reference peak RSS holding ${refBig ? sizeName(refBig.size) : '–'}`,
    target: '≤ image + 100 MiB',
    measured: peak === null || !refBig ? 'no /proc' : peakText(peak, refBig.size),
    pass: peak === null || !refBig ? null : peak <= refBig.size + 100 * MiB,
  });
  return list;
}

/**
 * Why a run cannot give PASS: the 1-minute load average at its start, or the foreign load during it (the CPUs
 * other work kept busy, foreign-load.ts), at or above the limit it waited for. The load average at the end is not
 * a judge: the bench's own two busy cores raise it to ~1.7 on an idle machine. Runs without a foreign-load
 * measurement (no /proc, older bench.json files) are judged by the load average at the end, as before.
 */
export function overLoadLimit(result: BenchResult): string | null {
  const { loadLimit: limit, loadAverageAtStart, loadAverageAtEnd, foreignLoad } = result.host;
  if (limit === null) return null;
  if (loadAverageAtStart[0] >= limit) return `load average ${loadAverageAtStart[0].toFixed(2)} at the start`;
  if (foreignLoad) {
    return foreignLoad.load >= limit ? `foreign load ${foreignLoad.load.toFixed(2)} CPUs during the run` : null;
  }
  return loadAverageAtEnd[0] >= limit ? `load average ${loadAverageAtEnd[0].toFixed(2)} at the end` : null;
}

/**
 * PASS only for a run taken below the load it waited for: above it the machine's other work may have lent or
 * taken the time, so the target is reported as LOADED. A MISS stays a MISS.
 */
export function verdict(check: Check, result: BenchResult): 'PASS' | 'MISS' | 'LOADED' | 'n/a' {
  if (check.pass === null) return 'n/a';
  if (!check.pass) return 'MISS';
  return overLoadLimit(result) ? 'LOADED' : 'PASS';
}

export function loadLine(result: BenchResult): string {
  const load = (l: number[]) => l.map((v) => v.toFixed(2)).join(' ');
  const { host } = result;
  const limit = host.loadLimit === null ? 'no load limit asked (--wait-load)' : `load limit ${host.loadLimit}`;
  const over = overLoadLimit(result);
  const verdictNote = over ? `, exceeded by the ${over}: no PASS is given` : '';
  const f = host.foreignLoad;
  const foreign = f
    ? `, foreign load ${f.load.toFixed(2)} CPUs (machine busy ${f.machineCpuSeconds.toFixed(0)} CPU s, ` +
      `the bench's own processes ${f.ownCpuSeconds.toFixed(0)} CPU s)`
    : '';
  const fresh =
    host.firstTouchBytesPerSecond === undefined
      ? ''
      : ` Memory never used before is first written at ${mibps(host.firstTouchBytesPerSecond)} here.`;
  return (
    `${host.cpus} CPUs, Node ${host.node}, load average ${load(host.loadAverageAtStart)} at the start, ` +
    `${load(host.loadAverageAtEnd)} at the end${foreign} (${limit}${verdictNote}); ` +
    `${result.seconds.toFixed(0)} s in all.${fresh}`
  );
}

/** Rows of the side-by-side table: metric, reference, real Glance, reference / Glance. */
function rows(result: BenchResult): string[][] {
  const ref = result.reference;
  const gl = result.glance;
  const out: string[][] = [];
  const add = (
    metric: string,
    a: number | undefined,
    b: number | undefined,
    format: (v: number | undefined) => string,
    higherIsBetter: boolean,
  ) => out.push([metric, format(a), format(b), higherIsBetter ? ratio(a, b) : ratio(b, a)]);
  const seconds = (v: number | undefined) => (v === undefined ? '–' : `${v.toFixed(1)} s`);
  const cpu = (transfer: Transfer | undefined) =>
    transfer?.cpu ? `${transfer.cpu.client.toFixed(2)} / ${transfer.cpu.server?.toFixed(2) ?? '–'}` : '–';
  // The last column compares the servers' CPU (less is better), the figure least bent by other load.
  const addCpu = (metric: string, a: Transfer, b: Transfer | undefined) =>
    out.push([metric, cpu(a), cpu(b), ratio(b?.cpu?.server ?? undefined, a.cpu?.server ?? undefined)]);
  add('suite wall time (median run)', ref.suite?.seconds, gl?.suite?.seconds, seconds, false);
  if (typeof gl?.suite?.serverCpuSeconds === 'number')
    out.push(['  CPU s of the server during a suite run', '–', gl.suite.serverCpuSeconds.toFixed(1), '']);
  for (const size of ref.sizes) {
    const other = gl?.sizes.find((s) => s.size === size.size);
    add(`upload ${sizeName(size.size)}`, size.upload.bytesPerSecond, other?.upload.bytesPerSecond, mibps, true);
    add(`download ${sizeName(size.size)}`, size.download.bytesPerSecond, other?.download.bytesPerSecond, mibps, true);
    addCpu(`  CPU s, upload ${sizeName(size.size)} (bench / server)`, size.upload, other?.upload);
    addCpu(`  CPU s, download ${sizeName(size.size)} (bench / server)`, size.download, other?.download);
    if (size.rangedDownload) {
      const { concurrency } = size.rangedDownload;
      add(
        `ranged download ${sizeName(size.size)}, ${rangeName(result)} pieces, ${concurrency} at a time`,
        size.rangedDownload.bytesPerSecond,
        other?.rangedDownload?.bytesPerSecond,
        mibps,
        true,
      );
      addCpu('  CPU s, ranged download (bench / server)', size.rangedDownload, other?.rangedDownload);
    }
    if (size.secondHalf) {
      add(
        `one Range request, second half of ${sizeName(size.size)}`,
        size.secondHalf.bytesPerSecond,
        other?.secondHalf?.bytesPerSecond,
        mibps,
        true,
      );
    }
    if (size.rangeLatency) {
      const n = size.rangeLatency.requests;
      const kib = rangeName(result);
      add(
        `Range first ${kib} of ${sizeName(size.size)}, median of ${n}`,
        size.rangeLatency.firstMs,
        other?.rangeLatency?.firstMs,
        ms,
        false,
      );
      add(
        `Range last ${kib} of ${sizeName(size.size)}, median of ${n}`,
        size.rangeLatency.lastMs,
        other?.rangeLatency?.lastMs,
        ms,
        false,
      );
      out.push([
        'Range latency last / first',
        size.rangeLatency.ratio.toFixed(2),
        other?.rangeLatency ? other.rangeLatency.ratio.toFixed(2) : '–',
        '',
      ]);
    }
  }
  const loads = [
    ['GET /v2/images/{id}', ref.load?.showImage, gl?.load?.showImage],
    [`GET …/file, Range of ${result.options.smallRangeBytes} B`, ref.load?.smallRange, gl?.load?.smallRange],
  ] as const;
  for (const [name, a, b] of loads) {
    const c = a?.concurrency ?? result.options.loadConcurrency;
    const rps = (v: number | undefined) => (v === undefined ? '–' : `${v.toFixed(0)} req/s`);
    add(`${name}: ${c} conns, ${result.options.loadSeconds} s`, a?.requestsPerSecond, b?.requestsPerSecond, rps, true);
    add(`  p50 latency`, a?.p50Ms, b?.p50Ms, ms, false);
    add(`  p99 latency`, a?.p99Ms, b?.p99Ms, ms, false);
    if ((a?.errors ?? 0) + (b?.errors ?? 0) > 0)
      out.push(['  unexpected answers', String(a?.errors ?? '–'), String(b?.errors ?? '–'), '']);
  }
  if (gl?.error) out.push([`real Glance not measured: ${gl.error}`, '', '', '']);
  out.push(['md5 + sha512 in Node (hashing limit)', mibps(result.hashing.bytesPerSecond), '', '']);
  for (const size of ref.sizes) {
    if (!size.memory) continue;
    const peak = size.memory.peakRss ?? size.memory.sampledPeakRss;
    const idle = size.memory.rssIdle;
    const mib = (bytes: number) => `${(bytes / MiB).toFixed(0)} MiB`;
    out.push([
      `peak RSS, process holding ${sizeName(size.size)} (idle before: ${idle === null ? '–' : mib(idle)})`,
      peak === null ? '–' : `${(peak / MiB).toFixed(0)} MiB`,
      '',
      '',
    ]);
  }
  return out;
}

/** bench.json files from before --release measured 25.1. */
const header = (result: BenchResult) => [
  '',
  'reference',
  `real Glance ${result.options.glanceRelease ?? '25.1'}`,
  'ref / Glance',
];

export function textTable(result: BenchResult): string {
  const all = [header(result), ...rows(result)];
  const widths = all[0].map((_, i) => Math.max(...all.map((row) => row[i].length)));
  const line = (row: string[]) =>
    row
      .map((cell, i) => (i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i])))
      .join('  ')
      .trimEnd();
  const checkLines = checks(result).map(
    (c) => `${verdict(c, result).padEnd(6)}  ${c.name}: ${c.measured} (target ${c.target})`,
  );
  return [line(all[0]), ...all.slice(1).map(line), '', ...checkLines].join('\n');
}

export function markdownTable(result: BenchResult): string {
  const escape = (cell: string) => cell.replace(/\|/g, '\\|').trim();
  const md = (row: string[]) => `| ${row.map(escape).join(' | ')} |`;
  const table = [
    md(header(result).map((h, i) => (i === 0 ? 'measurement' : h))),
    `|---|--:|--:|--:|`,
    ...rows(result).map(md),
  ];
  const targetTable = [
    '| target | measured | result |',
    '|---|---|---|',
    ...checks(result).map((c) => md([`${c.name} ${c.target}`, c.measured, verdict(c, result)])),
  ];
  return [...table, '', ...targetTable].join('\n');
}
