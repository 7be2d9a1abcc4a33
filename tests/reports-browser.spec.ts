import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { expect, test, type Browser, type Page } from '@playwright/test';
import { launchChromium } from './support/chromium';
import { brokenRun, referenceRun, type ReportRun } from './support/report-runs';
import { CLI } from '../harness/paths';
import { runEntry } from './support/run-suite';

/**
 * The report pages in a real browser (Debian's Chromium), looked at the way a person would: the
 * table, the verdict filter, the evidence of a failing requirement, the matrix. Screenshots go to
 * the test's attachments.
 */

test.describe.configure({ mode: 'default' });

let reference: ReportRun;
let broken: ReportRun;
let browser: Browser;
let matrixFile: string;

test.beforeAll(async () => {
  test.setTimeout(400_000);
  [reference, broken, browser] = await Promise.all([
    referenceRun('browser-reference'),
    brokenRun('browser-broken'),
    launchChromium(),
  ]);
  matrixFile = path.join(broken.dir, 'matrix.html');
  const r = runEntry(CLI, [
    'report',
    'matrix',
    `reference=${path.join(reference.dir, 'conformance.json')}`,
    `broken=${path.join(broken.dir, 'conformance.json')}`,
    '--out',
    matrixFile,
  ]);
  expect(r.status, r.stdout + r.stderr).toBe(0);
});

test.afterAll(async () => {
  await browser?.close();
});

/** Opens a local page and fails the test on any request that leaves the file system or any script error. */
async function open(file: string): Promise<{ page: Page; problems: string[] }> {
  const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  const problems: string[] = [];
  page.on('request', (r) => {
    if (!/^(file|data):/.test(r.url())) problems.push(`request to ${r.url()}`);
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console error: ${m.text()}`);
  });
  await page.goto(pathToFileURL(file).href);
  return { page, problems };
}

test('conformance.html: the table, the verdict filter and the evidence of a failing finding', async ({}, testInfo) => {
  const report = broken.report!;
  const { page, problems } = await open(path.join(broken.dir, 'conformance.html'));
  try {
    await expect(page.locator('#overall-verdict')).toHaveText('non-conformant');
    await expect(page.locator('.target-url')).toHaveText(report.target!.url);
    await expect(page.getByRole('rowheader', { name: 'multiple-locations' })).toBeVisible();

    // One row per requirement, in the report's order, each with its verdict.
    const rows = page.locator('tbody.req');
    await expect(rows).toHaveCount(report.requirements.length);
    await expect(rows.locator('code.rid')).toHaveText(report.requirements.map((r) => r.id));
    await expect(page.locator('#req-LOC-REMOVE-QUEUED-409 td.verdict')).toHaveText('fail');
    await expect(page.locator('#req-RANGE-416-CONTENT-RANGE td.verdict')).toHaveText('non-strict');
    await expect(page.locator('#req-DISCOVERY-VERSIONS td.verdict')).toHaveText('pass');
    await expect(
      page.locator('#req-LOC-REMOVE-QUEUED-409').getByRole('link', { name: /Ocata spec-lite/ }),
    ).toHaveAttribute('href', /^https:\/\/specs\.openstack\.org\//);

    // Unticking "pass" hides exactly the passing requirements; ticking it again brings them back.
    const passing = report.requirements.filter((r) => r.verdict === 'pass').length;
    await page.locator('input[name=verdict][value=pass]').uncheck();
    await expect(page.locator('tbody.req:visible')).toHaveCount(report.requirements.length - passing);
    await expect(page.locator('#req-DISCOVERY-VERSIONS')).toBeHidden();
    await expect(page.locator('#req-LOC-REMOVE-QUEUED-409')).toBeVisible();
    await expect(page.locator('#shown-count')).toHaveText(
      `${report.requirements.length - passing} of ${report.requirements.length} requirements shown`,
    );
    await page.locator('input[name=verdict][value=pass]').check();
    await expect(page.locator('tbody.req:visible')).toHaveCount(report.requirements.length);

    // The feature filter.
    await page.locator('#feature-filter').selectOption('RANGE');
    await expect(page.locator('tbody.req:visible')).toHaveCount(
      report.requirements.filter((r) => r.feature === 'RANGE').length,
    );
    await page.locator('#feature-filter').selectOption('');
    await page.getByRole('button', { name: 'Only findings' }).click();
    await expect(page.locator('tbody.req:visible')).toHaveCount(
      report.summary.fail + report.summary['non-strict'] + report.summary.error,
    );

    // The evidence of a failing MUST: closed at first, then the reason and the deciding exchange.
    const row = page.locator('#req-LOC-REMOVE-QUEUED-409');
    const evidence = row.locator('details.evidence');
    await expect(evidence.locator('.reason')).toBeHidden();
    await evidence.locator('summary').first().click();
    await expect(evidence.locator('.reason .headline')).toHaveText('remove of a location on a queued image');
    await expect(evidence.locator('dl.expect')).toContainText('Expected409');
    await expect(evidence.locator('dl.expect')).toContainText('Actual200');
    const deciding = evidence.locator('details.exchange').first();
    await expect(deciding).toHaveAttribute('open', '');
    await expect(deciding.locator('summary')).toContainText('deciding');
    await expect(deciding.locator('summary .reqline')).toContainText(/^PATCH http:\/\/127\.0\.0\.1:\d+\/v2\/images\//);
    await expect(deciding.locator('section.msg').first()).toContainText('Request');
    await expect(deciding.locator('section.msg').first()).toContainText('"op": "remove"');
    await expect(deciding.locator('section.msg').nth(1)).toContainText('HTTP 200');
    await expect(deciding.locator('section.msg').nth(1)).toContainText('content-type');
    await expect(evidence.getByText(/cleanup exchange/)).toBeVisible();
    await row.scrollIntoViewIfNeeded();
    await testInfo.attach('conformance.html — evidence of LOC-REMOVE-QUEUED-409', {
      body: await page.screenshot(),
      contentType: 'image/png',
    });

    // A SHOULD finding expands the same way.
    const ns = page.locator('#req-RANGE-416-CONTENT-RANGE details.evidence');
    await ns.locator('summary').first().click();
    await expect(ns.locator('details.exchange').first().locator('summary')).toContainText('416');

    await page.getByRole('button', { name: 'Show all' }).click();
    await page.evaluate('window.scrollTo(0, 0)');
    await testInfo.attach('conformance.html — top', { body: await page.screenshot(), contentType: 'image/png' });
    expect(problems).toEqual([]);
  } finally {
    await page.close();
  }
});

test('matrix.html: a column per target, a row per requirement, cells coloured by verdict', async ({}, testInfo) => {
  const { page, problems } = await open(matrixFile);
  try {
    const ids = new Set([...reference.report!.requirements, ...broken.report!.requirements].map((r) => r.id));
    await expect(page.locator('thead th.col .col-name')).toHaveText(['reference', 'broken']);
    await expect(page.locator('tbody tr.req')).toHaveCount(ids.size);

    const cells = page.locator('#req-LOC-REMOVE-QUEUED-409 td.cell');
    await expect(cells).toHaveText(['pass', 'FAIL']);
    // (a string, as the project's tsconfig has no DOM types)
    const colours = (await page.evaluate(
      "Array.from(document.querySelectorAll('#req-LOC-REMOVE-QUEUED-409 td.cell'))" +
        '.map((td) => getComputedStyle(td).backgroundColor)',
    )) as string[];
    expect(colours[0]).not.toBe(colours[1]);
    await expect(page.locator('#req-RANGE-416-CONTENT-RANGE td.cell').nth(1)).toHaveText('non-strict');

    const differing = broken.report!.requirements.filter(
      (r) => reference.report!.requirements.find((x) => x.id === r.id)?.verdict !== r.verdict,
    ).length;
    await page.getByLabel('only rows where targets differ').check();
    await expect(page.locator('tbody tr.req:visible')).toHaveCount(differing);
    await testInfo.attach('matrix.html — rows where the targets differ', {
      body: await page.screenshot(),
      contentType: 'image/png',
    });
    await page.getByLabel('only rows where targets differ').uncheck();
    await expect(page.locator('tbody tr.req:visible')).toHaveCount(ids.size);
    await testInfo.attach('matrix.html', { body: await page.screenshot(), contentType: 'image/png' });

    // A cell leads to the evidence in that target's own report.
    await cells.nth(1).getByRole('link').click();
    await expect(page).toHaveURL(/conformance\.html#req-LOC-REMOVE-QUEUED-409$/);
    await expect(page.locator('#req-LOC-REMOVE-QUEUED-409 details.evidence')).toHaveAttribute('open', '');
    expect(problems).toEqual([]);
  } finally {
    await page.close();
  }
});
