import path from 'node:path';

/** The project's root: every other path of the project is derived from here, nowhere else. */
export const ROOT = path.resolve(__dirname, '..');

/** Where long-lived local state (real Glance, Keystone, caches) lives; ignored by git. */
export const STATE_DIR = path.join(ROOT, '.state');

/** The command-line entry point (`glance-conformance`, the package's bin). */
export const CLI = path.join(ROOT, 'cli', 'main.ts');

/** The real-Glance/Keystone launcher (launcher/cli.ts, its config templates in launcher/config). */
export const LAUNCHER = path.join(ROOT, 'launcher');

/**
 * Node's arguments for running one of this package's TypeScript entry points: tsx's CommonJS hook in the same
 * process. tsx's own CLI would put a second Node process with an ESM loader in front (~0.5 s of CPU per run).
 */
export function tsEntry(entry: string, ...args: string[]): string[] {
  return ['--require', require.resolve('tsx/cjs'), entry, ...args];
}

/** HUGE_PAGES: glibc's malloc asks the kernel for transparent huge pages (glibc 2.35 and later; others ignore it). */
const HUGE_PAGES = 'glibc.malloc.hugetlb=1';

/**
 * A reference server in a process of its own: Node's arguments and environment.
 * - Semispaces of 2 MiB instead of Node's 16: an upload makes a small object for every chunk it receives, and V8
 *   let a 16 MiB young generation fill before collecting it. The bench's peak RSS over a 1 GiB image went from
 *   image + 103 MiB to image + 90 MiB, at the same speeds.
 * - Transparent huge pages for malloc, where the kernel gives them on request (THP "madvise"): an image is stored
 *   in memory the process never used, and on this VM every fresh 4 KiB page costs a trip to the host (354 MiB/s
 *   first written, 604 MiB/s in huge pages). Uploads of 1 GiB went from 200 to 270 MiB/s, downloads from 2.6 to
 *   3.1 GiB/s, with the same peak RSS. A GLIBC_TUNABLES that already sets it is left as it is.
 */
export function referenceServerProcess(
  args: string[],
  env: NodeJS.ProcessEnv = process.env,
): { argv: string[]; env: NodeJS.ProcessEnv } {
  const tunables = env.GLIBC_TUNABLES ?? '';
  return {
    argv: ['--max-semi-space-size=2', ...tsEntry(path.join(ROOT, 'reference-server', 'cli.ts'), ...args)],
    env: {
      ...env,
      GLIBC_TUNABLES: tunables.includes('glibc.malloc.hugetlb')
        ? tunables
        : [tunables, HUGE_PAGES].filter(Boolean).join(':'),
    },
  };
}
