import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { loadSuiteConfig, ROOT } from '../fixtures/config';
import { TargetUnusable } from '../fixtures/errors';
import { discoverTarget } from '../fixtures/target';
import type { ConformanceReport } from '../reporting/conformance-reporter';
import { EXIT_CODE } from '../reporting/verdicts';

/**
 * `npm run conformance [-- playwright args]`: checks that the target can be judged at all (one clear
 * line and exit 2 if not), runs the suite, and exits 0 conformant / 1 non-conformant / 2 not judged.
 */
async function main(): Promise<number> {
  const args = process.argv.slice(2);
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
  const code = await new Promise<number>((resolve) => {
    const child = spawn(process.execPath, [require.resolve('@playwright/test/cli'), 'test', '-c', path.join(ROOT, 'playwright.config.ts'), ...args], {
      cwd: ROOT,
      stdio: 'inherit',
      env: process.env,
    });
    const forward = (signal: NodeJS.Signals) => child.kill(signal);
    process.on('SIGINT', forward);
    process.on('SIGTERM', forward);
    child.on('exit', (status, signal) => resolve(status ?? (signal ? 130 : 2)));
  });
  if (!fs.existsSync(reportFile)) {
    console.error(`glance-conformance: the run produced no report (Playwright exited ${code}); see the output above`);
    return 2;
  }
  const report = JSON.parse(fs.readFileSync(reportFile, 'utf8')) as ConformanceReport;
  return EXIT_CODE[report.verdict];
}

main().then(
  (code) => process.exit(code),
  (e) => {
    console.error(`glance-conformance: ${(e as Error).message}`);
    process.exit(2);
  },
);
