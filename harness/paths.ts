import path from 'node:path';

/** The project's root: every other path of the project is derived from here, nowhere else. */
export const ROOT = path.resolve(__dirname, '..');

/** Where long-lived local state (real Glance, Keystone, caches) lives; ignored by git. */
export const STATE_DIR = path.join(ROOT, '.state');

/** The command-line entry point (`glance-conformance`, the package's bin). */
export const CLI = path.join(ROOT, 'cli', 'main.ts');

/** The real-Glance/Keystone launcher (launcher/cli.ts, its config templates in launcher/config). */
export const LAUNCHER = path.join(ROOT, 'launcher');
