/**
 * `npm run bench [-- options]`: the reference server and real Glance 25.1 measured side by side on this
 * machine — suite wall time, upload/download throughput, Range latency, requests per second, peak RSS —
 * written to reports/bench.json and reports/bench.md, with PASS/MISS per target. See docs/benchmarks.md.
 *
 *   --quick            tiny sizes and short load runs, reference server only (a smoke run of every code path)
 *   --no-glance        skip real Glance      --no-suite   skip the suite wall times
 *   --out FILE         JSON report (default reports/bench.json; the markdown goes next to it as .md)
 *   --wait-load X      first wait (≤ 10 min) until the 1-minute load average is below X; no PASS when the load
 *                      average at the start or the foreign load during the run (bench/foreign-load.ts) is X or more
 *   --doc FILE         also write the measured tables with how they were measured (docs/benchmarks.md), and the
 *                      run's JSON beside it (docs/benchmarks.json)
 *   --from FILE        measure nothing: render --out's markdown and --doc from this earlier bench.json
 *   --release R        the real Glance measured: 25.1 (default) or 2025.1 (Glance 30.0, built by the launcher)
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { benchmarksDoc } from '../bench/doc';
import { loadLine, markdownTable, textTable } from '../bench/report';
import { FULL, QUICK, runBench, runCleanups, type BenchResult } from '../bench/run';
import { ROOT } from '../bench/targets';
import { isRelease, RELEASES } from '../launcher/glance';

class UsageError extends Error {}

function parse(argv: string[]) {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    allowPositionals: false,
    options: {
      quick: { type: 'boolean', default: false },
      glance: { type: 'boolean' },
      'no-glance': { type: 'boolean', default: false },
      suite: { type: 'boolean' },
      'no-suite': { type: 'boolean', default: false },
      out: { type: 'string', default: path.join(ROOT, 'reports', 'bench.json') },
      'wait-load': { type: 'string' },
      doc: { type: 'string' },
      from: { type: 'string' },
      release: { type: 'string', default: '25.1' },
    },
  });
  if (!isRelease(values.release))
    throw new UsageError(`--release must be one of ${RELEASES.join(', ')}, got '${values.release}'`);
  let loadLimit: number | null = null;
  if (values['wait-load'] !== undefined) {
    loadLimit = Number(values['wait-load']);
    if (!(loadLimit > 0))
      throw new UsageError(`--wait-load needs a load average above 0, got '${values['wait-load']}'`);
  }
  // --quick measures the reference server alone unless Glance or the suite are asked for by name.
  const glance = values['no-glance'] ? false : (values.glance ?? !values.quick);
  const suites = values['no-suite'] ? false : (values.suite ?? !values.quick);
  return {
    quick: values.quick,
    glance,
    suites,
    out: path.resolve(values.out),
    loadLimit,
    doc: values.doc === undefined ? null : path.resolve(values.doc),
    from: values.from === undefined ? null : path.resolve(values.from),
    release: values.release,
  };
}

async function waitForLoad(below: number, log: (line: string) => void): Promise<void> {
  const deadline = Date.now() + 10 * 60_000;
  while (os.loadavg()[0] >= below && Date.now() < deadline) {
    log(`waiting for the 1-minute load (${os.loadavg()[0].toFixed(2)}) to fall below ${below}`);
    await new Promise((resolve) => setTimeout(resolve, 15_000));
  }
}

function readResult(file: string): BenchResult {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as BenchResult;
  } catch (error) {
    throw new UsageError(`cannot read --from ${file}: ${(error as Error).message}`);
  }
}

function write(file: string, text: string): void {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, text);
}

async function measure(args: ReturnType<typeof parse>, log: (line: string) => void): Promise<BenchResult> {
  const interrupted = (signal: NodeJS.Signals) => {
    log(`${signal}: stopping the servers`);
    void runCleanups().finally(() => process.exit(130));
  };
  process.once('SIGINT', interrupted);
  process.once('SIGTERM', interrupted);
  if (args.loadLimit !== null) await waitForLoad(args.loadLimit, log);
  // Suite logs and reports of the timed conformance runs (not the project's reports/).
  const workDir = path.join(ROOT, '.state', 'bench');
  if (args.suites) mkdirSync(workDir, { recursive: true });
  const result = await runBench({
    ...(args.quick ? QUICK : FULL),
    glance: args.glance,
    suites: args.suites,
    glanceRelease: args.release,
    glanceStateDir:
      process.env.GLANCE_STATE_DIR ||
      path.join(ROOT, '.state', args.release === '25.1' ? 'bench-glance' : `bench-glance-${args.release}`),
    glancePort: Number(process.env.GLANCE_PORT || 9892),
    loadLimit: args.loadLimit,
    workDir,
    log,
  });
  write(args.out, `${JSON.stringify(result, null, 2)}\n`);
  return result;
}

async function main(): Promise<number> {
  let args;
  try {
    args = parse(process.argv.slice(2));
  } catch (error) {
    console.error(`bench: ${(error as Error).message}`);
    return 2;
  }
  const log = (line: string) => void process.stderr.write(`bench: ${line}\n`);
  const result = args.from ? readResult(args.from) : await measure(args, log);
  const markdown = args.out.replace(/\.json$/, '') + '.md';
  write(markdown, `${markdownTable(result)}\n\n${loadLine(result)}\n`);
  const written = [...(args.from ? [] : [args.out]), markdown];
  if (args.doc) {
    // A measured run is kept beside the page (docs/benchmarks.json), so the page can be rendered again from it.
    const source = args.from ?? args.doc.replace(/\.md$/, '') + '.json';
    if (!args.from) {
      write(source, `${JSON.stringify(result, null, 2)}\n`);
      written.push(source);
    }
    write(args.doc, benchmarksDoc(result, path.relative(ROOT, source)));
    written.push(args.doc);
  }
  console.log(textTable(result));
  console.log(`\n${loadLine(result)}`);
  console.log(`wrote ${written.map((file) => path.relative(ROOT, file)).join(', ')}`);
  return 0;
}

main().then(
  (code) => process.exit(code),
  async (error: unknown) => {
    if (error instanceof UsageError) console.error(`bench: ${error.message}`);
    else console.error(`bench: ${(error as Error).stack ?? String(error)}`);
    await runCleanups();
    process.exit(error instanceof UsageError ? 2 : 1);
  },
);
