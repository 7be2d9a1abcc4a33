import fs from 'node:fs';
import path from 'node:path';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { startReferenceServer, type ReferenceServerOptions } from '../../reference-server';
import { startBrokenProxy, type Mutation } from './broken-proxy';
import { CLI } from '../../harness/paths';
import type { ConformanceReport } from '../../reporting/model';
import { freePort, ROOT, runEntry, runSuite, type SuiteRun } from './run-suite';

/**
 * Suite runs whose reports the report tests look at: one against the reference server (all pass),
 * one against a server broken in two ways, so that the report holds a `fail` (MUST) and a
 * `non-strict` (SHOULD) verdict, both with recorded evidence.
 */

export interface ReportRun extends SuiteRun {
  dir: string;
}

const isPatch = (method: string, p: string) => method === 'PATCH' && /^\/v2\/images\/[^/]+$/.test(p);

/**
 * Accepts location removal on a queued image (LOC-REMOVE-QUEUED-409: fail) and answers 416 without
 * Content-Range (RANGE-416-CONTENT-RANGE: non-strict).
 */
export const TWO_BUGS: Mutation = {
  response: (x) => {
    if (isPatch(x.method, x.path) && x.status === 409) return { status: 200 };
    if (x.status === 416) {
      const h = { ...x.responseHeaders };
      delete h['content-range'];
      return { responseHeaders: h };
    }
    return undefined;
  },
};

export function runDir(name: string): string {
  const base = path.join(ROOT, 'test-results', 'reports');
  fs.mkdirSync(base, { recursive: true });
  return fs.mkdtempSync(path.join(base, `${name}-`));
}

export async function referenceRun(name = 'reference'): Promise<ReportRun> {
  const dir = runDir(name);
  const run = await runSuite({ REFERENCE_PORT: String(await freePort()) }, [], dir);
  return { ...run, dir };
}

/** Runs the whole suite against the reference server behind a proxy that applies `mutation`. */
export async function brokenRun(
  name = 'broken',
  mutation: Mutation = TWO_BUGS,
  env: Record<string, string> = {},
  server: ReferenceServerOptions = {},
  args: string[] = [],
): Promise<ReportRun> {
  const dir = runDir(name);
  const reference = await startReferenceServer({ port: 0, ...server });
  const proxy = await startBrokenProxy(reference.url, mutation);
  try {
    const run = await runSuite({ GLANCE_URL: proxy.url, ...env }, args, dir);
    return { ...run, dir };
  } finally {
    await proxy.close();
    await reference.close();
  }
}

let validator: ReturnType<Ajv['compile']> | undefined;

/** Validates a conformance.json document against reporting/conformance.schema.json; returns the errors. */
export function schemaErrors(doc: unknown): string[] {
  if (!validator) {
    const ajv = new Ajv({ allErrors: true, strict: true });
    addFormats(ajv);
    const schema = JSON.parse(fs.readFileSync(path.join(ROOT, 'reporting', 'conformance.schema.json'), 'utf8'));
    validator = ajv.compile(schema);
  }
  return validator(doc)
    ? []
    : (validator.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message} ${JSON.stringify(e.params)}`);
}

/** Every file under `dir`, recursively. */
export function filesUnder(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile())
    .map((e) => path.join(e.parentPath, e.name));
}

export interface ShardedRun {
  shards: ReportRun[];
  /** `glance-conformance report merge` of the shards' folders. */
  merged: ReportRun;
}

/** `glance-conformance report merge DIR… --out <new folder> [args]`, as CI's merge job runs it. */
export function mergeRun(name: string, dirs: string[], args: string[] = []): ReportRun {
  const dir = runDir(name);
  const merge = runEntry(CLI, ['report', 'merge', ...dirs, '--out', dir, ...args]);
  const file = path.join(dir, 'conformance.json');
  const report = fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, 'utf8')) as ConformanceReport) : undefined;
  return { exitCode: merge.status ?? -1, output: merge.stdout + merge.stderr, report, dir };
}

/**
 * The suite split with `--shard=I/N` into N runs of one run id, one after the other (each with the
 * environment `envFor` gives it), then merged.
 */
export async function shardedRun(
  name: string,
  envFor: () => Promise<Record<string, string>>,
  total = 3,
): Promise<ShardedRun> {
  const runId = `${name}-${Date.now().toString(36)}`;
  const shards: ReportRun[] = [];
  for (let i = 1; i <= total; i++) {
    const dir = runDir(`${name}-shard${i}`);
    const env = { ...(await envFor()), GLANCE_CONFORMANCE_RUN_ID: runId };
    shards.push({ ...(await runSuite(env, [`--shard=${i}/${total}`], dir)), dir });
  }
  return {
    shards,
    merged: mergeRun(
      `${name}-merged`,
      shards.map((s) => s.dir),
    ),
  };
}
