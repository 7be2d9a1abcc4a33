import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { parse as parseYaml } from 'yaml';
import { startReferenceServer } from '../reference-server';
import type { ConformanceReport } from '../reporting/model';
import { freePort, ROOT } from './support/run-suite';

/**
 * The CI examples in examples/ are run here, command by command and in order, the way their CI would:
 * each job in a fresh folder, artifacts handed from job to job. What only a CI service does (checkout,
 * Node setup, uploading logs) is done by the emulation below; every shell command is the file's own.
 * The one difference is where the suite comes from: the package variable points at `npm pack`'s tarball
 * of this tree, since the example's `glance-conformance@VERSION` is what a user gets from the registry.
 */
test.describe.configure({ mode: 'default', timeout: 1_200_000 });

const EXAMPLES = path.join(ROOT, 'examples');
let tarball: string;
let scratch: string;

test.beforeAll(() => {
  // Outside the repository: npm and npx look for a project in the parent folders.
  scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'glance-conformance-examples-'));
  const packed = JSON.parse(
    execFileSync('npm', ['pack', '--json', '--pack-destination', scratch], { cwd: ROOT, encoding: 'utf8' }),
  );
  tarball = path.join(scratch, (packed as Array<{ filename: string }>)[0].filename);
});

test.afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));

/** The environment of a CI job on this machine: no variables of ours, npm from its cache when it can. */
function baseEnv(): NodeJS.ProcessEnv {
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !/^(OS_|GLANCE_|REFERENCE_|CONFORMANCE_|CI)/.test(k)),
  );
  return { ...env, npm_config_prefer_offline: 'true' };
}

interface Step {
  shell: string;
  cwd: string;
  env: NodeJS.ProcessEnv;
}

/** One command through bash -e, asynchronously: the Zuul case serves the target from this process. */
function runShell(step: Step): Promise<{ status: number; output: string }> {
  const child = spawn('bash', ['-e', '-c', step.shell], { cwd: step.cwd, env: step.env });
  let output = `$ ${step.shell}\n`;
  child.stdout.on('data', (d: Buffer) => (output += d));
  child.stderr.on('data', (d: Buffer) => (output += d));
  return new Promise((resolve) => child.on('close', (code) => resolve({ status: code ?? -1, output })));
}

const workspace = (name: string) => fs.mkdtempSync(path.join(scratch, `${name}-`));
const copyInto = (from: string, to: string) => fs.cpSync(from, to, { recursive: true });
const readReport = (file: string) => JSON.parse(fs.readFileSync(file, 'utf8')) as ConformanceReport;

// --- GitHub Actions ---------------------------------------------------------------------------------

interface GhStep {
  name?: string;
  if?: string;
  run?: string;
  uses?: string;
  with?: Record<string, string | number>;
}
interface GhJob {
  needs?: string;
  if?: string;
  env?: Record<string, string>;
  strategy?: { matrix: { shard: number[] } };
  steps: GhStep[];
}

test('examples/github-actions.yml: shard jobs, artifacts, the merge job and its job summary', async () => {
  const workflow = parseYaml(fs.readFileSync(path.join(EXAMPLES, 'github-actions.yml'), 'utf8')) as {
    env: Record<string, string>;
    jobs: Record<string, GhJob>;
  };
  const artifacts = workspace('gha-artifacts');
  const runId = String(Date.now());
  const context = (matrix: Record<string, number>, total: number): Record<string, string> => ({
    ...Object.fromEntries(Object.entries(matrix).map(([k, v]) => [`matrix.${k}`, String(v)])),
    'strategy.job-total': String(total),
    'github.run_id': runId,
    'github.run_attempt': '1',
    'secrets.GLANCE_URL': '',
    'secrets.OS_AUTH_TOKEN': '',
    '!cancelled()': 'true',
  });
  const expand = (text: string, ctx: Record<string, string>) =>
    text.replace(/\$\{\{\s*(.+?)\s*\}\}/g, (_, expr: string) => {
      if (!(expr in ctx)) throw new Error(`the emulation does not know the expression ${expr}`);
      return ctx[expr];
    });

  const runJob = async (job: GhJob, ctx: Record<string, string>, name: string) => {
    const dir = workspace(name);
    const env: NodeJS.ProcessEnv = {
      ...baseEnv(),
      ...Object.fromEntries(
        Object.entries({ ...workflow.env, ...job.env }).map(([k, v]) => [k, expand(String(v), ctx)]),
      ),
      GITHUB_ACTIONS: 'true',
      GITHUB_STEP_SUMMARY: path.join(dir, '.summary.md'),
      GLANCE_CONFORMANCE_PACKAGE: tarball,
      REFERENCE_PORT: String(await freePort()),
      CONFORMANCE_WORKERS: '2',
    };
    const log: string[] = [];
    let failed = false;
    for (const step of job.steps) {
      if (failed && !(step.if && expand(step.if, ctx) === 'true')) continue;
      const w = Object.fromEntries(Object.entries(step.with ?? {}).map(([k, v]) => [k, expand(String(v), ctx)]));
      if (step.run) {
        const r = await runShell({ shell: expand(step.run, ctx), cwd: dir, env });
        log.push(r.output);
        failed ||= r.status !== 0;
      } else if (step.uses?.startsWith('actions/upload-artifact@')) {
        copyInto(path.join(dir, w.path), path.join(artifacts, w.name));
      } else if (step.uses?.startsWith('actions/download-artifact@')) {
        const pattern = new RegExp(`^${w.pattern.replace(/\*/g, '.*')}$`);
        for (const a of fs.readdirSync(artifacts).filter((n) => pattern.test(n)))
          copyInto(path.join(artifacts, a), path.join(dir, w.path, a));
      } else if (!step.uses?.startsWith('actions/setup-node@')) {
        throw new Error(`the emulation does not know the step ${JSON.stringify(step)}`);
      }
    }
    return { dir, failed, log: log.join('\n') };
  };

  const shardJob = workflow.jobs.conformance;
  const shards = shardJob.strategy!.matrix.shard;
  for (const shard of shards) {
    const r = await runJob(shardJob, context({ shard }, shards.length), `gha-shard-${shard}`);
    expect(r.failed, r.log.slice(-4000)).toBe(false);
  }
  const mergeJob = workflow.jobs.merge;
  expect(mergeJob.needs).toBe('conformance');
  const merged = await runJob(mergeJob, context({}, 1), 'gha-merge');
  expect(merged.failed, merged.log.slice(-4000)).toBe(false);

  const report = readReport(path.join(artifacts, 'conformance-report', 'conformance.json'));
  expect(report.verdict).toBe('conformant');
  expect(report.run.shards).toHaveLength(3);
  expect(report.run.id).toBe(`gha-${runId}-1`);
  expect(report.run.filtered).toBe(false);
  expect(fs.readFileSync(path.join(merged.dir, '.summary.md'), 'utf8')).toMatch(/^### Conformance of .*CONFORMANT/m);
  for (const f of ['conformance.html', 'junit.xml', 'allure-results/environment.properties']) {
    expect(fs.existsSync(path.join(artifacts, 'conformance-report', f)), f).toBe(true);
  }
});

// --- GitLab CI ----------------------------------------------------------------------------------------

interface GlJob {
  stage: string;
  parallel?: number;
  when?: string;
  variables?: Record<string, string>;
  script: string[];
  artifacts: { paths: string[]; reports?: { junit: string } };
}

test('examples/gitlab-ci.yml: parallel shard jobs, their artifacts, the verdict job', async () => {
  const pipeline = parseYaml(fs.readFileSync(path.join(EXAMPLES, 'gitlab-ci.yml'), 'utf8')) as Record<
    string,
    unknown
  > & {
    stages: string[];
    variables: Record<string, string>;
  };
  const jobs = Object.entries(pipeline).filter(
    ([, v]) => typeof v === 'object' && v !== null && 'script' in v,
  ) as Array<[string, GlJob]>;
  const artifacts = workspace('gitlab-artifacts');
  const predefined = { CI_PIPELINE_ID: String(Date.now()), CI: 'true', GITLAB_CI: 'true' };
  const expandVars = (value: string, env: NodeJS.ProcessEnv) =>
    value.replace(/\$(\w+)/g, (_, name: string) => env[name] ?? '');

  const results: Record<string, string> = {};
  for (const stage of pipeline.stages) {
    for (const [name, job] of jobs.filter(([, j]) => j.stage === stage)) {
      for (let index = 1; index <= (job.parallel ?? 1); index++) {
        const dir = workspace(`gitlab-${name}-${index}`);
        // Artifacts of the earlier stages are restored at their paths.
        copyInto(artifacts, dir);
        const env: NodeJS.ProcessEnv = {
          ...baseEnv(),
          ...predefined,
          CI_NODE_INDEX: String(index),
          CI_NODE_TOTAL: String(job.parallel ?? 1),
        };
        for (const [k, v] of Object.entries({ ...pipeline.variables, ...job.variables })) env[k] = expandVars(v, env);
        Object.assign(env, {
          GLANCE_CONFORMANCE_PACKAGE: tarball,
          REFERENCE_PORT: String(await freePort()),
          CONFORMANCE_WORKERS: '2',
        });
        let output = '';
        let status = 0;
        for (const line of job.script) {
          const r = await runShell({ shell: line, cwd: dir, env });
          output += r.output;
          status = r.status;
          if (status !== 0) break;
        }
        expect(status, output.slice(-4000)).toBe(0);
        for (const p of job.artifacts.paths)
          if (fs.existsSync(path.join(dir, p))) copyInto(path.join(dir, p), path.join(artifacts, p));
        results[`${name}-${index}`] = output;
      }
    }
  }
  const verdict = Object.entries(results).find(([k]) => k.startsWith('glance-conformance-verdict'))![1];
  expect(verdict).toMatch(/Conformance of .*: CONFORMANT/);
  const report = readReport(path.join(artifacts, 'merged', 'conformance.json'));
  expect(report.run.shards).toHaveLength(3);
  expect(fs.existsSync(path.join(artifacts, 'merged', 'junit.xml'))).toBe(true);
});

// --- Zuul ---------------------------------------------------------------------------------------------

interface AnsibleTask {
  name: string;
  shell?: string;
  args?: { chdir?: string };
  environment?: string;
}
interface Play {
  vars: Record<string, unknown>;
  roles?: unknown[];
  tasks: AnsibleTask[];
}

test('examples/zuul: the job runs its playbook; the suite judges the Glance the variables name', async () => {
  const job = (
    parseYaml(fs.readFileSync(path.join(EXAMPLES, 'zuul', 'zuul.yaml'), 'utf8')) as Array<{
      job: { run: string; 'post-run': string };
    }>
  )[0].job;
  const play = (parseYaml(fs.readFileSync(path.join(EXAMPLES, 'zuul', job.run), 'utf8')) as Play[])[0];
  expect(fs.existsSync(path.join(EXAMPLES, 'zuul', job['post-run']))).toBe(true);
  // devstack is not here: the reference server stands in for its Glance, named by GLANCE_URL (an extra var).
  const server = await startReferenceServer({ port: 0 });
  const home = workspace('zuul-home');
  try {
    const vars: Record<string, unknown> = {
      ...play.vars,
      ansible_user_dir: home,
      glance_conformance_package: tarball,
      glance_conformance_env: { GLANCE_URL: server.url, CONFORMANCE_WORKERS: '2' },
    };
    const render = (text: string): string =>
      text.replace(/\{\{\s*(\w+)\s*\}\}/g, (_, name: string) => {
        if (!(name in vars)) throw new Error(`the emulation does not know the variable ${name}`);
        return render(String(vars[name]));
      });
    const lookup = (text: string) => vars[/^\{\{\s*(\w+)\s*\}\}$/.exec(text)![1]] as Record<string, string>;
    let output = '';
    for (const task of play.tasks) {
      expect(task.shell, task.name).toBeDefined();
      const env = { ...baseEnv(), ...(task.environment ? lookup(task.environment) : {}) };
      const r = await runShell({
        shell: render(task.shell!),
        cwd: task.args?.chdir ? render(task.args.chdir) : home,
        env,
      });
      output += r.output;
      expect(r.status, output.slice(-4000)).toBe(0);
    }
    const report = readReport(
      path.join(render(String(play.vars.glance_conformance_dir)), 'reports', 'conformance.json'),
    );
    expect(report.verdict).toBe('conformant');
    expect(report.target?.url).toBe(server.url);
  } finally {
    await server.close();
  }
});
