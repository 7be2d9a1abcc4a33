import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { REQUIREMENTS_FILE, requirementsDocument, SCHEMA_FILE } from '../reporting/identity';
import type { ConformanceReport } from '../reporting/model';
import { runDir } from './support/report-runs';
import { freePort, ROOT } from './support/run-suite';

/**
 * The suite as users get it: `npm pack`, installed into an empty folder, run with
 * `npx glance-conformance`. Also: the versioned outputs (requirements.json, the schema's $id).
 */

const packageJson = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
  version: string;
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};

test('requirements.json is the catalog as generated (npm run catalog:export)', () => {
  expect(JSON.parse(fs.readFileSync(REQUIREMENTS_FILE, 'utf8'))).toEqual(requirementsDocument());
});

test("the report schema's $id names this version and the schema's path inside the package", () => {
  const id = (JSON.parse(fs.readFileSync(SCHEMA_FILE, 'utf8')) as { $id: string }).$id;
  const m = /^https:\/\/unpkg\.com\/glance-conformance@([^/]+)\/(.+)$/.exec(id);
  expect(m, id).not.toBeNull();
  expect(m![1]).toBe(packageJson.version);
  expect(path.join(ROOT, m![2])).toBe(SCHEMA_FILE);
});

test('npm pack → npm install into an empty folder → npx glance-conformance runs the suite there', async () => {
  test.setTimeout(600_000);
  const dir = runDir('package');
  const npm = (args: string[], cwd: string) => execFileSync('npm', args, { cwd, encoding: 'utf8', stdio: 'pipe' });

  const pack = JSON.parse(npm(['pack', '--json', '--pack-destination', dir], ROOT)) as Array<{
    filename: string;
    size: number;
    unpackedSize: number;
    files: Array<{ path: string }>;
  }>;
  const files = pack[0].files.map((f) => f.path);
  for (const f of [
    'bin/glance-conformance.js',
    'cli/main.ts',
    'playwright.config.ts',
    'specs/range.spec.ts',
    'reporting/assets/report.css',
    'reporting/assets/report.js',
    'reporting/conformance.schema.json',
    'requirements.json',
  ]) {
    expect(files, f).toContain(f);
  }
  expect(
    files.filter((f) => /^(tests|scripts|expectations|bench|launcher|\.state|reports|test-results)\//.test(f)),
  ).toEqual([]);

  const app = path.join(dir, 'app');
  fs.mkdirSync(app);
  fs.writeFileSync(path.join(app, 'package.json'), '{ "private": true }\n');
  npm(['install', '--prefer-offline', '--no-audit', '--no-fund', path.join(dir, pack[0].filename)], app);
  const installed = fs.readdirSync(path.join(app, 'node_modules'));
  // Runtime dependencies only: the project's tooling stays behind.
  for (const dev of ['@stryker-mutator', 'fast-check', 'allure', 'typescript', 'eslint', 'prettier']) {
    expect(installed, dev).not.toContain(dev);
  }
  for (const dep of Object.keys(packageJson.dependencies)) {
    expect(fs.existsSync(path.join(app, 'node_modules', dep)), dep).toBe(true);
  }
  const size = execFileSync('du', ['-sk', path.join(app, 'node_modules')], { encoding: 'utf8' }).split('\t')[0];
  test.info().annotations.push({
    type: 'size',
    description:
      `tarball ${(pack[0].size / 1024).toFixed(0)} KiB, package ${(pack[0].unpackedSize / 1024).toFixed(0)} KiB ` +
      `unpacked, node_modules after install ${(Number(size) / 1024).toFixed(1)} MiB ` +
      `(${installed.length} top-level entries)`,
  });

  const npx = (args: string[], env: NodeJS.ProcessEnv = {}) => {
    const clean = Object.fromEntries(
      Object.entries(process.env).filter(([k]) => !/^(OS_|GLANCE_|REFERENCE_|CONFORMANCE_)/.test(k)),
    );
    return spawnSync('npx', ['--no-install', 'glance-conformance', ...args], {
      cwd: app,
      encoding: 'utf8',
      env: { ...clean, ...env },
    });
  };
  const help = npx(['--help']);
  expect(help.status, help.stderr).toBe(0);
  expect(help.stdout).toContain('glance-conformance report merge DIR');
  expect(npx(['--version']).stdout.trim()).toBe(packageJson.version);
  const bad = npx(['report', 'nonsense']);
  expect(bad.status).toBe(2);
  expect(bad.stderr.trim().split('\n')[0]).toMatch(/^glance-conformance: report needs one of merge, matrix, show/);

  const tmp = path.join(dir, 'tmp');
  fs.mkdirSync(tmp);
  const run = npx([], { REFERENCE_PORT: String(await freePort()), CONFORMANCE_WORKERS: '2', TMPDIR: tmp });
  const out = `${run.stdout}\n${run.stderr}`.slice(-3000);
  expect(run.status, out).toBe(0);
  const reportFile = path.join(app, 'reports', 'conformance.json');
  const report = JSON.parse(fs.readFileSync(reportFile, 'utf8')) as ConformanceReport;
  expect(report.verdict).toBe('conformant');
  expect(report.tool.version).toBe(packageJson.version);
  expect(report.target?.kind).toBe('embedded');
  for (const f of ['conformance.html', 'junit.xml', 'junit-tests.xml', 'allure-results/environment.properties']) {
    expect(fs.existsSync(path.join(app, 'reports', f)), f).toBe(true);
  }
  // Compiled by Playwright as in the repository: tests are located in their spec files, line by line.
  const tests = report.requirements.flatMap((r) => r.tests);
  const lines = fs.readFileSync(path.join(ROOT, 'specs', 'range.spec.ts'), 'utf8').split('\n').length;
  expect(tests.filter((t) => !t.file.startsWith('specs/') || t.line > lines)).toEqual([]);
  // The schema named by the report is inside the installed package.
  const schemaPath = report.$schema.replace(/^https:\/\/unpkg\.com\/glance-conformance@[^/]+\//, '');
  expect(fs.existsSync(path.join(app, 'node_modules', 'glance-conformance', schemaPath))).toBe(true);
  // The temporary copy an installed suite runs from is gone.
  expect(fs.readdirSync(tmp).filter((f) => f.startsWith('glance-conformance-'))).toEqual([]);

  const show = npx(['report', 'show']);
  expect(show.status).toBe(0);
  expect(show.stdout).toContain('CONFORMANT');
});
