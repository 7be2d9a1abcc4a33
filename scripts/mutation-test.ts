import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startReferenceServer } from '../reference-server';
import { requirements } from '../catalog/requirements';
import { CLI, ROOT } from '../harness/paths';

/**
 * The test command of `npm run mutation` (Stryker's command runner): one run of the conformance
 * suite (cli/main.ts, GLANCE_URL mode) against a reference server started here — the
 * mutated one, since Stryker runs this in its sandbox with __STRYKER_ACTIVE_MUTANT__ set — on a free
 * port of its own and with its own report folder, so that concurrent runs never meet. (Starting it
 * here rather than as Playwright's webServer saves a process start per run.) The run is gated
 * (`--expect`) on the verdicts the unmutated reference server gets — every requirement passes, the
 * other location mode's are not-applicable — so it exits 0 only when every verdict is unchanged:
 * a mutant that breaks any requirement, a SHOULD included (non-strict), is killed.
 *
 * To save time, a mutant is first judged by the spec file of the item its module implements (what
 * Stryker's per-test coverage analysis would do, which the command runner lacks); only when that
 * passes do the other spec files run. So the verdict is always the whole suite's, and killed mutants
 * usually cost one spec file instead of the whole suite.
 * Without a mutant (Stryker's dry run, or by hand), MUTATION_SHOW_MULTIPLE_LOCATIONS=false runs
 * the suite in the other location mode.
 */

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

/** All spec files, so that a survivor of its item's spec meets the rest of the suite too. */
function allSpecs(): string[] {
  return fs.readdirSync(path.join(ROOT, 'specs')).filter((f) => f.endsWith('.spec.ts')).sort().map((f) => `specs/${f}`);
}

/** One line per judged mutant (id, module, exit code) in MUTATION_LOG, to follow a long run. */
function log(module: string | undefined, code: number): void {
  const file = process.env.MUTATION_LOG;
  if (file && process.env.__STRYKER_ACTIVE_MUTANT__) fs.appendFileSync(file, `${process.env.__STRYKER_ACTIVE_MUTANT__}\t${module ?? '-'}\t${code}\n`);
}

async function main(): Promise<number> {
  const module = mutatedModule();
  const code = await judge(module);
  log(module, code);
  return code;
}

/** Runs `specs` against a fresh reference server in one location mode; 2 if the server cannot start. */
async function against(showMultipleLocations: boolean, specs: string[]): Promise<number> {
  let server;
  try {
    server = await startReferenceServer({ port: 0, show_multiple_locations: showMultipleLocations });
  } catch {
    return 2; // a mutant that keeps the server from starting is caught
  }
  try {
    return await runSuite(server.url, specs, showMultipleLocations);
  } finally {
    await server.close();
  }
}

/**
 * The suite in the default mode (show_multiple_locations on), then — for the location rules, whose
 * 403s only show while locations are hidden — in the other mode too, as tests/suite-vs-reference does.
 */
async function judge(module: string | undefined): Promise<number> {
  if (!module) return against(process.env.MUTATION_SHOW_MULTIPLE_LOCATIONS !== 'false', process.argv.slice(2));
  const first = await against(true, SPECS_OF[module]);
  if (first !== 0) return first;
  if (module === 'patch.ts') {
    const hidden = await against(false, SPECS_OF[module]);
    if (hidden !== 0) return hidden;
  }
  return against(true, allSpecs().filter((spec) => !SPECS_OF[module].includes(spec)));
}

/** The verdicts of the unmutated reference server in one location mode, as an expectations file. */
function baseline(dir: string, showMultipleLocations: boolean): string {
  const expectations: Record<string, { verdict: string; reason: string }> = {};
  for (const { id } of requirements) {
    const other = showMultipleLocations ? id === 'LOC-HIDDEN-403' : id.startsWith('LOC-') && id !== 'LOC-HIDDEN-403';
    if (other) expectations[id] = { verdict: 'not-applicable', reason: 'the other show_multiple_locations mode' };
  }
  const file = path.join(dir, 'reference-expectations.json');
  fs.writeFileSync(file, JSON.stringify({ expectations }));
  return file;
}

async function runSuite(url: string, args: string[], showMultipleLocations: boolean): Promise<number> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'glance-mutation-'));
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const key of Object.keys(env)) if (/^(OS_|GLANCE_|REFERENCE_|CONFORMANCE_)/.test(key)) delete env[key];
  Object.assign(env, {
    GLANCE_URL: url,
    CONFORMANCE_REPORT_DIR: dir,
    CONFORMANCE_OUTPUT_DIR: path.join(dir, 'test-results'),
    CONFORMANCE_WORKERS: process.env.MUTATION_WORKERS ?? '1',
  });
  const child = spawn(process.execPath, [require.resolve('tsx/cli'), CLI, '--expect', baseline(dir, showMultipleLocations), ...args], {
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
