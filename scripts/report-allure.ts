import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';

/**
 * `npm run report:allure [-- results-dir] [--out dir]`: renders the Allure results a conformance run
 * left in `reports/allure-results` with Allure 3 (the npm `allure` package, no Java) into
 * `reports/allure-report`. The page must open without network: Allure's analytics snippet, which
 * would load a third-party script, is removed from the generated HTML.
 */

const reportDir = path.resolve(process.env.CONFORMANCE_REPORT_DIR || 'reports');

/** Allure 3 hard-codes a Google Analytics tag into its pages; a conformance report sends nothing anywhere. */
export function stripAnalytics(html: string): string {
  return html
    .replace(/<script[^>]*src="https:\/\/www\.googletagmanager\.com\/[^"]*"[^>]*><\/script>\s*/g, '')
    .replace(/<script>\s*window\.dataLayer[\s\S]*?<\/script>\s*/g, '');
}

function htmlFiles(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.html'))
    .map((e) => path.join(e.parentPath, e.name));
}

function main(argv: string[]): number {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: { out: { type: 'string', short: 'o' } }, allowPositionals: true });
  } catch (e) {
    console.error(
      `glance-conformance: ${(e as Error).message}\nusage: npm run report:allure -- [RESULTS_DIR] [--out DIR]`,
    );
    return 2;
  }
  const results = path.resolve(parsed.positionals[0] ?? path.join(reportDir, 'allure-results'));
  const out = path.resolve(parsed.values.out ?? path.join(reportDir, 'allure-report'));
  if (!fs.existsSync(results) || !fs.readdirSync(results).some((f) => f.endsWith('-result.json'))) {
    console.error(
      `glance-conformance: no Allure results in ${path.relative(process.cwd(), results) || results}: ` +
        'run npm run conformance first',
    );
    return 2;
  }
  let name = 'Glance Image API v2 conformance';
  const conformance = path.join(path.dirname(results), 'conformance.json');
  if (fs.existsSync(conformance)) {
    try {
      const report = JSON.parse(fs.readFileSync(conformance, 'utf8'));
      if (report?.target?.url) name = `${name}: ${report.target.url} (${report.verdict})`;
    } catch {
      // The name is cosmetic.
    }
  }
  fs.rmSync(out, { recursive: true, force: true });
  // The package exports no subpath to resolve; its bin is cli.js at the package root.
  const cli = path.resolve(__dirname, '..', 'node_modules', 'allure', 'cli.js');
  const run = spawnSync(process.execPath, [cli, 'generate', results, '--output', out, '--name', name], {
    stdio: 'inherit',
    env: { ...process.env, NO_COLOR: '1' },
  });
  if (run.status !== 0) {
    console.error(`glance-conformance: allure generate exited ${run.status ?? run.signal}`);
    return 2;
  }
  for (const file of htmlFiles(out)) fs.writeFileSync(file, stripAnalytics(fs.readFileSync(file, 'utf8')));
  console.log(`glance-conformance: Allure report written to ${path.relative(process.cwd(), out) || out}/index.html`);
  return 0;
}

if (require.main === module) process.exitCode = main(process.argv.slice(2));
