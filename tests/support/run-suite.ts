import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import type { ConformanceReport } from '../../reporting/model';

export { ROOT } from '../../harness/paths';
import { CLI, ROOT } from '../../harness/paths';

export interface SuiteRun {
  exitCode: number;
  output: string;
  report?: ConformanceReport;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** Runs `npm run conformance` in a child process, the way a user does, with its own report folder. */
export async function runSuite(
  env: Record<string, string>,
  args: string[] = [],
  reportDir?: string,
): Promise<SuiteRun> {
  const dir = reportDir ?? fs.mkdtempSync(path.join(ROOT, 'test-results', 'suite-run-'));
  const clean: NodeJS.ProcessEnv = { ...process.env };
  for (const key of Object.keys(clean)) if (/^(OS_|GLANCE_|REFERENCE_|CONFORMANCE_)/.test(key)) delete clean[key];
  const child = spawn(process.execPath, [require.resolve('tsx/cli'), CLI, ...args], {
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
