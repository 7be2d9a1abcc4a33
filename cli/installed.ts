import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT, tsEntry } from '../harness/paths';

/**
 * Playwright compiles TypeScript only outside node_modules: in an installed package it would load the
 * specs uncompiled and fail. So an installed suite runs from a copy of itself in a temporary folder
 * (about 0.5 MB), whose node_modules is a link to the folder the package was installed into: the copy
 * runs exactly as the repository does, with the same dependencies. The copy is removed afterwards.
 */

export const installedAsPackage = (root = ROOT): boolean => root.split(path.sep).includes('node_modules');

export async function runFromCopy(argv: string[]): Promise<number> {
  const copy = fs.mkdtempSync(path.join(os.tmpdir(), 'glance-conformance-'));
  try {
    fs.cpSync(ROOT, copy, {
      recursive: true,
      filter: (src) => path.relative(ROOT, src).split(path.sep)[0] !== 'node_modules',
    });
    fs.symlinkSync(path.dirname(ROOT), path.join(copy, 'node_modules'), 'dir');
    // Dependencies npm could not hoist stay in the package's own node_modules.
    const nested = path.join(ROOT, 'node_modules');
    const env = fs.existsSync(nested)
      ? { ...process.env, NODE_PATH: [nested, process.env.NODE_PATH].filter(Boolean).join(path.delimiter) }
      : process.env;
    const child = spawn(process.execPath, tsEntry(path.join(copy, 'cli', 'main.ts'), ...argv), {
      stdio: 'inherit',
      env,
    });
    // The child gets Ctrl-C with the rest of the process group; a signal to this process alone is passed on.
    const forward = (signal: NodeJS.Signals) => child.kill(signal);
    process.on('SIGINT', forward);
    process.on('SIGTERM', forward);
    return await new Promise<number>((resolve) =>
      child.on('exit', (code, signal) => resolve(code ?? (signal ? 130 : 2))),
    );
  } finally {
    fs.rmSync(copy, { recursive: true, force: true });
  }
}
