/** Targets (PASS/MISS) and the tables: plain text for stdout, markdown for the README. */
import { GiB, MiB } from './bytes';
import type { BenchResult, SizeResult, TargetResult } from './run';

export interface Check {
  name: string;
  target: string;
  measured: string;
  /** null: could not be judged (e.g. no real Glance in this run). */
  pass: boolean | null;
}

const mibps = (bytesPerSecond: number | undefined) => (bytesPerSecond === undefined ? '–' : `${(bytesPerSecond / MiB).toFixed(0)} MiB/s`);
const ms = (value: number | undefined) => (value === undefined ? '–' : value < 10 ? `${value.toFixed(2)} ms` : `${value.toFixed(1)} ms`);
const sizeName = (size: number) => (size >= GiB && size % GiB === 0 ? `${size / GiB} GiB` : `${(size / MiB).toFixed(size % MiB ? 2 : 0)} MiB`);
const ratio = (a: number | undefined, b: number | undefined, digits = 1) =>
  a === undefined || b === undefined || !Number.isFinite(a / b) ? '–' : `${(a / b).toFixed(digits)}×`;

const rangeName = (result: BenchResult) =>
  result.options.rangeBytes >= MiB ? `${result.options.rangeBytes / MiB} MiB` : `${result.options.rangeBytes / 1024} KiB`;

const largest = (target: TargetResult | null): SizeResult | undefined =>
  target?.sizes.reduce<SizeResult | undefined>((best, s) => (!best || s.size > best.size ? s : best), undefined);

export function checks(result: BenchResult): Check[] {
  const list: Check[] = [];
  const ref = result.reference;
  const suite = ref.suite;
  list.push({
    name: 'suite wall time against the reference server',
    target: '≤ 10 s',
    measured: suite ? `${suite.seconds.toFixed(1)} s (exit ${suite.exitCode})` : 'not run',
    pass: suite ? suite.seconds <= 10 && suite.exitCode === 0 : null,
  });
  const refBig = largest(ref);
  const glanceBig = largest(result.glance);
  const refRanged = refBig?.rangedDownload?.bytesPerSecond;
  const glanceRanged = glanceBig?.rangedDownload?.bytesPerSecond;
  list.push({
    name: `ranged download of ${refBig ? sizeName(refBig.size) : '–'} in ${rangeName(result)} pieces, reference vs real Glance`,
    target: '≥ 10×',
    measured: `${ratio(refRanged, glanceRanged)} (${mibps(refRanged)} vs ${mibps(glanceRanged)})`,
    pass: refRanged !== undefined && glanceRanged !== undefined ? refRanged / glanceRanged >= 10 : null,
  });
  const latency = refBig?.rangeLatency;
  list.push({
    name: `reference Range latency, last / first ${rangeName(result)}`,
    target: '≤ 1.5',
    measured: latency ? `${latency.ratio.toFixed(2)} (${ms(latency.lastMs)} / ${ms(latency.firstMs)})` : '–',
    pass: latency ? latency.ratio <= 1.5 : null,
  });
  for (const size of ref.sizes) {
    const share = size.upload.bytesPerSecond / result.hashing.bytesPerSecond;
    list.push({
      name: `reference upload ${sizeName(size.size)} vs md5+sha512 hashing limit`,
      target: '≥ 70 %',
      measured: `${(share * 100).toFixed(0)} % (${mibps(size.upload.bytesPerSecond)} of ${mibps(result.hashing.bytesPerSecond)})`,
      pass: share >= 0.7,
    });
  }
  const peak = refBig?.memory?.peakRss ?? refBig?.memory?.sampledPeakRss ?? null;
  list.push({
    name: `reference peak RSS holding ${refBig ? sizeName(refBig.size) : '–'}`,
    target: '≤ image + 100 MiB',
    measured: peak === null || !refBig ? 'no /proc' : `${(peak / MiB).toFixed(0)} MiB = image + ${((peak - refBig.size) / MiB).toFixed(0)} MiB`,
    pass: peak === null || !refBig ? null : peak <= refBig.size + 100 * MiB,
  });
  return list;
}

/** Rows of the side-by-side table: metric, reference, real Glance, reference / Glance. */
function rows(result: BenchResult): string[][] {
  const ref = result.reference;
  const gl = result.glance;
  const out: string[][] = [];
  const add = (metric: string, a: number | undefined, b: number | undefined, format: (v: number | undefined) => string, higherIsBetter: boolean) =>
    out.push([metric, format(a), format(b), higherIsBetter ? ratio(a, b) : ratio(b, a)]);
  const seconds = (v: number | undefined) => (v === undefined ? '–' : `${v.toFixed(1)} s`);
  add('suite wall time', ref.suite?.seconds, gl?.suite?.seconds, seconds, false);
  for (const size of ref.sizes) {
    const other = gl?.sizes.find((s) => s.size === size.size);
    add(`upload ${sizeName(size.size)}`, size.upload.bytesPerSecond, other?.upload.bytesPerSecond, mibps, true);
    add(`download ${sizeName(size.size)}`, size.download.bytesPerSecond, other?.download.bytesPerSecond, mibps, true);
    if (size.rangedDownload) {
      const { concurrency } = size.rangedDownload;
      add(`ranged download ${sizeName(size.size)}, ${rangeName(result)} pieces, ${concurrency} at a time`, size.rangedDownload.bytesPerSecond, other?.rangedDownload?.bytesPerSecond, mibps, true);
    }
    if (size.secondHalf) {
      add(`one Range request, second half of ${sizeName(size.size)}`, size.secondHalf.bytesPerSecond, other?.secondHalf?.bytesPerSecond, mibps, true);
    }
    if (size.rangeLatency) {
      const n = size.rangeLatency.requests;
      const kib = rangeName(result);
      add(`Range first ${kib} of ${sizeName(size.size)}, median of ${n}`, size.rangeLatency.firstMs, other?.rangeLatency?.firstMs, ms, false);
      add(`Range last ${kib} of ${sizeName(size.size)}, median of ${n}`, size.rangeLatency.lastMs, other?.rangeLatency?.lastMs, ms, false);
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
    if ((a?.errors ?? 0) + (b?.errors ?? 0) > 0) out.push(['  unexpected answers', String(a?.errors ?? '–'), String(b?.errors ?? '–'), '']);
  }
  if (gl?.error) out.push([`real Glance not measured: ${gl.error}`, '', '', '']);
  out.push(['md5 + sha512 in Node (hashing limit)', mibps(result.hashing.bytesPerSecond), '', '']);
  for (const size of ref.sizes) {
    if (!size.memory) continue;
    const peak = size.memory.peakRss ?? size.memory.sampledPeakRss;
    const idle = size.memory.rssIdle;
    out.push([
      `peak RSS, process holding ${sizeName(size.size)} (idle before: ${idle === null ? '–' : `${(idle / MiB).toFixed(0)} MiB`})`,
      peak === null ? '–' : `${(peak / MiB).toFixed(0)} MiB`,
      '',
      '',
    ]);
  }
  return out;
}

const HEADER = ['', 'reference', 'real Glance 25.1', 'ref / Glance'];

export function textTable(result: BenchResult): string {
  const all = [HEADER, ...rows(result)];
  const widths = HEADER.map((_, i) => Math.max(...all.map((row) => row[i].length)));
  const line = (row: string[]) => row.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join('  ').trimEnd();
  const checkLines = checks(result).map((c) => `${c.pass === null ? 'n/a ' : c.pass ? 'PASS' : 'MISS'}  ${c.name}: ${c.measured} (target ${c.target})`);
  return [line(all[0]), ...all.slice(1).map(line), '', ...checkLines].join('\n');
}

export function markdownTable(result: BenchResult): string {
  const escape = (cell: string) => cell.replace(/\|/g, '\\|').trim();
  const md = (row: string[]) => `| ${row.map(escape).join(' | ')} |`;
  const table = [md(HEADER.map((h, i) => (i === 0 ? 'measurement' : h))), `|---|--:|--:|--:|`, ...rows(result).map(md)];
  const targetTable = [
    '| target | measured | result |',
    '|---|---|---|',
    ...checks(result).map((c) => md([`${c.name} ${c.target}`, c.measured, c.pass === null ? 'n/a' : c.pass ? 'PASS' : 'MISS'])),
  ];
  return [...table, '', ...targetTable].join('\n');
}
