import { requirements as catalog } from '../catalog/requirements';
import { assemble } from './build';
import { catalogInfo, schemaId, toolInfo } from './identity';
import { SCHEMA_VERSION, type ConformanceReport, type Shard, type TestReport } from './model';

/**
 * One report from the reports of a sharded run (`--shard=I/N`, one GLANCE_CONFORMANCE_RUN_ID): every
 * requirement's tests from every shard, judged together exactly as one run judges them. Reports that
 * do not belong together — other runs, targets, catalogs or report versions, a shard missing or
 * given twice — are refused with the reason, never merged into a verdict.
 */
export function mergeReports(reports: ConformanceReport[], strict = false): ConformanceReport {
  if (!reports.length) throw new Error('nothing to merge');
  const differing = (what: string, values: unknown[]) => {
    const distinct = [...new Set(values.map((v) => String(v)))];
    if (distinct.length > 1) throw new Error(`the reports come from different ${what}: ${distinct.join(', ')}`);
  };
  const versions = reports.map((r) => r.schemaVersion);
  if (versions.some((v) => v !== SCHEMA_VERSION)) {
    throw new Error(`only schemaVersion ${SCHEMA_VERSION} reports can be merged, got ${versions.join(', ')}`);
  }
  const current = catalogInfo();
  differing('catalogs (suite versions)', [current.hash, ...reports.map((r) => r.catalog.hash)]);
  differing(
    'runs (set one GLANCE_CONFORMANCE_RUN_ID for every shard)',
    reports.map((r) => r.run.id),
  );
  // Each shard of an embedded run starts its own reference server, on its own port: the same target still.
  const targetKey = (r: ConformanceReport) =>
    r.target?.kind === 'embedded' ? 'the embedded reference server' : r.target?.url;
  differing('targets', reports.map(targetKey).filter(Boolean));

  const tests = new Map<string, TestReport[]>();
  for (const r of reports.flatMap((x) => x.requirements)) tests.set(r.id, [...(tests.get(r.id) ?? []), ...r.tests]);
  const starts = reports.map((r) => Date.parse(r.run.startedAt));
  const ends = reports.map((r, i) => starts[i] + r.run.durationMs);
  const shards = checkedShards(reports.flatMap((r) => r.run.shards ?? []));
  return assemble({
    catalog,
    catalogInfo: current,
    tool: toolInfo(),
    schemaId: schemaId(),
    target: reports.find((r) => r.target)?.target ?? null,
    run: {
      id: reports[0].run.id,
      startedAt: new Date(Math.min(...starts)).toISOString(),
      durationMs: Math.max(...ends) - Math.min(...starts),
      strict: strict || reports.some((r) => r.run.strict),
      shards: shards.length ? shards : undefined,
    },
    tests,
    cleanup: reports.flatMap((r) => r.cleanup),
  });
}

/** Every shard of 1..N exactly once, or the reason why not. */
function checkedShards(shards: Shard[]): Shard[] {
  if (!shards.length) return [];
  const total = shards[0].total;
  if (shards.some((s) => s.total !== total))
    throw new Error('the reports come from runs split into different numbers of shards');
  const seen = shards.map((s) => s.current).sort((a, b) => a - b);
  const twice = seen.filter((n, i) => seen[i - 1] === n);
  if (twice.length) throw new Error(`shard ${twice[0]}/${total} is given twice`);
  const missing = Array.from({ length: total }, (_, i) => i + 1).filter((n) => !seen.includes(n));
  if (missing.length) throw new Error(`shard(s) ${missing.map((n) => `${n}/${total}`).join(', ')} missing`);
  return seen.map((current) => ({ current, total }));
}
