// @ts-check
/**
 * Stryker test runner of `npm run mutation` ('playwright-batch'): the conformance suite judges the
 * mutants, through Playwright (scripts/mutation-playwright.config.ts), with the reference server in each
 * worker's own process (scripts/mutation-target.ts).
 *
 * Dry run: the whole suite, in each of the MODES, recording which tests reach which
 * mutant (per-test coverage). Mutant runs: a Playwright run, or even a worker, per mutant would cost more
 * than the tests, so the first mutantRun call judges every covered mutant in a few Playwright runs, and
 * each call answers from their results. Hence concurrency 1 for Stryker (parallelism is Playwright's
 * workers, MUTATION_WORKERS) and a timeoutMS that lets the first call wait; each test's own timeout
 * (MUTATION_TEST_TIMEOUT_MS) catches hangs.
 *
 * Rounds: each undecided mutant gets its next 2, then 6, then all remaining covering tests (broad tests
 * first, then those that detected most mutants so far), so most mutants cost a test or two and a survivor
 * has met every test that reaches it. A round packs (mutant, test) pairs into projects, each test at
 * most once per project, and a worker switches the mutant between tests. A failure counts only if the
 * worker saw the mutant's code run during that test; otherwise (state left behind by another mutant)
 * the mutant is judged again alone, as is one whose test timed out beside others.
 * Mutants in module-level code (static coverage) get a project of their own, on before the modules load,
 * with the tests that reach any code of their module.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { commonTokens, declareClassPlugin, PluginKind, tokens } from '@stryker-mutator/api/plugin';
import { DryRunStatus, MutantRunStatus, TestStatus } from '@stryker-mutator/api/test-runner';

const require = createRequire(import.meta.url);
const PLAYWRIGHT_CLI = require.resolve('@playwright/test/cli');
const CONFIG = path.join('scripts', 'mutation-playwright.config.ts');

/**
 * The two show_multiple_locations modes without authentication (the hidden one judges the 403s of
 * LOC-HIDDEN-403), and the shown one in token mode with a member, an admin and a service identity (the rules
 * only a caller who is not an admin meets). In that order a test is preferred: a later mode adds the tests (and
 * code) that only it reaches.
 */
const MODES = [
  { name: 'shown', showMultipleLocations: true, identities: false },
  { name: 'hidden', showMultipleLocations: false, identities: false },
  { name: 'identities', showMultipleLocations: true, identities: true },
];
const WORKERS = Number(process.env.MUTATION_WORKERS || 2);
// The slowest test takes under 0.3 s against the reference server: a mutant that leaves a request unanswered
// costs a timeout in a shared worker and another alone, and a slow neighbour's false timeout is confirmed alone.
const TEST_TIMEOUT_MS = Number(process.env.MUTATION_TEST_TIMEOUT_MS || 2_500);

/** @returns {Promise<number>} */
function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = /** @type {net.AddressInfo} */ (server.address());
      server.close(() => resolve(port));
    });
  });
}

/**
 * @typedef {import('./mutation-plan').MutationResult} Result
 * @typedef {{ name: string, mutant?: string, tests?: string[], assign?: Record<string, string> }} Project
 * @typedef {import('@stryker-mutator/api/test-runner').MutantRunResult} Verdict
 */

/**
 * One Playwright run of the suite. The exit code only says whether some test failed — expected for
 * mutants — so the results come from the reporter's and the workers' files.
 * @typedef {import('./mutation-plan').MutationPlan} Plan
 * @typedef {'showMultipleLocations' | 'identities' | 'coverage' | 'baseline' | 'reload'} BatchKeys
 * @param {Pick<Plan, BatchKeys> & { projects: Project[] }} batch
 */
async function runPlaywright(batch) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'glance-mutation-'));
  const ports = [];
  for (let i = 0; i < WORKERS; i++) ports.push(await freePort());
  const plan = { ...batch, workers: WORKERS, ports, timeout: TEST_TIMEOUT_MS, dir };
  fs.writeFileSync(path.join(dir, 'plan.json'), JSON.stringify(plan));
  const env = { ...process.env, MUTATION_PLAN_DIR: dir };
  for (const key of Object.keys(env)) {
    if (/^(OS_|GLANCE_|REFERENCE_|CONFORMANCE_)|^__STRYKER_ACTIVE_MUTANT__$/.test(key)) delete env[key];
  }
  await new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [PLAYWRIGHT_CLI, 'test', '-c', CONFIG], {
      cwd: process.cwd(),
      env,
      stdio: 'ignore',
    });
    child.once('error', reject);
    child.once('exit', resolve);
  });
  /** @param {string} name */
  const lines = (name) => {
    const file = path.join(dir, name);
    return fs.existsSync(file)
      ? fs
          .readFileSync(file, 'utf8')
          .split('\n')
          .filter(Boolean)
          .map((line) => JSON.parse(line))
      : [];
  };
  /** @type {Result[]} */
  const results = lines('results.jsonl');
  /** Mutant → tests during which its code ran. @type {Map<string, Set<string>>} */
  const hit = new Map();
  for (const { key, mutant, hits } of lines('hits.jsonl')) {
    if (hits > 0) hit.set(mutant, (hit.get(mutant) ?? new Set()).add(key));
  }
  return { results, hit, dir };
}

/** @param {string} status */
const testStatus = (status) =>
  status === 'passed' ? TestStatus.Success : status === 'skipped' ? TestStatus.Skipped : TestStatus.Failed;

/** Tests per mutant in each round; the last repeats until every covering test has run. */
const ROUNDS = [2, 6, Infinity];
/** Shared projects a round aims at: a test already in that many goes to a mutant's next-best test instead. */
const PROJECTS_PER_ROUND = 6;

/** Which module each mutant is in, from the instrumented sources in the sandbox (the working directory). */
function modulesOfMutants() {
  /** @type {Map<string, string>} */
  const modules = new Map();
  /** @param {string} dir */
  const walk = (dir) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const file = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(file);
      else if (entry.name.endsWith('.ts')) {
        for (const [, id] of fs.readFileSync(file, 'utf8').matchAll(/stryMutAct_9fa48\("(\d+)"\)/g))
          modules.set(id, file);
      }
    }
  };
  walk(path.join(process.cwd(), 'reference-server'));
  return modules;
}

class PlaywrightBatchRunner {
  static inject = tokens(commonTokens.logger);

  /** @param {import('@stryker-mutator/api/logging').Logger} logger */
  constructor(logger) {
    this.logger = logger;
    /** Dry-run status of each test, per mode: key → passed | skipped. */
    /** @type {Record<string, Record<string, string>>} */
    this.baseline = {};
    /** @type {{ static: Record<string, number>, perTest: Record<string, Record<string, number>> }} */
    this.coverage = { static: {}, perTest: {} };
    /** @type {Promise<Map<string, Verdict>> | undefined} */
    this.batch = undefined;
  }

  async capabilities() {
    return { reloadEnvironment: true };
  }

  async init() {}

  async dryRun() {
    /** @type {import('@stryker-mutator/api/test-runner').TestResult[]} */
    const tests = [];
    for (const mode of MODES) {
      const { results, dir } = await runPlaywright({
        showMultipleLocations: mode.showMultipleLocations,
        identities: mode.identities,
        coverage: true,
        baseline: {},
        projects: [{ name: 'dry' }],
      });
      this.baseline[mode.name] = {};
      for (const r of results) {
        this.baseline[mode.name][r.key] = r.status;
        const id = `${mode.name}: ${r.key}`;
        const status = testStatus(r.status);
        tests.push(
          status === TestStatus.Failed
            ? { id, name: id, status, timeSpentMs: r.durationMs, failureMessage: r.error ?? r.status }
            : { id, name: id, status, timeSpentMs: r.durationMs },
        );
      }
      for (const file of fs.readdirSync(dir).filter((f) => f.startsWith('coverage-'))) {
        const { static: covered, perTest } = JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8'));
        for (const [mutant, hits] of Object.entries(covered))
          this.coverage.static[mutant] = (this.coverage.static[mutant] ?? 0) + hits;
        for (const [key, mutants] of Object.entries(perTest)) {
          const id = `${mode.name}: ${key}`;
          this.coverage.perTest[id] = { ...this.coverage.perTest[id], ...mutants };
        }
      }
      fs.rmSync(dir, { recursive: true, force: true });
    }
    return { status: DryRunStatus.Complete, tests, mutantCoverage: this.coverage };
  }

  /** @param {import('@stryker-mutator/api/test-runner').MutantRunOptions} options */
  async mutantRun({ activeMutant }) {
    this.batch ??= this.judgeAll();
    const verdict = (await this.batch).get(activeMutant.id);
    return (
      verdict ?? {
        status: MutantRunStatus.Error,
        errorMessage: `mutant ${activeMutant.id} was not judged: no test reaches it`,
      }
    );
  }

  /**
   * Every mutant with the tests that can detect it ('mode: key'), the tests that reach most mutants (and
   * check most behaviour) first: those that reached it, or for a mutant in module-level code those that
   * reached any mutant of its module.
   */
  candidates() {
    const modules = modulesOfMutants();
    /** @type {Map<string, Set<string>>} */
    const reachedBy = new Map();
    /** @type {Map<string, Set<string>>} */
    const moduleTests = new Map();
    /** @type {Map<string, number>} */
    const breadth = new Map();
    for (const [id, mutants] of Object.entries(this.coverage.perTest)) {
      const [mode, key] = [id.slice(0, id.indexOf(': ')), id.slice(id.indexOf(': ') + 2)];
      if (this.baseline[mode]?.[key] !== 'passed') continue;
      breadth.set(id, Object.keys(mutants).length);
      for (const mutant of Object.keys(mutants)) {
        reachedBy.set(mutant, (reachedBy.get(mutant) ?? new Set()).add(id));
        const module = modules.get(mutant);
        if (module) moduleTests.set(module, (moduleTests.get(module) ?? new Set()).add(id));
      }
    }
    /** @type {Map<string, { tests: string[], isolated: boolean, reload: boolean }>} */
    const candidates = new Map();
    for (const mutant of modules.keys()) {
      const reload = Boolean(this.coverage.static[mutant]);
      const reaching = (reload ? moduleTests.get(modules.get(mutant) ?? '') : reachedBy.get(mutant)) ?? new Set();
      // A test that reaches the mutant in several modes runs in the first of them only.
      const inEarlierMode = (/** @type {string} */ t) => {
        const mode = MODES.findIndex((m) => t.startsWith(`${m.name}: `));
        const key = t.slice(MODES[mode].name.length + 2);
        return MODES.slice(0, mode).some((m) => reaching.has(`${m.name}: ${key}`));
      };
      const tests = [...reaching].filter((t) => !inEarlierMode(t));
      tests.sort((a, b) => (breadth.get(b) ?? 0) - (breadth.get(a) ?? 0) || a.localeCompare(b));
      if (tests.length) candidates.set(mutant, { tests, isolated: false, reload });
    }
    return candidates;
  }

  async judgeAll() {
    const candidates = this.candidates();
    /** @type {Map<string, Verdict>} */
    const verdicts = new Map();
    /** Mutant → how many of its tests were planned, and how many reported a result. @type {Map<string, number>} */
    const done = new Map();
    /** @type {Map<string, number>} */
    const ran = new Map();
    /** Test → how often it ran with a mutant on, and how often it detected one (to order later rounds). */
    const runs = new Map();
    const detections = new Map();
    for (let round = 0; ; round++) {
      const undecided = [...candidates].filter(([m, c]) => !verdicts.has(m) && (done.get(m) ?? 0) < c.tests.length);
      if (!undecided.length) break;
      const started = Date.now();
      /** Status → how many tests ended so, and their time in workers: where a round's time goes. */
      const spent = new Map();
      /** Playwright projects of the round, each with workers of its own. */
      let projectCount = 0;
      const take = ROUNDS[Math.min(round, ROUNDS.length - 1)];
      /** @type {Map<string, string[]>} Mutant → tests of this round */
      const chosen = new Map();
      const rate = (/** @type {string} */ test) => (detections.get(test) ?? 0) / (runs.get(test) ?? 1);
      /** Test → shared projects of this round that already run it: each one more costs a worker. */
      const load = new Map();
      for (const [mutant, { tests, isolated }] of undecided) {
        const from = done.get(mutant) ?? 0;
        if (round) tests.splice(from, Infinity, ...tests.slice(from).sort((a, b) => rate(b) - rate(a)));
        // The best-ranked tests that do not need yet another project, then the least-run ones.
        const untried = tests.slice(from);
        const fits = isolated ? untried : untried.filter((t) => (load.get(t) ?? 0) < PROJECTS_PER_ROUND);
        const rest = untried.filter((t) => !fits.includes(t)).sort((a, b) => (load.get(a) ?? 0) - (load.get(b) ?? 0));
        const picked = [...fits, ...rest].slice(0, take);
        if (!isolated) for (const t of picked) load.set(t, (load.get(t) ?? 0) + 1);
        tests.splice(from, Infinity, ...picked, ...untried.filter((t) => !picked.includes(t)));
        chosen.set(mutant, picked);
      }
      for (const mode of MODES) {
        /** @type {Project[]} */
        const projects = [];
        /** Test → how many projects of this mode already run it. @type {Map<string, number>} */
        const slots = new Map();
        for (const [mutant, tests] of chosen) {
          const keys = tests.filter((t) => t.startsWith(`${mode.name}: `)).map((t) => t.slice(mode.name.length + 2));
          if (!keys.length) continue;
          if (candidates.get(mutant)?.isolated) {
            projects.push({ name: `m${mutant}`, mutant, tests: keys });
            continue;
          }
          for (const key of keys) {
            const slot = slots.get(key) ?? 0;
            slots.set(key, slot + 1);
            const name = `r${round}-${slot}`;
            let project = projects.find((p) => p.name === name);
            if (!project) projects.push((project = { name, assign: {} }));
            /** @type {Record<string, string>} */ (project.assign)[key] = mutant;
          }
        }
        if (!projects.length) continue;
        projectCount += projects.length;
        const baseline = this.baseline[mode.name];
        const { results, hit, dir } = await runPlaywright({
          showMultipleLocations: mode.showMultipleLocations,
          identities: mode.identities,
          coverage: false,
          reload: [...chosen.keys()].filter((m) => candidates.get(m)?.reload),
          baseline,
          projects,
        });
        fs.rmSync(dir, { recursive: true, force: true });
        for (const r of results) {
          const [count, ms] = spent.get(r.status) ?? [0, 0];
          spent.set(r.status, [count + 1, ms + (r.durationMs ?? 0)]);
          if (r.mutant) ran.set(r.mutant, (ran.get(r.mutant) ?? 0) + 1);
          const test = `${mode.name}: ${r.key}`;
          runs.set(test, (runs.get(test) ?? 0) + 1);
          if (r.status !== baseline[r.key]) detections.set(test, (detections.get(test) ?? 0) + 1);
          if (!r.mutant || verdicts.has(r.mutant) || r.status === baseline[r.key]) continue;
          const candidate = candidates.get(r.mutant);
          // A mutant in module-level code had a server of its own, loaded with it on: its failures are its own.
          const notItsOwn = !candidate?.reload && !hit.get(r.mutant)?.has(r.key);
          // A timeout in a shared worker may be the load of the tests beside it: confirmed alone before it counts.
          if (candidate && !candidate.isolated && (notItsOwn || r.status === 'timedOut')) {
            // Its code never ran in that test (something else failed it), or it timed out. Judge it again, alone,
            // starting with that test.
            const tests = [test, ...candidate.tests.filter((t) => t !== test)];
            candidates.set(r.mutant, { ...candidate, tests, isolated: true });
            done.set(r.mutant, 0);
            ran.set(r.mutant, 0);
            chosen.delete(r.mutant);
            continue;
          }
          verdicts.set(
            r.mutant,
            r.status === 'timedOut'
              ? { status: MutantRunStatus.Timeout, reason: `${test} timed out` }
              : {
                  status: MutantRunStatus.Killed,
                  killedBy: [test],
                  failureMessage: `${test}: ${r.status}${r.error ? ` — ${r.error}` : ''}`,
                  nrOfTests: (done.get(r.mutant) ?? 0) + 1,
                },
          );
        }
      }
      for (const [mutant, tests] of chosen) done.set(mutant, (done.get(mutant) ?? 0) + tests.length);
      this.logger.info(
        `round ${round + 1}: ${undecided.length} mutants undecided, ${[...chosen.values()].flat().length} tests, ` +
          `${Math.round((Date.now() - started) / 1000)} s; ${verdicts.size} detected so far; ` +
          `${projectCount} projects; in workers: ` +
          [...spent].map(([status, [count, ms]]) => `${count} ${status} ${Math.round(ms / 1000)} s`).join(', '),
      );
    }
    for (const [mutant, { tests }] of candidates) {
      if (verdicts.has(mutant)) continue;
      // A test that never reported (a grep that missed it, a crashed run) must not pass for a survivor.
      const reported = ran.get(mutant) ?? 0;
      verdicts.set(
        mutant,
        reported >= tests.length
          ? { status: MutantRunStatus.Survived, nrOfTests: tests.length }
          : {
              status: MutantRunStatus.Error,
              errorMessage: `only ${reported} of the ${tests.length} tests that reach it reported`,
            },
      );
    }
    return verdicts;
  }

  async dispose() {}
}

export const strykerPlugins = [declareClassPlugin(PluginKind.TestRunner, 'playwright-batch', PlaywrightBatchRunner)];
