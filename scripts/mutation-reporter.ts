import fs from 'node:fs';
import path from 'node:path';
import type { Reporter, TestCase, TestResult } from '@playwright/test/reporter';
import {
  killedDir,
  mutantFor,
  readPlan,
  resultsFile,
  type MutationProject,
  type MutationResult,
} from './mutation-plan';
import { testKey } from './mutation-target';

/**
 * Records every test's status for scripts/mutation-runner.mjs, and marks a mutant as soon as one of its
 * tests ends differently from the dry run (a failure, a timeout, or a skip — a not-applicable verdict —
 * where the original passed), so that its remaining tests in this run cost no more than the original's.
 */
// Playwright's matcher messages are coloured for terminals; the runner keeps them as plain text.
// eslint-disable-next-line no-control-regex
const ANSI_COLOUR = /\u001b\[[0-9;]*m/g;

export default class MutationReporter implements Reporter {
  private readonly plan = readPlan(process.env.MUTATION_PLAN_DIR);

  constructor() {
    fs.mkdirSync(killedDir(this.plan.dir), { recursive: true });
  }

  onTestEnd(test: TestCase, result: TestResult): void {
    const project = test.parent.project()!;
    // titlePath(): '', project, file, describe titles…, title.
    const key = testKey(test.titlePath().slice(2));
    const mutant = mutantFor(project.metadata as MutationProject, key);
    const line: MutationResult = {
      project: project.name,
      mutant,
      key,
      status: result.status,
      durationMs: result.duration,
      error: result.error?.message
        ?.replace(ANSI_COLOUR, '')
        .split('\n')
        .find((l) => l.trim())
        ?.slice(0, 300),
    };
    fs.appendFileSync(resultsFile(this.plan.dir), `${JSON.stringify(line)}\n`);
    if (mutant && this.plan.baseline[key] !== undefined && this.plan.baseline[key] !== result.status) {
      fs.writeFileSync(path.join(killedDir(this.plan.dir), mutant), key);
    }
  }

  printsToStdio(): boolean {
    return false;
  }
}
