import { loadSuiteConfig } from '../harness/config';
import { discoverTarget, writeTargetInfo } from '../harness/target';
import { startReferenceServer } from '../reference-server';
import { readPlan } from './mutation-plan';

/**
 * Global setup of the mutation runs: the capabilities are those of the original reference server (in
 * the runner process no mutant is switched on), so a mutant that hides a capability fails the tests
 * that need it instead of turning them not-applicable.
 */
export default async function mutationSetup(): Promise<void> {
  const plan = readPlan(process.env.MUTATION_PLAN_DIR);
  const server = await startReferenceServer({ port: 0, show_multiple_locations: plan.showMultipleLocations });
  try {
    process.env.GLANCE_URL = server.url;
    const config = loadSuiteConfig();
    writeTargetInfo(config.targetInfoFile, await discoverTarget(config));
  } finally {
    await server.close();
  }
}
