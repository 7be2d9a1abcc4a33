import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { ConformanceReport } from '../../reporting/model';

export { ROOT } from '../../harness/paths';
export { freePort } from '../../launcher/supervisor';
import { CLI, ROOT, tsEntry } from '../../harness/paths';

/** One of the project's TypeScript entry points (`CLI`, a script) run to its end from ROOT, as node with tsx's hook. */
export function runEntry(entry: string, args: string[], options: { env?: NodeJS.ProcessEnv; timeout?: number } = {}) {
  return spawnSync(process.execPath, tsEntry(entry, ...args), { cwd: ROOT, encoding: 'utf8', ...options });
}

/** `scripts/<script>` run to its end (runEntry). */
export const runScript = (script: string, args: string[], options?: Parameters<typeof runEntry>[2]) =>
  runEntry(path.join(ROOT, 'scripts', script), args, options);

export interface SuiteRun {
  exitCode: number;
  output: string;
  report?: ConformanceReport;
}

/** Runs `npm run conformance` in a child process, the way a user does, with its own report folder. */
export function runSuite(env: Record<string, string>, args: string[] = [], reportDir?: string): Promise<SuiteRun> {
  return run(CLI, args, env, reportDir ?? fs.mkdtempSync(path.join(ROOT, 'test-results', 'suite-run-')));
}

/** Runs `npm run conformance:glance` (real Glance on loopback, then the suite against it) in a child process. */
export function runAgainstRealGlance(args: string[], reportDir: string, env: Record<string, string> = {}) {
  return run(path.join(ROOT, 'scripts', 'conformance-glance.ts'), args, env, reportDir);
}

async function run(entry: string, args: string[], env: Record<string, string>, dir: string): Promise<SuiteRun> {
  // The caller's own deployment variables must not leak into a run that names its target itself.
  const clean: NodeJS.ProcessEnv = { ...process.env };
  for (const key of Object.keys(clean)) if (/^(OS_|GLANCE_|REFERENCE_|CONFORMANCE_)/.test(key)) delete clean[key];
  const child = spawn(process.execPath, tsEntry(entry, ...args), {
    cwd: ROOT,
    env: {
      ...clean,
      CONFORMANCE_REPORT_DIR: dir,
      CONFORMANCE_OUTPUT_DIR: path.join(dir, 'test-results'),
      CONFORMANCE_WORKERS: '2',
      ...env,
    },
  });
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  const exitCode = await new Promise<number>((resolve) => child.on('exit', (code) => resolve(code ?? -1)));
  const file = path.join(dir, 'conformance.json');
  const report = fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, 'utf8')) as ConformanceReport) : undefined;
  return { exitCode, output, report };
}

export function verdictsOf(report: ConformanceReport | undefined): Record<string, string> {
  return Object.fromEntries((report?.requirements ?? []).map((r) => [r.id, r.verdict]));
}
