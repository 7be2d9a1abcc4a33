/**
 * `npm run bench [-- options]`: the reference server and real Glance 25.1 measured side by side on this
 * machine — suite wall time, upload/download throughput, Range latency, requests per second, peak RSS —
 * written to reports/bench.json and reports/bench.md, with PASS/MISS per target. See README "Benchmarks".
 *
 *   --quick            tiny sizes and short load runs, reference server only (a smoke run of every code path)
 *   --no-glance        skip real Glance      --no-suite   skip the suite wall times
 *   --out FILE         JSON report (default reports/bench.json; the markdown goes next to it as .md)
 *   --wait-load X      first wait (≤ 10 min) until the 1-minute load average is below X
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { markdownTable, textTable } from '../bench/report';
import { FULL, QUICK, runBench, runCleanups } from '../bench/run';
import { ROOT } from '../bench/targets';

function parse(argv: string[]) {
  const options = { quick: false, glance: true, suites: true, out: path.join(ROOT, 'reports', 'bench.json'), waitLoad: 0 };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--quick') options.quick = true;
    else if (arg === '--no-glance') options.glance = false;
    else if (arg === '--glance') options.glance = true;
    else if (arg === '--no-suite') options.suites = false;
    else if (arg === '--out') options.out = path.resolve(argv[++i] ?? '');
    else if (arg === '--wait-load') options.waitLoad = Number(argv[++i]);
    else throw new Error(`unknown option ${arg}`);
  }
  if (options.quick && !argv.includes('--glance')) options.glance = false;
  if (options.quick && !argv.includes('--suite')) options.suites = false;
  return options;
}

async function waitForLoad(below: number, log: (line: string) => void): Promise<void> {
  const deadline = Date.now() + 10 * 60_000;
  while (os.loadavg()[0] >= below && Date.now() < deadline) {
    log(`waiting for the 1-minute load (${os.loadavg()[0].toFixed(2)}) to fall below ${below}`);
    await new Promise((resolve) => setTimeout(resolve, 15_000));
  }
}

async function main(): Promise<number> {
  let args;
  try {
    args = parse(process.argv.slice(2));
  } catch (error) {
    console.error(`bench: ${(error as Error).message}`);
    return 2;
  }
  const log = (line: string) => process.stderr.write(`bench: ${line}\n`);
  const interrupted = (signal: NodeJS.Signals) => {
    log(`${signal}: stopping the servers`);
    void runCleanups().finally(() => process.exit(130));
  };
  process.once('SIGINT', interrupted);
  process.once('SIGTERM', interrupted);
  if (args.waitLoad > 0) await waitForLoad(args.waitLoad, log);
  // Suite logs and reports of the timed conformance runs (not the project's reports/).
  const workDir = path.join(ROOT, '.state', 'bench');
  if (args.suites) mkdirSync(workDir, { recursive: true });
  const result = await runBench({
    ...(args.quick ? QUICK : FULL),
    glance: args.glance,
    suites: args.suites,
    glanceStateDir: process.env.GLANCE_STATE_DIR || path.join(ROOT, '.state', 'bench-glance'),
    glancePort: Number(process.env.GLANCE_PORT || 9892),
    workDir,
    log,
  });
  mkdirSync(path.dirname(args.out), { recursive: true });
  writeFileSync(args.out, `${JSON.stringify(result, null, 2)}\n`);
  const markdown = args.out.replace(/\.json$/, '') + '.md';
  const load = (l: number[]) => l.map((v) => v.toFixed(2)).join(' ');
  writeFileSync(
    markdown,
    `${markdownTable(result)}\n\n${result.host.cpus} CPUs, Node ${result.host.node}, load average ${load(result.host.loadAverageAtStart)} at the start, ` +
      `${load(result.host.loadAverageAtEnd)} at the end; ${result.seconds.toFixed(0)} s in all.\n`,
  );
  console.log(textTable(result));
  console.log(`\nload average at start ${load(result.host.loadAverageAtStart)}, at end ${load(result.host.loadAverageAtEnd)}; ${result.seconds.toFixed(0)} s`);
  console.log(`wrote ${path.relative(ROOT, args.out)} and ${path.relative(ROOT, markdown)}`);
  return 0;
}

main().then(
  (code) => process.exit(code),
  async (error: unknown) => {
    console.error(`bench: ${(error as Error).stack ?? String(error)}`);
    await runCleanups();
    process.exit(1);
  },
);
