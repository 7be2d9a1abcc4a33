import { loadSuiteConfig } from '../harness/config';
import { discoverTarget, writeTargetInfo } from '../harness/target';
import { startReferenceServer } from '../reference-server';
import { identityVariables, readPlan, serverOptions } from './mutation-plan';

/**
 * Global setup of the mutation runs: the capabilities are those of the original reference server (in
 * the runner process no mutant is switched on), so a mutant that hides a capability fails the tests
 * that need it instead of turning them not-applicable.
 */
export default async function mutationSetup(): Promise<void> {
  const plan = readPlan(process.env.MUTATION_PLAN_DIR);
  const server = await startReferenceServer(serverOptions(plan));
  try {
    process.env.GLANCE_URL = server.url;
    Object.assign(process.env, identityVariables(plan));
    const config = loadSuiteConfig();
    writeTargetInfo(config.targetInfoFile, await discoverTarget(config));
  } finally {
    await server.close();
  }
}
