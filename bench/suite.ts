/**
 * Wall time of conformance runs as `npm run conformance` and the package's bin start them (`node
 * bin/glance-conformance.js`), reports kept out of the project's reports/.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, openSync, closeSync, rmSync } from 'node:fs';
import path from 'node:path';
import { ROOT } from './targets';

/**
 * Runs timed per target; the median is the figure. One run against the reference server took 5.4-8.0 s within
 * half an hour here, on a machine whose host lends it its speed unevenly.
 */
export const SUITE_RUNS = 3;

/** A run still going after this long is stopped, with its Playwright workers. */
const RUN_TIMEOUT_S = 600;

export interface SuiteRun {
  /** The median run's wall time, and its exit code. */
  seconds: number;
  exitCode: number | null;
  /** Every run's wall time, in the order they ran (absent in benches recorded before there were several). */
  runSeconds?: number[];
  log: string;
  /** CPU seconds the target's server processes used meanwhile, where they are known (real Glance); else absent. */
  serverCpuSeconds?: number | null;
}

export async function timeSuite(name: string, workDir: string, glanceUrl: string | undefined): Promise<SuiteRun> {
  const runs: SuiteRun[] = [];
  for (let i = 1; i <= SUITE_RUNS; i++) runs.push(await timeOneRun(`${name}-${i}`, workDir, glanceUrl));
  const median = [...runs].sort((a, b) => a.seconds - b.seconds)[Math.floor(SUITE_RUNS / 2)]!;
  return { ...median, runSeconds: runs.map((run) => run.seconds) };
}

async function timeOneRun(name: string, workDir: string, glanceUrl: string | undefined): Promise<SuiteRun> {
  const reportDir = path.join(workDir, `suite-${name}`);
  rmSync(reportDir, { recursive: true, force: true });
  mkdirSync(reportDir, { recursive: true });
  const log = path.join(workDir, `suite-${name}.log`);
  // The reference run must not inherit a target from the caller's environment.
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([key]) => !/^(OS_|GLANCE_URL$|GLANCE_ADMIN_|CONFORMANCE_)/.test(key)),
  );
  Object.assign(env, { CONFORMANCE_REPORT_DIR: reportDir, CONFORMANCE_OUTPUT_DIR: path.join(reportDir, 'output') });
  if (glanceUrl) env.GLANCE_URL = glanceUrl;
  // The embedded reference server on a port of the bench's own: another run in the same tree keeps its 9393.
  else env.REFERENCE_PORT = process.env.BENCH_REFERENCE_PORT || '9893';
  const fd = openSync(log, 'w');
  const started = process.hrtime.bigint();
  try {
    const exitCode = await new Promise<number | null>((resolve, reject) => {
      // detached: its own process group, so a timeout can stop the run and Playwright's workers together.
      const child = spawn(process.execPath, [path.join('bin', 'glance-conformance.js')], {
        cwd: ROOT,
        env,
        stdio: ['ignore', fd, fd],
        detached: true,
      });
      const timer = setTimeout(() => {
        try {
          process.kill(-child.pid!, 'SIGKILL');
        } catch {
          // already gone
        }
      }, RUN_TIMEOUT_S * 1000);
      child.once('error', reject);
      child.once('exit', (code) => {
        clearTimeout(timer);
        resolve(code);
      });
    });
    return { seconds: Number(process.hrtime.bigint() - started) / 1e9, exitCode, log: path.relative(ROOT, log) };
  } finally {
    closeSync(fd);
  }
}
