import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { loadSuiteConfig, ROOT } from '../harness/config';
import { TargetUnusable } from '../harness/errors';
import { discoverTarget } from '../harness/target';
import { describeDifferences, gate, readExpectations } from '../reporting/expectations';
import { EXIT_CODE, type ConformanceReport } from '../reporting/model';

/**
 * `npm run conformance [-- [--expect FILE] [--strict] playwright args]`: checks that the target can be judged at
 * all (one clear line and exit 2 if not), runs the suite, and exits 0 conformant / 1 non-conformant /
 * 2 not judged. With `--expect FILE` (or CONFORMANCE_EXPECT) it exits 0 exactly when every verdict
 * matches that baseline instead.
 */
/** Takes `--expect FILE` out of the arguments that go on to Playwright. */
function splitArgs(argv: string[]): { expectFile?: string; playwrightArgs: string[] } {
  const playwrightArgs: string[] = [];
  let expectFile = process.env.CONFORMANCE_EXPECT || undefined;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--expect') expectFile = argv[++i];
    else if (argv[i].startsWith('--expect=')) expectFile = argv[i].slice('--expect='.length);
    // SHOULD findings fail the run: the reporter reads CONFORMANCE_STRICT in the Playwright process.
    else if (argv[i] === '--strict') process.env.CONFORMANCE_STRICT = '1';
    else if (/^--trace\b/.test(argv[i])) throw new Error('--trace is refused: Playwright traces record request headers, tokens included');
    else playwrightArgs.push(argv[i]);
  }
  return { expectFile: expectFile && path.resolve(expectFile), playwrightArgs };
}

export async function runConformance(argv: string[]): Promise<number> {
  const { expectFile, playwrightArgs: args } = splitArgs(argv);
  const expectations = expectFile ? readExpectations(expectFile) : undefined;
  const config = loadSuiteConfig();
  if (config.target.kind === 'remote') {
    try {
      await discoverTarget(config);
    } catch (e) {
      if (e instanceof TargetUnusable) {
        console.error(`glance-conformance: ${e.message}`);
        return 2;
      }
      throw e;
    }
  }
  const reportFile = path.join(config.reportDir, 'conformance.json');
  fs.rmSync(reportFile, { force: true });
  // An interrupted run judged only part of the suite, whatever its report says: never a pass.
  let interrupted: NodeJS.Signals | undefined;
  const code = await new Promise<number>((resolve) => {
    const child = spawn(process.execPath, [require.resolve('@playwright/test/cli'), 'test', '-c', path.join(ROOT, 'playwright.config.ts'), ...args], {
      cwd: ROOT,
      stdio: 'inherit',
      env: process.env,
    });
    const forward = (signal: NodeJS.Signals) => {
      interrupted = signal;
      child.kill(signal);
    };
    process.on('SIGINT', forward);
    process.on('SIGTERM', forward);
    child.on('exit', (status, signal) => resolve(status ?? (signal ? 130 : 2)));
  });
  if (interrupted) {
    console.error(`glance-conformance: interrupted (${interrupted}) before every requirement was judged; run id ${config.runId} (npm run cleanup -- --run ${config.runId} removes what it left)`);
    return 2;
  }
  if (!fs.existsSync(reportFile)) {
    console.error(`glance-conformance: the run produced no report (Playwright exited ${code}); see the output above`);
    return 2;
  }
  const report = JSON.parse(fs.readFileSync(reportFile, 'utf8')) as ConformanceReport;
  if (expectations) {
    const differences = gate(report, expectations);
    console.log(describeDifferences(differences, path.relative(ROOT, expectFile!)));
    return differences.length ? 1 : 0;
  }
  return EXIT_CODE[report.verdict];
}

