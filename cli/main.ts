#!/usr/bin/env node
import { cleanup } from './cleanup';
import { runConformance } from './run';

/**
 * `glance-conformance [SUBCOMMAND] …`: the one entry point of the package and of the npm scripts.
 * Without a subcommand it runs the suite.
 */
const subcommands: Record<string, (argv: string[]) => Promise<number>> = {
  run: runConformance,
  cleanup,
};

async function main(argv: string[]): Promise<number> {
  const command = subcommands[argv[0]];
  return command ? command(argv.slice(1)) : runConformance(argv);
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e) => {
    console.error(`glance-conformance: ${(e as Error).message}`);
    process.exit(2);
  },
);
