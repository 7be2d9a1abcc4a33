import { expect, test } from '@playwright/test';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { ROOT, STATE_DIR, tsEntry } from '../harness/paths';
import { parseTempestOutput, type TempestRun } from '../scripts/tempest';

/**
 * Tempest's image API v2 tests (Debian's tempest 33) against real Glance 25.1 and against the reference server,
 * behind the same Keystone, nothing on the internet (scripts/tempest.ts): the reference passes every test Glance
 * passes, and the two result lists are the same test by test (docs/tempest.md says why where they are not).
 */
const OUT = path.join(ROOT, 'reports', 'tempest');

test('the output parser reads tests, class fixtures and skip reasons', () => {
  const tests = parseTempestOutput(
    [
      '{0} tempest.api.image.v2.test_images_tags.ImagesTagsTest.test_update_delete_tags_for_image [0.5s] ... ok',
      '{0} setUpClass (tempest.api.image.v2.admin.test_image_caching.ImageCachingTest) ... SKIPPED: no cache',
      '{1} tempest.api.image.v2.test_versions.VersionsTest.test_list_versions [0.1s] ... FAILED',
      'Ran: 3 tests',
    ].join('\n'),
  );
  expect(tests).toEqual([
    {
      id: 'tempest.api.image.v2.admin.test_image_caching.ImageCachingTest.setUpClass',
      status: 'skip',
      reason: 'no cache',
    },
    { id: 'tempest.api.image.v2.test_images_tags.ImagesTagsTest.test_update_delete_tags_for_image', status: 'pass' },
    { id: 'tempest.api.image.v2.test_versions.VersionsTest.test_list_versions', status: 'fail' },
  ]);
});

test('Tempest image v2: the reference server passes what Glance 25.1 passes, test by test', async () => {
  test.setTimeout(900_000);
  const run = promisify(execFile)(
    process.execPath,
    tsEntry(path.join(ROOT, 'scripts', 'tempest.ts'), '--out', OUT, '--state', path.join(STATE_DIR, 'tempest')),
    { cwd: ROOT, timeout: 840_000, maxBuffer: 16 * 1024 * 1024 },
  );
  const { stdout } = await run;
  const read = (target: string) =>
    JSON.parse(fs.readFileSync(path.join(OUT, `tempest-${target}.json`), 'utf8')) as TempestRun;
  const [glance, reference] = [read('glance'), read('reference')];
  expect(stdout).toContain('reference (reference server)');
  expect(glance.totals.pass, 'tests real Glance passes').toBeGreaterThan(60);
  expect(reference.totals.fail, 'tests the reference fails').toBe(0);
  expect(reference.tests.map((t) => [t.id, t.status])).toEqual(glance.tests.map((t) => [t.id, t.status]));
});
