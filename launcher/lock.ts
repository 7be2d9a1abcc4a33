/**
 * A lock file between processes (two tests must not build the same root, nor start the same state dir, at once).
 * The holder writes its pid and start time; a lock whose holder is gone is taken over, so a killed run does not
 * block the next one.
 */
import fs from 'node:fs';
import path from 'node:path';
import { LaunchError, startTimeOf } from './supervisor';

function holderAlive(file: string): boolean {
  try {
    const [pid, startTime] = fs.readFileSync(file, 'utf8').trim().split(/\s+/);
    return Number(pid) > 0 && startTimeOf(Number(pid)) === startTime;
  } catch {
    // a lock file being written this very moment counts as held
    return fs.existsSync(file);
  }
}

export async function withLock<T>(file: string, waitMs: number, what: string, fn: () => Promise<T>): Promise<T> {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const me = `${process.pid} ${startTimeOf(process.pid)}\n`;
  const deadline = Date.now() + waitMs;
  for (;;) {
    try {
      fs.writeFileSync(file, me, { flag: 'wx' });
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    if (!holderAlive(file)) {
      // Moved aside rather than deleted: of two processes that found it stale, one rename fails (ENOENT) and both
      // then compete on the exclusive create above.
      try {
        fs.renameSync(file, `${file}.stale-${process.pid}`);
        fs.rmSync(`${file}.stale-${process.pid}`, { force: true });
      } catch {
        // the other process moved it first
      }
      continue;
    }
    if (Date.now() > deadline) throw new LaunchError(`${what}: ${file} is still held after ${waitMs / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  try {
    return await fn();
  } finally {
    if (fs.readFileSync(file, 'utf8') === me) fs.rmSync(file, { force: true });
  }
}
