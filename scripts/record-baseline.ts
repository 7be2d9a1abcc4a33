/**
 * `npx tsx scripts/record-baseline.ts [--release 25.1|2025.1]… [--flavour NAME]… [--parallel N]`: measures real
 * Glance with `conformance:glance` and writes its baselines (expectations/glance-<release><flavour>.json) from the
 * runs, never by hand. Every requirement that did not pass is listed with its verdict. A reason written by a person
 * for the same verdict is kept (it explains the fault better than an assertion message); otherwise the reason is
 * the run's own (what was expected and received, and the exchange), prefixed "measured:". Prints what changed.
 * Without options: every release and every flavour, two runs at a time.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { ROOT, tsEntry } from '../harness/paths';
import { isRelease, RELEASES, type Release } from '../launcher/glance';
import type { Expectations } from '../reporting/expectations';
import type { ConformanceReport } from '../reporting/model';
import { stripAnsi, summarize } from '../reporting/reasons';

/** The flavours measured for every release: file suffix, conformance:glance options, what the target is. */
export const FLAVOURS: Record<string, { args: string[]; target: string }> = {
  '': { args: [], target: 'no authentication, show_multiple_locations = True' },
  '-hidden-locations': { args: ['--hidden-locations'], target: 'no authentication, show_multiple_locations = False' },
  '-keystone-member-admin': {
    args: ['--keystone'],
    target:
      'behind keystonemiddleware + Keystone 22, default policy; suite identity: member of conformance-a, ' +
      'admin identity (GLANCE_ADMIN_OS_CLOUD) for deactivation, service identity (GLANCE_SERVICE_OS_CLOUD)',
  },
  '-keystone-strict-member': {
    args: ['--keystone', '--member-only', '--policy', 'strict'],
    target:
      'behind keystonemiddleware + Keystone 22, strict policy (enforce_new_defaults, enforce_secure_rbac, ' +
      'deactivate/reactivate = role:admin); suite identity: member of conformance-a; no admin, no service identity',
  },
  '-keystone-strict-member-admin': {
    args: ['--keystone', '--policy', 'strict'],
    target:
      'behind keystonemiddleware + Keystone 22, strict policy; suite identity: member of conformance-a, ' +
      'admin and service identities',
  },
};

const GLANCE: Record<Release, string> = {
  '25.1': 'OpenStack Glance 25.1.0 (Zed, Debian bookworm python3-glance)',
  '2025.1': "OpenStack Glance 30.0.0 (2025.1 Epoxy, Debian trixie python3-glance, in the launcher's trixie root)",
};

export interface BaselineChange {
  id: string;
  before: string;
  after: string;
}

/** Marks a reason taken from a run; it is measured again each time, a written explanation is kept. */
const MEASURED = 'measured: ';

/** The run's first reason in one line: what was expected and received, and the exchange that showed it. */
function measuredReason(reasons: string[]): string {
  if (reasons.length === 0) return '(no reason recorded)';
  const lines = stripAnsi(reasons[0]).split('\n');
  const request = lines.findIndex((l) => /^(GET|HEAD|POST|PUT|PATCH|DELETE) \/v2\//.test(l));
  const answer = (lines[request + 1] ?? '').slice(0, 100);
  const exchange = request < 0 ? '' : ` (${lines[request]} ${answer})`;
  // Image ids, run ids and ports differ in every run; the baseline's text should not.
  return `${summarize(reasons[0])}${exchange}`
    .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, '{id}')
    .replace(/glance-conformance \d{8}-[0-9a-f]{8}/g, 'glance-conformance {run}')
    .replace(/127\.0\.0\.1:\d+/g, '127.0.0.1:{port}')
    .replace(/\s+/g, ' ');
}

export function recordBaseline(
  report: ConformanceReport,
  old: Expectations | undefined,
  meta: { target: string; measured: string },
): { baseline: Expectations & { measured: string }; changes: BaselineChange[] } {
  if (report.run.filtered)
    throw new Error('a baseline needs a full run (this one was filtered: --grep or a spec file)');
  const expectations: Expectations['expectations'] = {};
  for (const r of report.requirements) {
    if (r.verdict === 'pass') continue;
    const kept = old?.expectations[r.id];
    expectations[r.id] = {
      verdict: r.verdict,
      reason:
        kept?.verdict === r.verdict && !kept.reason.startsWith(MEASURED)
          ? kept.reason
          : `${MEASURED}${measuredReason(r.tests.flatMap((t) => t.reasons))}`,
    };
  }
  const judged = new Set(report.requirements.map((r) => r.id));
  const changes: BaselineChange[] = [];
  // A first baseline has nothing to change from.
  for (const id of old ? new Set([...Object.keys(old.expectations), ...judged]) : []) {
    const before = old?.expectations[id]?.verdict ?? 'pass';
    const after = expectations[id]?.verdict ?? (judged.has(id) ? 'pass' : 'not in the catalog');
    if (before !== after) changes.push({ id, before, after });
  }
  return { baseline: { target: meta.target, measured: meta.measured, expectations }, changes };
}

async function measure(release: Release, flavour: string): Promise<string> {
  const file = path.join(ROOT, 'expectations', `glance-${release}${flavour}.json`);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'baseline-'));
  const args = ['--release', release, ...FLAVOURS[flavour].args];
  // A state dir per job: two flavours of one release run at the same time without restarting each other.
  const state = path.join(ROOT, '.state', `baseline-${release}${flavour}`);
  const script = path.join(ROOT, 'scripts', 'conformance-glance.ts');
  const child = spawn(process.execPath, tsEntry(script, ...args, '--state', state), {
    cwd: ROOT,
    env: { ...process.env, CONFORMANCE_REPORT_DIR: dir, CONFORMANCE_OUTPUT_DIR: path.join(dir, 'test-results') },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  const code = await new Promise<number>((resolve) => child.on('exit', (c) => resolve(c ?? -1)));
  const reportFile = path.join(dir, 'conformance.json');
  if (!fs.existsSync(reportFile))
    throw new Error(`${path.basename(file)}: no report (exit ${code}):\n${stderr.slice(-2000)}`);
  const report = JSON.parse(fs.readFileSync(reportFile, 'utf8')) as ConformanceReport;
  const old = fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, 'utf8')) as Expectations) : undefined;
  const { baseline, changes } = recordBaseline(report, old, {
    target: `${GLANCE[release]}, ${FLAVOURS[flavour].target}`,
    measured:
      `${new Date().toISOString().slice(0, 10)}, npm run conformance:glance -- ${args.join(' ')} ` +
      `(${report.summary.pass} pass, ${report.summary.fail} fail, ${report.summary['non-strict']} non-strict, ` +
      `${report.summary['not-applicable']} not-applicable, ${report.summary.error} error)`,
  });
  fs.writeFileSync(file, `${JSON.stringify(baseline, null, 2)}\n`);
  fs.rmSync(dir, { recursive: true, force: true });
  const what = old ? `${changes.length} changed` : 'a new baseline';
  return [
    `${path.relative(ROOT, file)}: ${baseline.measured}; ${what}`,
    ...changes.map((c) => `  ${c.id}: ${c.before} -> ${c.after}`),
  ].join('\n');
}

async function main(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      release: { type: 'string', multiple: true },
      flavour: { type: 'string', multiple: true },
      parallel: { type: 'string', default: '2' },
    },
  });
  const releases = values.release ?? [...RELEASES];
  const flavours =
    values.flavour?.map((f) => (f === 'default' ? '' : `-${f.replace(/^-/, '')}`)) ?? Object.keys(FLAVOURS);
  const bad = [...releases.filter((r) => !isRelease(r)), ...flavours.filter((f) => !(f in FLAVOURS))];
  const parallel = Number(values.parallel);
  if (bad.length > 0 || !(parallel >= 1)) {
    console.error(
      `record-baseline: unknown ${bad.join(', ') || `--parallel ${values.parallel}`}; releases: ` +
        `${RELEASES.join(', ')}; flavours: default, ${Object.keys(FLAVOURS)
          .filter(Boolean)
          .map((f) => f.slice(1))
          .join(', ')}`,
    );
    return 2;
  }
  const jobs = releases.flatMap((release) => flavours.map((flavour) => [release as Release, flavour] as const));
  let failed = 0;
  const worker = async () => {
    for (let job = jobs.shift(); job; job = jobs.shift()) {
      try {
        console.log(await measure(...job));
      } catch (error) {
        failed++;
        console.error(`record-baseline: ${(error as Error).message}`);
      }
    }
  };
  await Promise.all(Array.from({ length: parallel }, worker));
  return failed ? 1 : 0;
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error: unknown) => {
      console.error(`record-baseline: ${(error as Error).message}`);
      process.exit(2);
    },
  );
}
