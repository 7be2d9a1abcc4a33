import fs from 'node:fs';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { exitOf, helpText, parseRunArgs } from '../../../cli/run';
import type { ConformanceReport } from '../../../reporting/model';
import { ROOT } from '../../../harness/paths';
import { VARIABLES } from '../../../harness/variables';

test('our options are taken out; everything else goes to Playwright in its order', () => {
  const args = parseRunArgs(
    ['--grep', '@RANGE-SUFFIX-206', '--expect=e.json', '--workers', '2', '--strict', 'specs/range.spec.ts'],
    {},
  );
  expect(args).toMatchObject({ expect: path.resolve('e.json'), strict: true, list: false, help: false });
  expect(args.playwright).toEqual(['--grep', '@RANGE-SUFFIX-206', '--workers', '2', 'specs/range.spec.ts']);
  expect(parseRunArgs(['--expect', 'x.json', '-g', '@A'], {})).toMatchObject({
    expect: path.resolve('x.json'),
    playwright: ['-g', '@A'],
  });
  expect(parseRunArgs(['-h'], {}).help).toBe(true);
  expect(parseRunArgs(['--list', '--grep=@A'], {})).toMatchObject({ list: true, playwright: ['--grep=@A'] });
  expect(parseRunArgs([], { CONFORMANCE_EXPECT: 'b.json' }).expect).toBe(path.resolve('b.json'));
});

test('bad options are usage errors', () => {
  expect(() => parseRunArgs(['--expect'], {})).toThrow('--expect needs a file');
  expect(() => parseRunArgs(['--trace', 'on'], {})).toThrow('--trace is refused');
  expect(() => parseRunArgs(['--list=yes'], {})).toThrow('--list takes no value');
});

test('--help names every variable, and .env.example documents exactly those', () => {
  const help = helpText();
  for (const v of VARIABLES) expect(help).toContain(v.name);
  const example = fs.readFileSync(path.join(ROOT, '.env.example'), 'utf8');
  const documented = new Set([...example.matchAll(/^#?([A-Z][A-Z0-9_]+)=/gm)].map((m) => m[1]));
  const names = new Set(VARIABLES.map((v) => v.name));
  // GLANCE_ADMIN_OS_* and GLANCE_SERVICE_OS_* take any OS_* name: their examples stand for the family.
  const family = (n: string) => /^GLANCE_(ADMIN|SERVICE)_OS_/.test(n);
  expect(
    [...names].filter((n) => !documented.has(n)),
    'in --help, missing from .env.example',
  ).toEqual([]);
  expect(
    [...documented].filter((n) => !names.has(n) && !family(n)),
    'in .env.example, missing from --help',
  ).toEqual([]);
});

test('no unearned exit code: nothing judged, Playwright in error, images left behind are all exit 2', () => {
  const report = (verdict: ConformanceReport['verdict'], counts: Partial<ConformanceReport['summary']>) => {
    const summary = { pass: 0, fail: 0, 'non-strict': 0, 'not-applicable': 0, error: 0, total: 0, ...counts };
    return { verdict, summary } as ConformanceReport;
  };
  const conformant = report('conformant', { pass: 3, total: 3 });
  expect(exitOf({ playwright: 1, report: report('conformant', {}), leftovers: 0 })).toEqual({
    exit: 2,
    complaint: expect.stringMatching(/^nothing was judged: no test ran/),
  });
  expect(
    exitOf({ playwright: 0, report: report('conformant', { 'not-applicable': 2, total: 2 }), leftovers: 0 }).exit,
  ).toBe(2);
  expect(exitOf({ playwright: 0, report: conformant, leftovers: 0 })).toEqual({ exit: 0 });
  expect(exitOf({ playwright: 1, report: conformant, leftovers: 0 })).toEqual({
    exit: 2,
    complaint: expect.stringContaining('Playwright ended in error'),
  });
  expect(exitOf({ playwright: 0, report: conformant, leftovers: 1 }).exit).toBe(2);
  const broken = report('non-conformant', { pass: 2, fail: 1, total: 3 });
  expect(exitOf({ playwright: 1, report: broken, leftovers: 0 })).toEqual({ exit: 1 });
  expect(exitOf({ playwright: 1, report: broken, leftovers: 0, gated: 0 })).toEqual({ exit: 0 });
  expect(exitOf({ playwright: 0, report: conformant, leftovers: 0, gated: 2 })).toEqual({ exit: 1 });
});
