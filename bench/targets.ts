/** The two servers under test: the reference server as its own process (RSS from /proc), and real Glance via the launcher. */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';

import { LAUNCHER, ROOT } from '../harness/paths';
export { ROOT };

/** VmRSS and VmHWM (peak) of a process in bytes, from /proc; null where there is no /proc. */
export function memoryOf(pid: number): { rss: number; peak: number } | null {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kib = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN) * 1024;
    return { rss: kib('VmRSS'), peak: kib('VmHWM') };
  } catch {
    return null;
  }
}

export interface ReferenceProcess {
  url: string;
  pid: number;
  /** Highest RSS seen so far: the kernel's VmHWM, and the 50 ms samples as a cross-check. */
  peakRss(): { hwm: number | null; sampled: number | null };
  rss(): number | null;
  stop(): Promise<void>;
}

/**
 * `reference-server/cli.ts --port 0` in a process of its own. Node runs it
 * with tsx's CommonJS hook (`--require tsx/cjs`; the project is CommonJS), so
 * the PID we hold is the server's and /proc/PID/status is its memory. `npx
 * tsx` would add a wrapper process, and its ESM hooks thread about 23 MiB of
 * RSS that has nothing to do with the server.
 */
export async function startReferenceProcess(): Promise<ReferenceProcess> {
  const child: ChildProcess = spawn(process.execPath, ['--require', 'tsx/cjs', path.join(ROOT, 'reference-server', 'cli.ts'), '--port', '0'], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('reference server did not print its URL within 30 s')), 30_000);
    const lines = createInterface({ input: child.stdout! });
    lines.on('line', (line) => {
      const match = /listening on (http:\/\/\S+)/.exec(line);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`reference server exited (${code}) before it was ready`));
    });
  }).catch((error: unknown) => {
    child.kill('SIGKILL');
    throw error;
  });
  const pid = child.pid!;
  let sampled: number | null = null;
  const sample = () => {
    const memory = memoryOf(pid);
    if (memory && (sampled === null || memory.rss > sampled)) sampled = memory.rss;
  };
  const sampler = setInterval(sample, 50);
  sampler.unref();
  return {
    url,
    pid,
    rss: () => memoryOf(pid)?.rss ?? null,
    peakRss: () => {
      sample();
      return { hwm: memoryOf(pid)?.peak ?? null, sampled };
    },
    stop: async () => {
      clearInterval(sampler);
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
        await exited;
        clearTimeout(timer);
      }
    },
  };
}

export interface GlanceLauncher {
  url: string;
  stop(): Promise<void>;
}

function run(file: string, args: string[], env: NodeJS.ProcessEnv): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile(file, args, { env, cwd: ROOT, maxBuffer: 16 * 1024 * 1024, timeout: 15 * 60_000 }, (error, stdout) =>
      error ? reject(error) : resolve(stdout),
    );
    child.stderr?.pipe(process.stderr);
  });
}

/**
 * Real Glance 25.1 from the project's launcher (installs python3-glance when
 * missing), in a state dir and on a port of the bench's own, so it never
 * touches the instance the conformance runs use.
 */
export async function startGlance(stateDir: string, port: number): Promise<GlanceLauncher> {
  const env = { ...process.env, GLANCE_STATE_DIR: stateDir, GLANCE_PORT: String(port), GLANCE_SHOW_MULTIPLE_LOCATIONS: 'True', GLANCE_AUTH: 'none' };
  const stop = async () => {
    await run('bash', [path.join(LAUNCHER, 'stop.sh'), stateDir], env).catch((error: Error) =>
      process.stderr.write(`bench: stopping real Glance failed: ${error.message}\n`),
    );
  };
  let out: string;
  try {
    out = await run('bash', [path.join(LAUNCHER, 'start.sh'), stateDir], env);
  } catch (error) {
    await stop();
    throw new Error(`real Glance did not start: ${(error as Error).message.split('\n')[0]}`);
  }
  const url = out.trim().split('\n').pop()!;
  return { url, stop };
}
