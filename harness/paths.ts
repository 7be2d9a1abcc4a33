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

/**
 * glibc malloc tunables for a reference server process (glibc 2.35 and later know them all; a glibc ignores a
 * tunable it does not know). Where GLIBC_TUNABLES already names one, the caller's value stands.
 */
const MALLOC_TUNABLES: ReadonlyArray<readonly [name: string, value: string]> = [
  ['glibc.malloc.hugetlb', '1'],
  ['glibc.malloc.arena_max', '1'],
  ['glibc.malloc.top_pad', String(16 * 1024 * 1024)],
];

/**
 * A reference server in a process of its own: Node's arguments and environment.
 * - Semispaces of 2 MiB instead of Node's 16: an upload makes a small object for every chunk it receives, and V8
 *   let a 16 MiB young generation fill before collecting it. The bench's peak RSS over a 1 GiB image went from
 *   image + 103 MiB to image + 90 MiB, at the same speeds.
 * - Transparent huge pages for malloc, where the kernel gives them on request (THP "madvise"): an image is stored
 *   in memory the process never used, and on this VM every fresh 4 KiB page costs a trip to the host (354 MiB/s
 *   first written, 604 MiB/s in huge pages). Uploads of 1 GiB went from 150-170 to 230-275 MiB/s, downloads from
 *   1.9-2.3 to 2.6-3.5 GiB/s.
 * - Huge pages make resident whatever malloc strands beside them, so it must strand little. One arena: each
 *   further one (a thread that allocates: libuv's pool, V8's helpers, the hashing worker) held huge pages of its
 *   own, ~14 MiB of peak RSS over a 1 GiB image. A 16 MiB top pad: without it, in 5 of 15 starts the main heap
 *   stopped growing in place early and malloc went on in separate mappings, whose leftovers huge pages made
 *   resident: image + 110-119 MiB instead of + 83-90. With a pad (of 4 or 16 MiB), none of 25 starts did.
 */
export function referenceServerProcess(
  args: string[],
  env: NodeJS.ProcessEnv = process.env,
): { argv: string[]; env: NodeJS.ProcessEnv } {
  const given = (env.GLIBC_TUNABLES ?? '').split(':').filter(Boolean);
  const named = new Set(given.map((tunable) => tunable.split('=')[0]));
  const added = MALLOC_TUNABLES.filter(([name]) => !named.has(name)).map(([name, value]) => `${name}=${value}`);
  return {
    argv: ['--max-semi-space-size=2', ...tsEntry(path.join(ROOT, 'reference-server', 'cli.ts'), ...args)],
    env: { ...env, GLIBC_TUNABLES: [...given, ...added].join(':') },
  };
}
