/**
 * The CPU the machine spent on work that is not the bench's own while the bench ran ("foreign load"), in CPUs.
 *
 * The 1-minute load average cannot judge a run on two cores: the bench itself keeps both busy, so at the end of
 * a run on an idle machine it reads ~1.7. Instead: the machine's busy time from /proc/stat, minus the CPU of the
 * bench's own processes — itself, every live descendant (suite runs, Playwright workers, the reference server)
 * and the process groups of servers it measures that it did not start (a Glance left running) — divided by the
 * run's wall time.
 *
 * A tree's CPU is the sum over its live processes of utime + stime + cutime + cstime: a child that ends is reaped
 * by its parent, whose cutime/cstime then carry it, so the sum only grows. A process that leaves the own set
 * without being reaped inside it (an orphan, a stopped Glance that was not ours) takes its CPU out of the sum:
 * such errors only ever make the foreign load higher.
 *
 * Busy means user, nice, system, irq, softirq and steal. Where the kernel charges interrupt work (loopback TCP at
 * GiB/s) to irq/softirq rather than to the process it runs in, that work of the bench's counts as foreign: the
 * measure errs on the side of refusing PASS. (Leaving irq and softirq out made the bench's own CPU exceed the
 * machine's busy time by 4 s in a 100 s run: this kernel charges that time to the process too.)
 */
import { readdirSync, readFileSync } from 'node:fs';

/** /proc reports process and machine times in USER_HZ ticks, 100 per second on Linux. */
export const TICKS = 100;

export interface ProcessTimes {
  pid: number;
  ppid: number;
  pgid: number;
  /** Start time in ticks since boot: with the pid, names a process even when pids are reused. */
  start: number;
  /** utime + stime + cutime + cstime, in ticks. */
  ticks: number;
  /** utime + stime alone (the process and its threads, not its reaped children), in ticks. */
  selfTicks: number;
}

/** Fields of /proc/PID/stat after "pid (comm) " (comm may hold spaces and parentheses). */
export function parseStat(text: string): ProcessTimes | null {
  const close = text.lastIndexOf(')');
  if (close < 0) return null;
  const pid = Number(text.slice(0, text.indexOf(' ')));
  const f = text.slice(close + 2).split(' ');
  // f[0] is field 3 (state): ppid 4, pgrp 5, utime 14, stime 15, cutime 16, cstime 17, starttime 22.
  const selfTicks = Number(f[11]) + Number(f[12]);
  const ticks = selfTicks + Number(f[13]) + Number(f[14]);
  if (!Number.isFinite(ticks)) return null;
  return { pid, ppid: Number(f[1]), pgid: Number(f[2]), start: Number(f[19]), ticks, selfTicks };
}

function readProcesses(): ProcessTimes[] {
  const all: ProcessTimes[] = [];
  for (const entry of readdirSync('/proc')) {
    if (entry.charCodeAt(0) < 48 || entry.charCodeAt(0) > 57) continue;
    try {
      const times = parseStat(readFileSync(`/proc/${entry}/stat`, 'latin1'));
      if (times) all.push(times);
    } catch {
      // ended meanwhile
    }
  }
  return all;
}

/** user + nice + system + irq + softirq + steal of all CPUs, in ticks: everything but idle and iowait. */
export function parseMachineBusy(procStat: string): number {
  const f = procStat.slice(0, procStat.indexOf('\n')).trim().split(/\s+/).slice(1).map(Number);
  return f[0] + f[1] + f[2] + (f[5] ?? 0) + (f[6] ?? 0) + (f[7] ?? 0);
}

/** The processes of `all` that are `root` or descend from it, or belong to one of `groups`, or descend from those. */
export function ownProcesses(all: ProcessTimes[], root: number, groups: ReadonlySet<number>): ProcessTimes[] {
  const byPid = new Map(all.map((p) => [p.pid, p]));
  const verdicts = new Map<number, boolean>();
  const isOwn = (p: ProcessTimes): boolean => {
    const known = verdicts.get(p.pid);
    if (known !== undefined) return known;
    verdicts.set(p.pid, false); // a cycle (pid reuse between reads) is not ours
    const parent = byPid.get(p.ppid);
    const own = p.pid === root || groups.has(p.pgid) || (parent !== undefined && isOwn(parent));
    verdicts.set(p.pid, own);
    return own;
  };
  return all.filter(isOwn);
}

export interface OwnSample {
  /** Own process → its ticks, keyed by pid and start time. */
  ticks: Map<string, number>;
  /** Ticks since boot at which the sample was taken (from /proc/uptime). */
  at: number;
}

export function ownSample(own: ProcessTimes[], at: number): OwnSample {
  return { ticks: new Map(own.map((p) => [`${p.pid}:${p.start}`, p.ticks])), at };
}

/**
 * Own CPU ticks between two samples: the growth of the own sum, where a process that joined the own set but had
 * started before the previous sample (a server found later) brings none of its earlier CPU. Negative when a
 * process left the set unreaped; not clipped, so that a child seen both alive and in its parent's cutime (a
 * sample taken while it was being reaped) is not counted twice.
 */
export function ownTicksBetween(previous: OwnSample, next: OwnSample): number {
  let before = 0;
  for (const ticks of previous.ticks.values()) before += ticks;
  let after = 0;
  for (const [key, ticks] of next.ticks) {
    const startedEarlier = !previous.ticks.has(key) && Number(key.split(':')[1]) <= previous.at;
    if (!startedEarlier) after += ticks;
  }
  return after - before;
}

export interface ForeignLoad {
  seconds: number;
  /** Busy CPU seconds of the whole machine (user, nice, system, irq, softirq, steal). */
  machineCpuSeconds: number;
  /** CPU seconds of the bench's own processes. */
  ownCpuSeconds: number;
  /** (machine − own) / seconds: how many CPUs other work kept busy on average. */
  load: number;
}

/**
 * Samples the own set every `intervalMs` (and on demand) from start() to finish(). Null from finish() where
 * there is no /proc.
 */
export class ForeignLoadMeter {
  private readonly groups = new Set<number>();
  private startBusy = 0;
  private startedAt = 0n;
  private last: OwnSample | null = null;
  private own = 0;
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly intervalMs = 2000) {}

  start(): void {
    try {
      this.startBusy = parseMachineBusy(readFileSync('/proc/stat', 'latin1'));
      this.startedAt = process.hrtime.bigint();
      this.last = this.take();
    } catch {
      this.last = null;
      return;
    }
    this.timer = setInterval(() => this.sample(), this.intervalMs);
    this.timer.unref();
  }

  /** The process groups of `pids` count as the bench's own from now on (a server it measures). */
  adopt(pids: number[]): void {
    if (this.last === null) return;
    for (const p of readProcesses()) if (pids.includes(p.pid)) this.groups.add(p.pgid);
    this.sample();
  }

  private take(): OwnSample {
    const uptime = Number(readFileSync('/proc/uptime', 'latin1').split(' ')[0]) * TICKS;
    return ownSample(ownProcesses(readProcesses(), process.pid, this.groups), uptime);
  }

  sample(): void {
    if (this.last === null) return;
    const next = this.take();
    this.own += ownTicksBetween(this.last, next);
    this.last = next;
  }

  finish(): ForeignLoad | null {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    if (this.last === null) return null;
    this.sample();
    const seconds = Number(process.hrtime.bigint() - this.startedAt) / 1e9;
    const machineCpuSeconds = (parseMachineBusy(readFileSync('/proc/stat', 'latin1')) - this.startBusy) / TICKS;
    const ownCpuSeconds = this.own / TICKS;
    this.last = null;
    return {
      seconds,
      machineCpuSeconds,
      ownCpuSeconds,
      load: Math.max(0, machineCpuSeconds - ownCpuSeconds) / seconds,
    };
  }
}
