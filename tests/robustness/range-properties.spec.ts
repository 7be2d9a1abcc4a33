import assert from 'node:assert/strict';
import { test } from '@playwright/test';
import fc from 'fast-check';
import { decideRange, type RangeDecision } from '../../reference-server/range';
import { startReferenceServer, type ReferenceServer } from '../../reference-server';
import {
  expectedForContentRange,
  expectedForRange,
  judgeDownload,
  RawClient,
  runs,
  SEED,
  type Expected,
} from './support';

/**
 * Property-based checks of ranged downloads (RFC 7233): random image sizes (0 included) and random
 * `Range` / `Content-Range` values — valid, suffix, open, past the end, garbage, huge numerals — judged
 * by an independent reading of the RFC (support.ts), first on the pure functions of
 * reference-server/range.ts, then over HTTP with the bytes compared to the expected slice.
 * Quick profile in npm test; PROPERTIES=long (npm run test:properties:long) runs ≥ 100 000 cases.
 * Inside properties node:assert, not Playwright's expect: expect records a step per call, which
 * grows without bound over 100 000 cases.
 */

// ── generators ──────────────────────────────────────────────────────────────────────────────────

const printable = fc.string({
  unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)),
  maxLength: 24,
});
const huge = fc.stringMatching(/^[1-9][0-9]{16,40}$/);

/** A numeral around `size`: in range, at the edges, past the end, with leading zeros, or beyond any integer. */
function numeral(size: number): fc.Arbitrary<string> {
  return fc.oneof(
    fc.integer({ min: 0, max: size + 2 }).map(String),
    fc.constantFrom(0, Math.max(size - 1, 0), size, size + 1).map(String),
    fc.nat().map(String),
    fc.integer({ min: 0, max: size + 2 }).map((n) => `00${n}`),
    huge,
  );
}

const ows = fc.constantFrom('', ' ', '\t', '  ', ' \t');

function element(size: number): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 4, arbitrary: fc.tuple(numeral(size), numeral(size)).map(([a, b]) => `${a}-${b}`) },
    { weight: 2, arbitrary: numeral(size).map((a) => `${a}-`) },
    { weight: 2, arbitrary: numeral(size).map((n) => `-${n}`) },
    {
      weight: 1,
      arbitrary: fc.constantFrom('-', '', '1', 'a-b', '0x1-2', '1-2-3', '- 1', '1 -2', '+1-2', '1-2junk', '١-٢'),
    },
    { weight: 1, arbitrary: printable },
  );
}

/**
 * A Range field value: a unit (bytes in any case, or another), elements with OWS and empty list
 * items; or garbage (`http`: only what a client can put in a header field).
 */
function rangeValue(size: number, http = false): fc.Arbitrary<string> {
  const unit = fc.constantFrom('bytes', 'bytes', 'bytes', 'BYTES', 'Bytes', 'bYtEs', 'items', 'byte', 'bytes ', '');
  const list = fc.array(
    fc.tuple(ows, element(size), ows).map(([a, e, b]) => `${a}${e}${b}`),
    { minLength: 0, maxLength: 3 },
  );
  const separator = fc.constantFrom(',', ', ', ' , ', ',,');
  const structured = fc
    .tuple(ows, unit, list, separator, fc.boolean(), ows)
    .map(
      ([lead, u, elements, sep, trailingComma, trail]) =>
        `${lead}${u}=${elements.join(sep)}${trailingComma ? ',' : ''}${trail}`,
    );
  return fc.oneof(
    { weight: 8, arbitrary: structured },
    { weight: 1, arbitrary: printable },
    { weight: 1, arbitrary: http ? printable : fc.string() },
  );
}

function contentRangeValue(size: number): fc.Arbitrary<string> {
  const structured = fc
    .tuple(
      numeral(size),
      numeral(size),
      fc.oneof(numeral(size), fc.constant('*')),
      fc.constantFrom('bytes ', 'bytes ', 'bytes=', 'Bytes ', 'items ', ''),
      fc.constantFrom('', '', 'junk', ' '),
    )
    .map(([first, last, length, unit, tail]) => `${unit}${first}-${last}/${length}${tail}`);
  const star = numeral(size).map((length) => `bytes */${length}`);
  return fc.oneof(
    { weight: 6, arbitrary: structured },
    { weight: 1, arbitrary: star },
    { weight: 1, arbitrary: printable },
  );
}

const sizes = fc.oneof(
  fc.constant(0),
  fc.integer({ min: 1, max: 4 }),
  fc.integer({ min: 0, max: 5000 }),
  fc.integer({ min: 0, max: 2 ** 45 }),
);

const asExpected = (decision: RangeDecision): Expected =>
  decision.kind === 'partial'
    ? { kind: 'partial', first: decision.first, last: decision.last }
    : { kind: decision.kind };

// ── pure functions ──────────────────────────────────────────────────────────────────────────────

test.describe('range.ts properties @property', () => {
  test('Range: 206 for one satisfiable range, clamped; 416 when unsatisfiable; else the whole image', () => {
    test.setTimeout(0);
    const cases = fc.tuple(sizes, fc.nat()).chain(([size]) => fc.tuple(fc.constant(size), rangeValue(size)));
    fc.assert(
      fc.property(cases, ([size, value]) => {
        const decision = decideRange({ range: value }, size, null);
        assert.deepEqual(
          asExpected(decision),
          expectedForRange(value, size),
          `Range: ${JSON.stringify(value)} on ${size} bytes`,
        );
        if (decision.kind === 'partial')
          assert.ok(0 <= decision.first && decision.first <= decision.last && decision.last < size);
      }),
      { numRuns: runs(500, 60_000), seed: SEED },
    );
  });

  test('Content-Range (deprecated request header): an exact existing window, else 416 — never the whole image', () => {
    test.setTimeout(0);
    const cases = sizes.chain((size) => fc.tuple(fc.constant(size), contentRangeValue(size)));
    fc.assert(
      fc.property(cases, ([size, value]) => {
        assert.deepEqual(
          asExpected(decideRange({ contentRange: value }, size, null)),
          expectedForContentRange(value, size),
          `Content-Range: ${JSON.stringify(value)} on ${size} bytes`,
        );
      }),
      { numRuns: runs(300, 30_000), seed: SEED },
    );
  });

  test('If-Range lets a range through only when it is exactly the strong ETag; Range wins over Content-Range', () => {
    test.setTimeout(0);
    const etag = '"0123456789abcdef0123456789abcdef"';
    const ifRange = fc.constantFrom(
      etag,
      ` ${etag}\t`,
      `W/${etag}`,
      '"other"',
      'Sat, 01 Jan 2000 00:00:00 GMT',
      '',
      etag.toUpperCase(),
    );
    const cases = sizes.chain((size) =>
      fc.tuple(
        fc.constant(size),
        rangeValue(size),
        fc.option(ifRange),
        fc.option(contentRangeValue(size)),
        fc.boolean(),
      ),
    );
    fc.assert(
      fc.property(cases, ([size, value, condition, contentRange, hasEtag]) => {
        const decision = decideRange(
          { range: value, ifRange: condition ?? undefined, contentRange: contentRange ?? undefined },
          size,
          hasEtag ? etag : null,
        );
        const matches = condition === null || (hasEtag && condition.trim() === etag);
        assert.deepEqual(asExpected(decision), matches ? expectedForRange(value, size) : { kind: 'full' });
      }),
      { numRuns: runs(300, 30_000), seed: SEED },
    );
  });
});

// ── over HTTP ───────────────────────────────────────────────────────────────────────────────────

test.describe('ranged downloads over HTTP @property', () => {
  let server: ReferenceServer;
  let client: RawClient;

  test.beforeAll(async () => {
    server = await startReferenceServer({ port: 0 });
    client = new RawClient(server.url);
  });

  test.afterAll(async () => {
    await client.close();
    await server.close();
  });

  test('random sizes and Range/Content-Range values: status, Content-Range, Content-Length, exact bytes', async () => {
    test.setTimeout(0);
    const httpSizes = fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 8 }), fc.integer({ min: 0, max: 70_000 }));
    const cases = httpSizes.chain((size) =>
      fc.tuple(
        fc.constant(size),
        fc.oneof(
          rangeValue(size, true).map((v) => ['Range', v] as const),
          contentRangeValue(size).map((v) => ['Content-Range', v] as const),
        ),
      ),
    );
    // A few images per size class, reused: creating one per case would mostly test uploads.
    const images = new Map<number, { id: string; data: Buffer }>();
    const imageOf = async (size: number): Promise<{ id: string; data: Buffer }> => {
      let image = images.get(size);
      if (!image) {
        const id = await client.createImage();
        const data = Buffer.from(Array.from({ length: size }, (_, i) => (i * 131 + size) & 0xff));
        const put = await client.send(
          'PUT',
          `/v2/images/${id}/file`,
          [['Content-Type', 'application/octet-stream']],
          data,
        );
        assert.equal(put.status, 204);
        image = { id, data };
        if (images.size > 200) images.clear();
        images.set(size, image);
      }
      return image;
    };
    let count = 0;
    await fc.assert(
      fc.asyncProperty(cases, async ([size, [name, text]]) => {
        // Non-ASCII travels as its UTF-8 bytes, which the server reads as latin-1 (obs-text).
        const value = Buffer.from(text, 'utf8').toString('latin1');
        const { id, data } = await imageOf(size);
        const res = await client.send('GET', `/v2/images/${id}/file`, [[name, value]]);
        const expected = name === 'Range' ? expectedForRange(value, size) : expectedForContentRange(value, size);
        const problem = judgeDownload(res, expected, data);
        assert.equal(problem, undefined, `${name}: ${JSON.stringify(value)} on ${size} bytes`);
        count++;
      }),
      { numRuns: runs(200, 20_000), seed: SEED },
    );
    test.info().annotations.push({ type: 'cases', description: String(count) });
  });
});
