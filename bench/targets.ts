/** The servers under test: the reference server as its own process (RSS from /proc), real Glance via the launcher. */
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { createInterface } from 'node:readline';

import { referenceServerProcess, ROOT } from '../harness/paths';
import { startGlance as launchGlance, stopGlance, type Release } from '../launcher/glance';
import { parseStat, TICKS } from './foreign-load';
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

/** User + system CPU seconds of a process and all its threads so far, from /proc; null where there is none. */
export function cpuSecondsOf(pid: number): number | null {
  try {
    const times = parseStat(readFileSync(`/proc/${pid}/stat`, 'latin1'));
    return times && times.selfTicks / TICKS;
  } catch {
    return null;
  }
}

/** cpuSecondsOf summed over `pids`; null when there are none or one cannot be read. */
export function cpuSecondsOfAll(pids: number[]): number | null {
  const seconds = pids.map(cpuSecondsOf);
  return pids.length === 0 || seconds.includes(null) ? null : seconds.reduce<number>((sum, s) => sum + s!, 0);
}

/**
 * The processes holding a listening TCP socket on `port` (a forking server such as Glance: parent and workers),
 * found through /proc/net/tcp{,6} and each process's file descriptors. Empty where there is no /proc or the
 * processes are not ours to read.
 */
export function pidsListeningOn(port: number): number[] {
  const inodes = new Set<string>();
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text: string;
    try {
      text = readFileSync(table, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const fields = line.trim().split(/\s+/);
      // local_address is ADDR:PORT in hex; state 0A is LISTEN; the inode is the tenth field.
      if (fields.length > 9 && fields[3] === '0A' && parseInt(fields[1].split(':')[1], 16) === port)
        inodes.add(fields[9]);
    }
  }
  if (inodes.size === 0) return [];
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const fds = readdirSync(`/proc/${entry}/fd`);
      if (fds.some((fd) => inodes.has(/^socket:\[(\d+)\]$/.exec(readlinkSafe(`/proc/${entry}/fd/${fd}`))?.[1] ?? ''))) {
        pids.push(Number(entry));
      }
    } catch {
      // gone, or not ours
    }
  }
  return pids;
}

function readlinkSafe(file: string): string {
  try {
    return readlinkSync(file);
  } catch {
    return '';
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
  const server = referenceServerProcess(['--port', '0']);
  const child: ChildProcess = spawn(process.execPath, server.argv, {
    cwd: ROOT,
    env: server.env,
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

/**
 * Real Glance of a release from the project's launcher (installed or built on first use), in a state dir and on a
 * port of the bench's own, so it never touches the instance the conformance runs use.
 */
export async function startGlance(stateDir: string, port: number, release: Release = '25.1'): Promise<GlanceLauncher> {
  try {
    const glance = await launchGlance({
      stateDir,
      port,
      release,
      log: (line) => process.stderr.write(`bench: ${line}\n`),
    });
    return { url: glance.url, stop: glance.stop };
  } catch (error) {
    await stopGlance(stateDir).catch(() => undefined);
    throw new Error(`real Glance ${release} did not start: ${(error as Error).message.split('\n')[0]}`, {
      cause: error,
    });
  }
}
