import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { referenceServerProcess, ROOT } from '../harness/paths';
import { cleanup } from './cleanup';
import { installedAsPackage, runFromCopy } from './installed';
import { report, REPORT_USAGE, UsageError } from './report';
import { runConformance } from './run';

/**
 * `glance-conformance [SUBCOMMAND] …`: the one entry point of the package (its bin) and of the npm
 * scripts. Without a subcommand it runs the suite.
 */

const USAGE = `Usage: glance-conformance [run] [--expect FILE] [--strict] [Playwright options]
    run the conformance suite (the default): against the embedded reference server, or the deployment
    that GLANCE_URL / OS_CLOUD / OS_AUTH_URL name; reports in ./reports (CONFORMANCE_REPORT_DIR).
    Exit 0 conformant, 1 non-conformant, 2 could not run or judge. --strict: SHOULD findings fail too.
    --shard=I/N runs one part; give every part the same GLANCE_CONFORMANCE_RUN_ID and its own
    CONFORMANCE_REPORT_DIR, then merge them. \`run --help\` for the run's own options
glance-conformance cleanup [--run ID]
    delete the images suite runs left on the target (one run's only with --run)
glance-conformance reference [--port N] [--help]
    serve the in-memory reference Glance Image API v2
${REPORT_USAGE}
glance-conformance --version | --help`;

/** The reference server runs as its own process, so that its signals and exit are its own. */
function reference(argv: string[]): Promise<number> {
  const server = referenceServerProcess(argv);
  const child = spawn(process.execPath, server.argv, { env: server.env, stdio: 'inherit' });
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => child.kill(signal));
  return new Promise((resolve) => child.on('exit', (code, signal) => resolve(code ?? (signal ? 0 : 2))));
}

function version(): string {
  return (JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
}

/** Besides `run`, the default, which an installed package runs from a copy of itself (cli/installed.ts). */
const subcommands: Record<string, (argv: string[]) => Promise<number>> = {
  cleanup,
  reference,
  report,
};

/**
 * Relative report and output folders mean the caller's folder, also when the suite is an installed
 * package: Playwright runs from the package's own folder and resolves them there otherwise.
 */
function anchorOutputs(env: NodeJS.ProcessEnv): void {
  env.CONFORMANCE_REPORT_DIR = path.resolve(env.CONFORMANCE_REPORT_DIR || 'reports');
  env.CONFORMANCE_OUTPUT_DIR = path.resolve(env.CONFORMANCE_OUTPUT_DIR || path.join('test-results', 'conformance'));
}

async function main(argv: string[]): Promise<number> {
  if (argv[0] === '--help' || argv[0] === '-h' || argv[0] === 'help') {
    console.log(USAGE);
    return 0;
  }
  if (argv[0] === '--version' || argv[0] === '-V') {
    console.log(version());
    return 0;
  }
  anchorOutputs(process.env);
  if (Object.hasOwn(subcommands, argv[0])) return subcommands[argv[0]](argv.slice(1));
  const runArgs = argv[0] === 'run' ? argv.slice(1) : argv;
  return installedAsPackage() ? runFromCopy(runArgs) : runConformance(runArgs);
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e) => {
    const usage = e instanceof UsageError ? '\n(glance-conformance --help lists the commands)' : '';
    console.error(`glance-conformance: ${(e as Error).message}${usage}`);
    process.exit(2);
  },
);
