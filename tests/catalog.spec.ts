import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { FEATURES, featureOf, requirements } from '../catalog/requirements';
import { ROOT } from './support/run-suite';

/** The catalog and the specs must describe the same set of requirements, one requirement per test. */

interface ListedSpec {
  title: string;
  tags: string[];
}
interface ListedSuite {
  specs?: ListedSpec[];
  suites?: ListedSuite[];
}

function listedTests(): ListedSpec[] {
  const out = execFileSync(
    process.execPath,
    [
      require.resolve('@playwright/test/cli'),
      'test',
      '--list',
      '--reporter=json',
      '-c',
      path.join(ROOT, 'playwright.config.ts'),
    ],
    {
      cwd: ROOT,
      env: { ...process.env, GLANCE_URL: '', OS_AUTH_URL: '', OS_CLOUD: '' },
      maxBuffer: 64 * 1024 * 1024,
    },
  ).toString();
  const walk = (s: ListedSuite): ListedSpec[] => [...(s.specs ?? []), ...(s.suites ?? []).flatMap(walk)];
  return (JSON.parse(out) as { suites: ListedSuite[] }).suites.flatMap(walk);
}

test('every requirement has a test and every test names exactly one known requirement', () => {
  const tests = listedTests();
  const known = new Set<string>(requirements.map((r) => r.id));
  for (const t of tests) {
    const ids = t.tags.map((tag) => tag.replace(/^@/, '')).filter((tag) => /^[A-Z]+(-[A-Z0-9]+)+$/.test(tag));
    expect(ids, `requirement tags of "${t.title}"`).toHaveLength(1);
    expect(known.has(ids[0]), `"${t.title}" names ${ids[0]}, which is not in the catalog`).toBe(true);
  }
  // Titles come from the catalog (test(...requirement(ID[, case]), …)): a spec cannot word a requirement its own way.
  const byId = new Map<string, string>(requirements.map((r) => [r.id, r.title]));
  for (const t of tests) {
    const title = byId.get(t.tags.map((tag) => tag.replace(/^@/, '')).find((id) => byId.has(id)) ?? '');
    expect(t.title === title || t.title.startsWith(`${title} — `), `"${t.title}" is titled by the catalog`).toBe(true);
  }
  const tested = new Set(tests.flatMap((t) => t.tags.map((tag) => tag.replace(/^@/, ''))));
  expect(
    requirements.filter((r) => !tested.has(r.id)).map((r) => r.id),
    'requirements without a test',
  ).toEqual([]);
});

test('the catalog holds the requirements of the four items, discovery, patch, actions and the 2.17 API', () => {
  const perFeature = Object.fromEntries(
    FEATURES.map((f) => [f, requirements.filter((r) => featureOf(r.id) === f).length]),
  );
  expect(perFeature).toEqual({
    DISCOVERY: 5,
    LOC: 24,
    'LOCATIONS-API': 8,
    PATCH: 11,
    ACTIONS: 5,
    METADEF: 7,
    HYPERVISOR: 5,
    'DISK-FORMAT': 4,
    RANGE: 21,
  });
  expect(requirements).toHaveLength(90);
});

test('requirement IDs are unique, belong to a feature, and cite a source', () => {
  const ids = requirements.map((r) => r.id);
  expect(new Set(ids).size).toBe(ids.length);
  for (const r of requirements) {
    expect(FEATURES as readonly string[], `feature of ${r.id}`).toContain(featureOf(r.id));
    expect(r.source.url, `source of ${r.id}`).toMatch(/^https:\/\//);
    expect(r.passes.length, `pass criterion of ${r.id}`).toBeGreaterThan(10);
  }
});
