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
 * Node's arguments for a reference server in a process of its own. Semispaces of 2 MiB instead of Node's 16: an
 * upload makes a small object for every chunk it receives, and V8 let a 16 MiB young generation fill before
 * collecting it. The bench's peak RSS over a 1 GiB image went from image + 103 MiB to image + 90 MiB, at the
 * same upload and download speeds.
 */
export function referenceServerEntry(...args: string[]): string[] {
  return ['--max-semi-space-size=2', ...tsEntry(path.join(ROOT, 'reference-server', 'cli.ts'), ...args)];
}
