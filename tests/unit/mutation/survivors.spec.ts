import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { ROOT, tsEntry } from '../../../harness/paths';

const SCRIPT = path.join(ROOT, 'scripts', 'mutation-survivors.ts');
const source = 'export function f(a: number) {\n  return a > 1 ? "big" : "small";\n}\n';
const at = (line: number, column: number, endColumn: number) => ({
  start: { line, column },
  end: { line, column: endColumn },
});

function generate(dir: string, args: string[] = []) {
  return spawnSync(process.execPath, tsEntry(SCRIPT, ...args), { cwd: dir, encoding: 'utf8' });
}

test('the survivor list and the raw score come from the JSON report, reasons matched by code', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'survivors-'));
  const report = {
    files: {
      'reference-server/f.ts': {
        source,
        mutants: [
          {
            id: '1',
            mutatorName: 'EqualityOperator',
            replacement: 'a >= 1',
            status: 'Killed',
            location: at(2, 10, 15),
          },
          {
            id: '2',
            mutatorName: 'ConditionalExpression',
            replacement: 'true',
            status: 'Timeout',
            location: at(2, 10, 15),
          },
          {
            id: '3',
            mutatorName: 'ConditionalExpression',
            replacement: 'false',
            status: 'Survived',
            location: at(2, 10, 15),
          },
          { id: '4', mutatorName: 'StringLiteral', replacement: '""', status: 'NoCoverage', location: at(2, 18, 23) },
          { id: '5', mutatorName: 'StringLiteral', replacement: '""', status: 'Ignored', location: at(2, 26, 33) },
        ],
      },
    },
  };
  fs.writeFileSync(path.join(dir, 'mutation.json'), JSON.stringify(report));
  const reasons = [
    { file: 'f.ts', mutator: 'ConditionalExpression', original: 'a > 1', replacement: 'false', why: 'never 1' },
  ];
  fs.writeFileSync(path.join(dir, 'reasons.json'), JSON.stringify(reasons));
  const out = path.join(dir, 'survivors.md');
  const run = generate(dir, ['--report', 'mutation.json', '--out', out, '--reasons', 'reasons.json']);
  expect(run.status, run.stderr).toBe(0);
  const text = fs.readFileSync(out, 'utf8');
  // 2 detected (killed + timeout) of 4 valid; the ignored one is not valid.
  expect(text.replace(/\s+/g, ' ')).toContain(
    '**Raw mutation score: 50.0 %** — 2 detected (1 killed, 1 timed out) of 4 valid mutants',
  );
  expect(text).toContain('| 3 | reference-server/f.ts:2:10 | ConditionalExpression | `a > 1` | `false` | never 1 |');
  expect(text).toContain(
    '| 4 | reference-server/f.ts:2:18 | StringLiteral | `"big"` | `""` | no test reaches it. *not judged yet* |',
  );
  expect(text).not.toContain('| 5 |');

  const gate = (min: string) =>
    generate(dir, ['--report', 'mutation.json', '--out', out, '--reasons', 'reasons.json', '--min-score', min]);
  expect(gate('50').status, 'at the minimum').toBe(0);
  const below = gate('50.1');
  expect(below.status, 'below the minimum').toBe(1);
  expect(below.stderr).toContain('raw mutation score 50.0 % (2 of 4) is below 50.1 %');
});

test('a missing report is one line and exit 2', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'survivors-'));
  const run = generate(dir, ['--report', 'nope.json', '--out', path.join(dir, 'x.md')]);
  expect(run.status).toBe(2);
  expect(run.stderr.trim().split('\n')).toHaveLength(1);
  expect(run.stderr).toContain('mutation-survivors: cannot read the mutation report');
});
