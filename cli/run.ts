import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { findRequirement } from '../catalog/requirements';
import { loadSuiteConfig, ROOT, type SuiteConfig } from '../harness/config';
import { TargetUnusable } from '../harness/errors';
import { http } from '../harness/http';
import { describeTarget, discoverTarget, endpointOf } from '../harness/target';
import { VARIABLE_GROUPS } from '../harness/variables';
import { announceEmbedded, chooseEmbeddedPort, serveEmbedded } from './embedded';
import { describeDifferences, gate, readExpectations } from '../reporting/expectations';
import { EXIT_CODE, type ConformanceReport } from '../reporting/model';

/**
 * `npm run conformance [-- [--expect FILE] [--strict] [--list] playwright args]`: names the target, checks that
 * it can be judged at all (one clear line and exit 2 if not), runs the suite, and exits 0 conformant /
 * 1 non-conformant / 2 not judged. With `--expect FILE` (or CONFORMANCE_EXPECT) it exits 0 exactly when every
 * verdict matches that baseline instead. No verdict comes without a request behind it: a run that judged
 * nothing, a Playwright run that ended in error, or images left on the target all end in exit 2.
 */

const OPTIONS = {
  expect: { type: 'string' },
  strict: { type: 'boolean' },
  list: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

const say = (line: string) => console.log(`glance-conformance: ${line}`);
const complain = (line: string) => console.error(`glance-conformance: ${line}`);

export class UsageError extends Error {}

interface RunArgs {
  expect?: string;
  strict: boolean;
  list: boolean;
  help: boolean;
  /** Everything that is not ours goes on to Playwright unchanged (`--grep @ID`, file filters, `--workers`). */
  playwright: string[];
}

export function parseRunArgs(argv: string[], env: NodeJS.ProcessEnv = process.env): RunArgs {
  const { values, tokens } = parseArgs({
    args: argv,
    options: OPTIONS,
    strict: false,
    allowPositionals: true,
    tokens: true,
  });
  // parseArgs names a short option by its long name, so these are all of ours.
  const ours = new Set(Object.keys(OPTIONS));
  // An unknown option's value arrives as a positional token of its own: both go on, in their order.
  const forwarded = new Set(tokens.filter((t) => !(t.kind === 'option' && ours.has(t.name))).map((t) => t.index));
  const playwright = argv.filter((_, i) => forwarded.has(i));
  if (playwright.some((a) => /^--trace\b/.test(a))) {
    throw new UsageError('--trace is refused: Playwright traces record request headers, tokens included');
  }
  if (typeof values.expect === 'boolean' || values.expect === '')
    throw new UsageError('--expect needs a file: --expect FILE');
  for (const flag of ['strict', 'list', 'help'] as const) {
    if (typeof values[flag] === 'string') throw new UsageError(`--${flag} takes no value`);
  }
  const expect = (values.expect as string | undefined) ?? (env.CONFORMANCE_EXPECT || undefined);
  return {
    expect: expect && path.resolve(expect),
    strict: Boolean(values.strict),
    list: Boolean(values.list),
    help: Boolean(values.help),
    playwright,
  };
}

export function helpText(): string {
  const lines = [
    'usage: glance-conformance [run] [--expect FILE] [--strict] [--list] [PLAYWRIGHT OPTIONS…]',
    '       glance-conformance cleanup [--run ID]',
    '',
    'Judges an OpenStack Glance Image API v2 deployment requirement by requirement; reports in reports/.',
    'Exit 0 conformant, 1 non-conformant, 2 could not run or could not judge (one line says why).',
    '',
    'Options:',
    '  --expect FILE   exit 0 exactly when every verdict matches this baseline (expectations/*.json)',
    '  --strict        SHOULD findings (non-strict) fail the run too',
    '  --list          print the requirements and their tests; runs nothing, writes no report',
    '  -h, --help      this text',
    '  anything else goes to Playwright Test, e.g. --grep @RANGE-SUFFIX-206, specs/range.spec.ts, --workers 2',
    '',
    'Variables (also read from .env; the environment wins; see .env.example):',
  ];
  for (const group of VARIABLE_GROUPS) {
    lines.push(`  ${group.title}`);
    for (const v of group.variables) lines.push(`    ${v.name.padEnd(34)} ${v.meaning}`);
  }
  return lines.join('\n');
}

function playwright(
  args: string[],
  stdio: 'inherit' | 'pipe',
  onSignal?: (signal: NodeJS.Signals) => void,
  stop?: AbortSignal,
) {
  const child = spawn(
    process.execPath,
    [require.resolve('@playwright/test/cli'), 'test', '-c', path.join(ROOT, 'playwright.config.ts'), ...args],
    {
      cwd: ROOT,
      stdio: ['ignore', stdio, 'inherit'],
      env: process.env,
    },
  );
  stop?.addEventListener('abort', () => child.kill('SIGTERM'));
  let stdout = '';
  child.stdout?.on('data', (d: Buffer) => (stdout += d));
  const forward = (signal: NodeJS.Signals) => {
    onSignal?.(signal);
    child.kill(signal);
  };
  process.on('SIGINT', forward);
  process.on('SIGTERM', forward);
  return new Promise<{ code: number; stdout: string }>((resolve) => {
    child.on('exit', (status, signal) => {
      process.off('SIGINT', forward);
      process.off('SIGTERM', forward);
      resolve({ code: status ?? (signal ? 130 : 2), stdout });
    });
  });
}

interface ListedSuite {
  suites?: ListedSuite[];
  specs?: Array<{ title: string; file: string; line: number; tags: string[] }>;
}

/** `--list`: what a run would judge, by requirement, from Playwright's own collection of the tests. */
async function list(args: string[]): Promise<number> {
  const { code, stdout } = await playwright(['--list', '--reporter=json', ...args], 'pipe');
  let doc: { suites?: ListedSuite[]; errors?: Array<{ message?: string }> };
  try {
    doc = JSON.parse(stdout);
  } catch {
    complain(`could not list the tests (Playwright exited ${code})`);
    return 2;
  }
  const byRequirement = new Map<string, string[]>();
  const walk = (suite: ListedSuite) => {
    for (const spec of suite.specs ?? []) {
      const id = spec.tags.map((t) => t.replace(/^@/, '')).find((t) => findRequirement(t));
      if (!id) continue;
      byRequirement.set(id, [...(byRequirement.get(id) ?? []), `${spec.file}:${spec.line}  ${spec.title}`]);
    }
    suite.suites?.forEach(walk);
  };
  doc.suites?.forEach(walk);
  if (!byRequirement.size) {
    complain(
      `no test matches${args.length ? ` ${args.join(' ')}` : ''}` +
        (doc.errors?.length ? `: ${doc.errors[0].message?.split('\n')[0]}` : ''),
    );
    return 2;
  }
  for (const [id, tests] of byRequirement) {
    const r = findRequirement(id)!;
    console.log(`${id} (${r.level}) ${r.title}`);
    for (const t of tests) console.log(`    ${t}`);
  }
  const count = [...byRequirement.values()].reduce((n, t) => n + t.length, 0);
  console.log(`${byRequirement.size} requirement(s), ${count} test(s)`);
  return 0;
}

/**
 * For a deployment, proves it can be judged at all (one line and exit 2 if not); then names the target on the
 * run's first line, and how it is reached (TLS, proxy) on the next ones.
 */
async function preflight(config: SuiteConfig): Promise<void> {
  if (config.target.kind === 'embedded') {
    say(`${describeTarget(config)}; run id ${config.runId}`);
    for (const line of http().describe(endpointOf(config, { method: 'none', token: async () => undefined }))) say(line);
    return;
  }
  const info = await discoverTarget(config);
  const version = info.currentVersion ?? 'version unknown';
  say(`${describeTarget(config)} → ${info.url} (Image API ${version}, auth: ${info.auth}); run id ${config.runId}`);
  for (const line of http().describe(info.url)) say(line);
}

function readLeftovers(config: SuiteConfig): string[] {
  try {
    return JSON.parse(fs.readFileSync(config.leftoversFile, 'utf8')) as string[];
  } catch {
    return [];
  }
}

/** Why a report's verdict was not earned by any request, or undefined when some requirement was judged. */
function nothingJudged(report: ConformanceReport): string | undefined {
  const s = report.summary;
  if (s.pass + s.fail + s['non-strict'] > 0) return undefined;
  if (s.total === 0) return 'no test ran (does a --grep or file filter match any test? --list shows them)';
  return `of ${s.total} requirement(s), ${s['not-applicable']} not applicable and ${s.error} in error`;
}

export async function runConformance(argv: string[]): Promise<number> {
  let args: RunArgs;
  try {
    args = parseRunArgs(argv);
  } catch (e) {
    complain(`${(e as Error).message} (--help lists the options)`);
    return 2;
  }
  if (args.help) {
    console.log(helpText());
    return 0;
  }
  if (args.list) return list(args.playwright);
  // SHOULD findings fail the run: the reporter reads CONFORMANCE_STRICT in the Playwright process.
  if (args.strict) process.env.CONFORMANCE_STRICT = '1';
  const expectations = args.expect ? readExpectations(args.expect) : undefined;
  let config: SuiteConfig;
  try {
    await chooseEmbeddedPort();
    config = loadSuiteConfig();
    await preflight(config);
  } catch (e) {
    if (!(e instanceof TargetUnusable)) throw e;
    complain(e.message);
    return 2;
  }

  const reportFile = path.join(config.reportDir, 'conformance.json');
  fs.rmSync(reportFile, { force: true });
  fs.rmSync(config.leftoversFile, { force: true });
  // An interrupted run judged only part of the suite, whatever its report says: never a pass.
  let interrupted: NodeJS.Signals | undefined;
  // Playwright starts first: its start-up and the server's (in this process) overlap, and global setup waits
  // for the server to answer (fixtures/global-setup.ts).
  const stop = new AbortController();
  announceEmbedded(config);
  const run = playwright(args.playwright, 'inherit', (signal) => (interrupted = signal), stop.signal);
  let embedded: Awaited<ReturnType<typeof serveEmbedded>>;
  try {
    embedded = await serveEmbedded(config);
  } catch (e) {
    stop.abort();
    await run;
    complain(`the embedded reference server could not start: ${(e as Error).message}`);
    return 2;
  }
  const { code } = await run.finally(() => embedded?.close());
  const cleanupHint = `npm run cleanup -- --run ${config.runId} removes what it left`;
  if (interrupted) {
    complain(
      `interrupted (${interrupted}) before every requirement was judged; run id ${config.runId} (${cleanupHint})`,
    );
    return 2;
  }
  const leftovers = readLeftovers(config);
  if (leftovers.length)
    complain(`the final sweep could not delete ${leftovers.length} image(s): ${leftovers.join(', ')} (${cleanupHint})`);
  if (!fs.existsSync(reportFile)) {
    complain(`the run produced no report (Playwright exited ${code}); see the output above`);
    return 2;
  }
  const report = JSON.parse(fs.readFileSync(reportFile, 'utf8')) as ConformanceReport;
  let gated: number | undefined;
  if (expectations) {
    const differences = gate(report, expectations);
    console.log(describeDifferences(differences, path.relative(ROOT, args.expect!)));
    gated = differences.length;
  }
  const { exit, complaint } = exitOf({ playwright: code, report, leftovers: leftovers.length, gated });
  if (complaint) complain(complaint);
  return exit;
}

/**
 * The run's exit code from what Playwright, the report, the final sweep and a baseline gate said: 2 for anything
 * not earned by a request (nothing judged, Playwright in error, images left behind), else by the verdict or, with a
 * baseline, 0 exactly when no verdict differs.
 */
export function exitOf(o: { playwright: number; report: ConformanceReport; leftovers: number; gated?: number }): {
  exit: number;
  complaint?: string;
} {
  const unearned = nothingJudged(o.report);
  if (unearned) return { exit: 2, complaint: `nothing was judged: ${unearned}` };
  // The reporter makes a conformant run exit 0; anything else from Playwright with such a report means it
  // ended in an error outside the tests (a spec that failed to load, a broken setup or teardown).
  if (o.playwright !== 0 && o.report.verdict === 'conformant') {
    return {
      exit: 2,
      complaint: `Playwright ended in error (exit ${o.playwright}) outside the tests; see the output above`,
    };
  }
  if (o.leftovers) return { exit: 2 };
  if (o.gated !== undefined) return { exit: o.gated ? 1 : 0 };
  return { exit: EXIT_CODE[o.report.verdict] };
}
