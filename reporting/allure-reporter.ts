import fs from 'node:fs';
import path from 'node:path';
import type { Suite } from '@playwright/test/reporter';
import { AllureReporter } from 'allure-playwright';
import { loadSuiteConfig } from '../harness/config';
import { readTargetInfo, type TargetInfo } from '../harness/target';
import { featureOf, findRequirement } from '../catalog/requirements';
import { toolInfo } from './identity';

/**
 * allure-playwright, configured for conformance: results go to `<reportDir>/allure-results`
 * (emptied at the start of a run), every test carries its requirement as Allure labels
 * (`requirement`, `level`, `feature`, `epic`, `story`, `severity`) and a link to the source clause,
 * and the target description (never a credential) becomes Allure's environment info.
 * `npm run report:allure` renders the results with Allure 3.
 */

// The parts of allure-js-commons' model used here, declared locally: the project's `node`
// module resolution cannot see the package's `sdk/reporter` subpath types.
interface AllureStep {
  name?: string;
  steps: AllureStep[];
  attachments: unknown[];
}
export interface AllureResult {
  labels: Array<{ name: string; value: string }>;
  links: Array<{ name?: string; url: string; type?: string }>;
  steps: AllureStep[];
  description?: string;
}
type Options = ConstructorParameters<typeof AllureReporter>[0] & {
  resultsDir?: string;
  listeners?: Array<{ beforeTestResultWrite?: (result: AllureResult) => void }>;
};

const SEVERITY = { MUST: 'critical', SHOULD: 'normal', MAY: 'minor' } as const;
/** The steps allure-playwright makes of the `requirement`/`source` annotations: replaced by labels and a link. */
const ANNOTATION_STEP = /^(requirement|source): /;

export function addRequirementLabels(result: AllureResult): void {
  const ids = result.labels.filter((l) => l.name === 'tag').map((l) => l.value);
  const requirement = ids.map((id) => findRequirement(id)).find(Boolean);
  if (!requirement) return;
  const has = (name: string) => result.labels.some((l) => l.name === name);
  const add = (name: string, value: string) => {
    if (!has(name)) result.labels.push({ name, value });
  };
  add('requirement', requirement.id);
  add('level', requirement.level);
  add('feature', featureOf(requirement.id));
  add('epic', 'OpenStack Glance Image API v2');
  add('story', `${requirement.id}: ${requirement.title}`);
  add('severity', SEVERITY[requirement.level as keyof typeof SEVERITY] ?? 'normal');
  if (!result.links.some((l) => l.url === requirement.source.url)) {
    result.links.push({ name: requirement.source.clause, url: requirement.source.url, type: 'link' });
  }
  result.steps = result.steps.filter(
    (s) => !(s.name && ANNOTATION_STEP.test(s.name) && !s.steps.length && !s.attachments.length),
  );
  result.description ??= [
    `**${requirement.id}** (${requirement.level}): ${requirement.title}`,
    `Passes when: ${requirement.passes}`,
    `Source: [${requirement.source.clause}](${requirement.source.url})`,
  ].join('\n\n');
}

/** Allure's environment info: the target as discovery described it. Values are single-line. */
export function environmentInfo(
  target: TargetInfo | undefined,
  extra: Record<string, string> = {},
): Record<string, string> {
  const env: Record<string, string> = {};
  if (target) {
    env['Target URL'] = target.url;
    env['Target kind'] = target.kind === 'embedded' ? 'embedded reference server' : 'remote deployment';
    env['API version'] = target.currentVersion ?? 'unknown';
    env['API versions offered'] = target.versions.join(', ');
    env.Authentication = target.auth;
    for (const [cap, on] of Object.entries(target.capabilities)) {
      const reason = target.reasons[cap as keyof TargetInfo['reasons']];
      env[`Capability ${cap}`] = `${on ? 'yes' : 'no'}${reason ? ` (${reason})` : ''}`;
    }
    env['Run ID'] = target.runId;
  }
  return { ...env, ...extra };
}

/** Java-properties text: keys and values escaped, one entry a line. */
export function toProperties(values: Record<string, string>): string {
  const escape = (s: string, key: boolean) =>
    s
      .replace(/\\/g, '\\\\')
      .replace(/\r?\n/g, '\\n')
      .replace(key ? /[=:\s]/g : /^\s/, (c) => `\\${c}`)
      .replace(/[^\x20-\x7e]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return `${Object.entries(values)
    .map(([k, v]) => `${escape(k, true)}=${escape(v, false)}`)
    .join('\n')}\n`;
}

/**
 * Allure's results written as plain files. allure-js-commons' FileSystemWriter fsyncs each one (a result, a
 * container and attachments per test): in a CPU profile of a run against the reference server that was 0.8 s of
 * the runner's event loop, during which no worker got its next test. The results are read after the run, and a
 * run that dies leaves an incomplete report either way.
 */
class ResultsWriter {
  constructor(private readonly dir: string) {
    fs.mkdirSync(dir, { recursive: true });
  }

  private write(name: string, content: string | Buffer): void {
    fs.writeFileSync(path.join(this.dir, name), content);
  }

  writeAttachment(name: string, content: string | Buffer): void {
    this.write(name, content);
  }

  writeAttachmentFromPath(name: string, from: string): void {
    fs.copyFileSync(from, path.join(this.dir, name));
  }

  writeEnvironmentInfo(info: Record<string, string | undefined>): void {
    const defined = Object.entries(info).filter((entry): entry is [string, string] => entry[1] !== undefined);
    this.write('environment.properties', toProperties(Object.fromEntries(defined)));
  }

  writeCategoriesDefinitions(categories: unknown): void {
    this.write('categories.json', JSON.stringify(categories));
  }

  writeGroup(result: { uuid: string }): void {
    this.write(`${result.uuid}-container.json`, JSON.stringify(result));
  }

  writeResult(result: { uuid: string }): void {
    this.write(`${result.uuid}-result.json`, JSON.stringify(result));
  }

  writeGlobals(name: string, info: unknown): void {
    this.write(name, JSON.stringify(info));
  }
}

export default class ConformanceAllureReporter extends AllureReporter {
  private readonly resultsDir: string;

  constructor(options: Options = {}) {
    const resultsDir = path.resolve(options.resultsDir ?? path.join(loadSuiteConfig().reportDir, 'allure-results'));
    const config: Options = {
      detail: false,
      ...options,
      resultsDir,
      listeners: [...(options.listeners ?? []), { beforeTestResultWrite: addRequirementLabels }],
    };
    super(config);
    this.resultsDir = resultsDir;
  }

  override onBegin(suite: Suite): void {
    // Results of an earlier run would show up as retries of this one.
    fs.rmSync(this.resultsDir, { recursive: true, force: true });
    super.onBegin(suite);
    // allure-playwright makes its runtime, and the runtime's writer, here; the runtime is not part of its typed API.
    const runtime = (this as unknown as { allureRuntime?: { writer: unknown } }).allureRuntime;
    if (runtime) runtime.writer = new ResultsWriter(this.resultsDir);
  }

  override async onEnd(): Promise<void> {
    await super.onEnd();
    fs.mkdirSync(this.resultsDir, { recursive: true });
    writeEnvironment(this.resultsDir, readTargetInfo(loadSuiteConfig().targetInfoFile));
  }
}

/**
 * The Allure results of several shards as one: every shard's result and attachment files (named by
 * UUID, so they never collide) side by side, and the environment of the merged report's target.
 */
export function mergeAllureResults(shardDirs: string[], outDir: string, target: TargetInfo | undefined): number {
  fs.rmSync(outDir, { recursive: true, force: true });
  fs.mkdirSync(outDir, { recursive: true });
  let copied = 0;
  for (const dir of shardDirs.filter((d) => fs.existsSync(d))) {
    for (const file of fs.readdirSync(dir).filter((f) => f !== 'environment.properties')) {
      fs.copyFileSync(path.join(dir, file), path.join(outDir, file));
      copied += 1;
    }
  }
  writeEnvironment(outDir, target);
  return copied;
}

function writeEnvironment(resultsDir: string, target: TargetInfo | undefined): void {
  const tool = toolInfo();
  const info = environmentInfo(target, { 'Suite version': tool.version, Playwright: tool.playwright });
  fs.writeFileSync(path.join(resultsDir, 'environment.properties'), toProperties(info));
}
