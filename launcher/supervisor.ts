/**
 * One supervisor for every daemon the project starts (Glance, Keystone, stunnel, tinyproxy, …): each runs in a
 * process group of its own with its output in `<stateDir>/log/<name>.log`, is known by a pid file
 * `<stateDir>/run/<name>.pid` (so a later `stop` from another process finds it), counts as started once a URL
 * answers or a port accepts, and is stopped as a whole group (Glance forks workers).
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';

/** What tells that a daemon is ready: an HTTP answer (with this status, default 200) or an accepting TCP port. */
export type Readiness = { url: string; status?: number } | { port: number; host?: string };

export interface DaemonSpec {
  /** Names the pid file and the log; unique within a state dir. */
  name: string;
  command: string;
  args: string[];
  stateDir: string;
  ready: Readiness;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** How long the daemon may take to become ready (default 90 s); it is stopped when it does not. */
  timeoutMs?: number;
}

export interface Daemon {
  name: string;
  /** The group leader's pid, which is also the process group id. */
  pid: number;
  log: string;
  stop(): Promise<void>;
}

/** A daemon that could not be started, with the tail of its log in the message. */
export class LaunchError extends Error {}

const STOP_GRACE_MS = 10_000;
const POLL_MS = 200;

export const pidFile = (stateDir: string, name: string) => path.join(stateDir, 'run', `${name}.pid`);
export const logFile = (stateDir: string, name: string) => path.join(stateDir, 'log', `${name}.log`);

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Field 22 of /proc/PID/stat (start time in clock ticks since boot): a pid with another start time was reused. */
export function startTimeOf(pid: number): string | undefined {
  const fields = statFields(pid);
  return fields && fields[0] !== 'Z' ? fields[19] : undefined;
}

/** Fields of /proc/PID/stat after "pid (comm) " (comm may contain spaces and parentheses): [0] is the state. */
function statFields(pid: number | string): string[] | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return undefined;
  }
}

/**
 * Whether any live process is in the group. Zombies do not count: a daemon's parent that is busy (a test in
 * spawnSync) has not reaped it yet, but it is gone all the same.
 */
function groupAlive(pgid: number): boolean {
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const fields = statFields(entry);
    if (fields && fields[0] !== 'Z' && Number(fields[2]) === pgid) return true;
  }
  return false;
}

interface Recorded {
  pid: number;
  startTime: string;
}

function readPidFile(file: string): Recorded | undefined {
  try {
    const [pid, startTime] = fs.readFileSync(file, 'utf8').trim().split(/\s+/);
    return Number(pid) > 0 ? { pid: Number(pid), startTime } : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Whether the group recorded in a pid file is still the one we started: its leader alive with the recorded start
 * time, or the leader gone and members left (Linux does not hand out a pid that is still some group's id, so a
 * non-empty group under that id is ours).
 */
function recordedGroupIsOurs(recorded: Recorded): boolean {
  const now = startTimeOf(recorded.pid);
  if (now !== undefined) return now === recorded.startTime;
  return groupAlive(recorded.pid);
}

/** The pid of the named daemon of this state dir when it is still running, else undefined. */
export function runningPid(stateDir: string, name: string): number | undefined {
  const recorded = readPidFile(pidFile(stateDir, name));
  return recorded && recordedGroupIsOurs(recorded) ? recorded.pid : undefined;
}

/** Last lines of a daemon's log, for error messages. */
export function logTail(file: string, lines = 30): string {
  try {
    return fs
      .readFileSync(file, 'utf8')
      .split('\n')
      .slice(-lines - 1)
      .join('\n');
  } catch {
    return `(no log at ${file})`;
  }
}

/** Stops the named daemon of a state dir (SIGTERM to its group, SIGKILL after 10 s); true if one was running. */
export async function stopDaemon(stateDir: string, name: string): Promise<boolean> {
  const file = pidFile(stateDir, name);
  const recorded = readPidFile(file);
  if (!recorded || !recordedGroupIsOurs(recorded)) {
    fs.rmSync(file, { force: true });
    return false;
  }
  const pgid = recorded.pid;
  const signal = (sig: NodeJS.Signals) => {
    try {
      process.kill(-pgid, sig);
    } catch {
      // the group is gone already
    }
  };
  signal('SIGTERM');
  const deadline = Date.now() + STOP_GRACE_MS;
  while (groupAlive(pgid) && Date.now() < deadline) await sleep(POLL_MS);
  if (groupAlive(pgid)) {
    signal('SIGKILL');
    const killDeadline = Date.now() + 5_000;
    while (groupAlive(pgid) && Date.now() < killDeadline) await sleep(POLL_MS);
    if (groupAlive(pgid)) throw new LaunchError(`could not stop ${name} (process group ${pgid})`);
  }
  fs.rmSync(file, { force: true });
  return true;
}

/** True when something on the host accepts TCP connections on this port. */
export function portAccepts(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host });
    socket.setTimeout(2_000);
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
    socket.once('timeout', () => done(false));
  });
}

async function isReady(ready: Readiness): Promise<boolean> {
  if ('port' in ready) return portAccepts(ready.port, ready.host);
  try {
    const res = await fetch(ready.url, { signal: AbortSignal.timeout(3_000) });
    await res.arrayBuffer();
    return res.status === (ready.status ?? 200);
  } catch {
    return false;
  }
}

const describeReadiness = (ready: Readiness) =>
  'port' in ready ? `accept on ${ready.host ?? '127.0.0.1'}:${ready.port}` : `answer GET ${ready.url}`;

/** A free TCP port on loopback (the kernel's choice). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/**
 * Starts a daemon in its own process group (detached from the caller, so a Ctrl-C in the terminal does not reach
 * it), records it in its pid file and waits until it is ready. It fails, with the log's tail, when the daemon
 * exits first or is not ready in time (then it is stopped). A daemon of the same name still running from this
 * state dir is stopped first.
 */
export async function startDaemon(spec: DaemonSpec): Promise<Daemon> {
  const { name, stateDir } = spec;
  fs.mkdirSync(path.join(stateDir, 'run'), { recursive: true });
  fs.mkdirSync(path.join(stateDir, 'log'), { recursive: true });
  await stopDaemon(stateDir, name);
  const log = logFile(stateDir, name);
  const fd = fs.openSync(log, 'a');
  let exited: string | undefined;
  let pid: number;
  try {
    const child = spawn(spec.command, spec.args, {
      cwd: spec.cwd ?? stateDir,
      env: spec.env ?? process.env,
      detached: true,
      stdio: ['ignore', fd, fd],
    });
    const spawned = await new Promise<number>((resolve, reject) => {
      child.once('spawn', () => resolve(child.pid!));
      child.once('error', (error) =>
        reject(new LaunchError(`cannot start ${name} (${spec.command}): ${error.message}`)),
      );
    });
    pid = spawned;
    child.once('exit', (code, sig) => (exited = sig ? `signal ${sig}` : `exit code ${code}`));
    child.unref();
  } finally {
    fs.closeSync(fd);
  }
  fs.writeFileSync(pidFile(stateDir, name), `${pid} ${startTimeOf(pid) ?? ''}\n`);
  const daemon: Daemon = { name, pid, log, stop: async () => void (await stopDaemon(stateDir, name)) };
  const deadline = Date.now() + (spec.timeoutMs ?? 90_000);
  for (;;) {
    if (await isReady(spec.ready)) return daemon;
    if (exited) {
      await stopDaemon(stateDir, name);
      throw new LaunchError(`${name} exited during start-up (${exited}); ${log} ends with:\n${logTail(log)}`);
    }
    if (Date.now() > deadline) {
      await stopDaemon(stateDir, name);
      const seconds = Math.round((spec.timeoutMs ?? 90_000) / 1000);
      throw new LaunchError(
        `${name} did not ${describeReadiness(spec.ready)} within ${seconds} s (stopped); ` +
          `${log} ends with:\n${logTail(log)}`,
      );
    }
    await sleep(POLL_MS);
  }
}

/**
 * Runs a command to completion with its output appended to a log file (set-up steps: apt-get, glance-manage,
 * keystone-manage, debootstrap); a non-zero exit is a LaunchError carrying the log's tail.
 */
export async function runToLog(
  command: string,
  args: string[],
  log: string,
  options: { env?: NodeJS.ProcessEnv; cwd?: string; okCodes?: number[] } = {},
): Promise<number> {
  fs.mkdirSync(path.dirname(log), { recursive: true });
  const fd = fs.openSync(log, 'a');
  fs.writeSync(fd, `\n$ ${[command, ...args].join(' ')}\n`);
  try {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: ['ignore', fd, fd],
    });
    const code = await new Promise<number>((resolve, reject) => {
      child.once('error', (error) => reject(new LaunchError(`cannot run ${command}: ${error.message}`)));
      child.once('exit', (status, sig) => resolve(status ?? (sig ? 128 : 1)));
    });
    if (code !== 0 && !(options.okCodes ?? []).includes(code)) {
      throw new LaunchError(
        `${command} ${args.slice(0, 3).join(' ')} failed (exit ${code}); ${log} ends with:\n${logTail(log)}`,
      );
    }
    return code;
  } finally {
    fs.closeSync(fd);
  }
}
