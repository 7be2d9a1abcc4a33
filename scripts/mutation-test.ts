import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

/**
 * The test command of `npm run mutation` (Stryker's command runner): one run of the conformance
 * suite against the embedded reference server — the mutated one, since Stryker runs this in its
 * sandbox with __STRYKER_ACTIVE_MUTANT__ set — on a free port of its own and with its own report
 * folder, so that concurrent runs never meet. Exits with the suite's code: 0 only when the
 * reference server is still conformant, so any mutant that breaks a requirement is killed.
 *
 * To save time, a mutant is first judged by the spec file of the item its module implements (what
 * Stryker's per-test coverage analysis would do, which the command runner lacks); only when that
 * passes does the whole suite run. So the verdict is always the whole suite's, and killed mutants
 * usually cost one spec file (~7 s) instead of the whole suite (~14 s).
 * MUTATION_SHOW_MULTIPLE_LOCATIONS=false runs the suite in the other location mode.
 */
const ROOT = path.resolve(__dirname, '..');

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** Which spec files exercise each mutated module. */
const SPECS_OF: Record<string, string[]> = {
  'range.ts': ['specs/range.spec.ts'],
  'patch.ts': ['specs/locations.spec.ts'],
  'locations.ts': ['specs/locations.spec.ts'],
  'schemas.ts': ['specs/disk-format-ploop.spec.ts', 'specs/discovery.spec.ts'],
  'options.ts': ['specs/disk-format-ploop.spec.ts', 'specs/discovery.spec.ts'],
  'metadefs.ts': ['specs/hypervisor-vz.spec.ts'],
};

/** The module holding Stryker's active mutant (its instrumented code names every mutant id). */
function mutatedModule(): string | undefined {
  const id = process.env.__STRYKER_ACTIVE_MUTANT__;
  if (!id) return undefined;
  const marker = `stryMutAct_9fa48("${id}")`;
  return Object.keys(SPECS_OF).find((file) => {
    const source = path.join(ROOT, 'reference-server', file);
    return fs.existsSync(source) && fs.readFileSync(source, 'utf8').includes(marker);
  });
}

async function main(): Promise<number> {
  const module = mutatedModule();
  if (module) {
    const first = await runSuite(SPECS_OF[module]);
    if (first !== 0) return first;
  }
  return runSuite(process.argv.slice(2));
}

async function runSuite(args: string[]): Promise<number> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'glance-mutation-'));
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const key of Object.keys(env)) if (/^(OS_|GLANCE_|REFERENCE_|CONFORMANCE_)/.test(key)) delete env[key];
  Object.assign(env, {
    REFERENCE_PORT: String(await freePort()),
    REFERENCE_SHOW_MULTIPLE_LOCATIONS: process.env.MUTATION_SHOW_MULTIPLE_LOCATIONS ?? 'true',
    CONFORMANCE_REPORT_DIR: dir,
    CONFORMANCE_OUTPUT_DIR: path.join(dir, 'test-results'),
    CONFORMANCE_WORKERS: process.env.MUTATION_WORKERS ?? '2',
  });
  const child = spawn(process.execPath, [require.resolve('tsx/cli'), path.join(ROOT, 'scripts', 'conformance.ts'), ...args], {
    cwd: ROOT,
    env,
    stdio: process.env.MUTATION_VERBOSE ? 'inherit' : 'ignore',
  });
  const stop = (signal: NodeJS.Signals) => child.kill(signal);
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  const code = await new Promise<number>((resolve) => child.on('exit', (status) => resolve(status ?? 2)));
  process.off('SIGINT', stop);
  process.off('SIGTERM', stop);
  fs.rmSync(dir, { recursive: true, force: true });
  return code;
}

main().then((code) => process.exit(code), () => process.exit(2));
