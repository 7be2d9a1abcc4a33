import { ESCALATION, expect, requirement, test } from '../fixtures/test';
import { parseContentRange, partsOf } from '../harness/byteranges';
import { imageBytes } from '../harness/data';
import type { GlanceResponse, RawHeaders } from '../harness/glance-client';
import type { RequirementId } from '../catalog/requirements';

/**
 * Spec item 4 — ranged downloads of GET /v2/images/{id}/file (RFC 7233), every edge, each answer
 * checked for status, Content-Range, Content-Length and the exact bytes that were uploaded.
 */

const SIZE = 1000;
const DATA = imageBytes(SIZE, 'range-image');

type Expected =
  | { kind: 'partial'; first: number; last: number }
  | { kind: 'whole' }
  | { kind: 'unsatisfiable' }
  /** Several ranges: the whole image, or a 206 whose parts hold exactly these bytes. */
  | { kind: 'several'; ranges: Array<[number, number]> }
  /** A deprecated header the server may refuse: a clean 416 or the whole image, never 5xx. */
  | { kind: 'whole-or-416' };

interface RangeCase {
  id: RequirementId;
  name: string;
  headers: RawHeaders;
  expected: Expected;
}

const range = (value: string): RawHeaders => [['Range', value]];
const partial = (first: number, last: number): Expected => ({ kind: 'partial', first, last });
const whole: Expected = { kind: 'whole' };
const unsatisfiable: Expected = { kind: 'unsatisfiable' };

const cases: RangeCase[] = [
  { id: 'RANGE-FULL-200', name: 'no Range header', headers: [], expected: whole },
  { id: 'RANGE-SINGLE-206', name: 'first byte (bytes=0-0)', headers: range('bytes=0-0'), expected: partial(0, 0) },
  {
    id: 'RANGE-SINGLE-206',
    name: 'middle (bytes=100-199)',
    headers: range('bytes=100-199'),
    expected: partial(100, 199),
  },
  {
    id: 'RANGE-SINGLE-206',
    name: 'last byte',
    headers: range(`bytes=${SIZE - 1}-${SIZE - 1}`),
    expected: partial(SIZE - 1, SIZE - 1),
  },
  {
    id: 'RANGE-SINGLE-206',
    name: 'exactly the whole image',
    headers: range(`bytes=0-${SIZE - 1}`),
    expected: partial(0, SIZE - 1),
  },
  { id: 'RANGE-OPEN-ENDED-206', name: 'bytes=500-', headers: range('bytes=500-'), expected: partial(500, SIZE - 1) },
  {
    id: 'RANGE-OPEN-ENDED-206',
    name: 'from the last byte',
    headers: range(`bytes=${SIZE - 1}-`),
    expected: partial(SIZE - 1, SIZE - 1),
  },
  { id: 'RANGE-SUFFIX-206', name: 'bytes=-1', headers: range('bytes=-1'), expected: partial(SIZE - 1, SIZE - 1) },
  { id: 'RANGE-SUFFIX-206', name: 'bytes=-100', headers: range('bytes=-100'), expected: partial(SIZE - 100, SIZE - 1) },
  {
    id: 'RANGE-SUFFIX-206',
    name: 'suffix as long as the image',
    headers: range(`bytes=-${SIZE}`),
    expected: partial(0, SIZE - 1),
  },
  {
    id: 'RANGE-SUFFIX-206',
    name: 'suffix longer than the image',
    headers: range(`bytes=-${SIZE + 500}`),
    expected: partial(0, SIZE - 1),
  },
  {
    id: 'RANGE-END-CLAMPED-206',
    name: 'end one past the last byte',
    headers: range(`bytes=900-${SIZE}`),
    expected: partial(900, SIZE - 1),
  },
  {
    id: 'RANGE-END-CLAMPED-206',
    name: 'end far past the size',
    headers: range('bytes=900-99999999'),
    expected: partial(900, SIZE - 1),
  },
  {
    id: 'RANGE-END-CLAMPED-206',
    name: 'end beyond any 64-bit integer',
    headers: range('bytes=900-99999999999999999999999'),
    expected: partial(900, SIZE - 1),
  },
  { id: 'RANGE-START-BEYOND-416', name: 'start = size', headers: range(`bytes=${SIZE}-`), expected: unsatisfiable },
  {
    id: 'RANGE-START-BEYOND-416',
    name: 'start = size with an end',
    headers: range(`bytes=${SIZE}-${SIZE + 8}`),
    expected: unsatisfiable,
  },
  { id: 'RANGE-START-BEYOND-416', name: 'start > size', headers: range(`bytes=${SIZE + 8}-`), expected: unsatisfiable },
  { id: 'RANGE-SUFFIX-ZERO-416', name: 'bytes=-0', headers: range('bytes=-0'), expected: unsatisfiable },
  { id: 'RANGE-INVALID-IGNORED', name: 'bytes=abc', headers: range('bytes=abc'), expected: whole },
  { id: 'RANGE-INVALID-IGNORED', name: 'last before first (bytes=5-2)', headers: range('bytes=5-2'), expected: whole },
  { id: 'RANGE-INVALID-IGNORED', name: 'empty set (bytes=)', headers: range('bytes='), expected: whole },
  { id: 'RANGE-INVALID-IGNORED', name: 'no dash (bytes=1)', headers: range('bytes=1'), expected: whole },
  { id: 'RANGE-INVALID-IGNORED', name: 'dash alone (bytes=-)', headers: range('bytes=-'), expected: whole },
  {
    id: 'RANGE-INVALID-IGNORED',
    name: 'trailing garbage (bytes=0-4junk)',
    headers: range('bytes=0-4junk'),
    expected: whole,
  },
  { id: 'RANGE-INVALID-IGNORED', name: 'leading garbage (bytes=x1-2)', headers: range('bytes=x1-2'), expected: whole },
  {
    id: 'RANGE-INVALID-IGNORED',
    name: 'garbage in a suffix (bytes=-x1)',
    headers: range('bytes=-x1'),
    expected: whole,
  },
  { id: 'RANGE-UNKNOWN-UNIT-IGNORED', name: 'items=0-4', headers: range('items=0-4'), expected: whole },
  {
    id: 'RANGE-MULTIPLE',
    name: 'bytes=0-1,4-5',
    headers: range('bytes=0-1,4-5'),
    expected: {
      kind: 'several',
      ranges: [
        [0, 1],
        [4, 5],
      ],
    },
  },
  {
    id: 'RANGE-MULTIPLE',
    name: 'bytes=0-9, 500-509',
    headers: range('bytes=0-9, 500-509'),
    expected: {
      kind: 'several',
      ranges: [
        [0, 9],
        [500, 509],
      ],
    },
  },
  {
    id: 'RANGE-CASE-INSENSITIVE',
    name: 'field name range:',
    headers: [['range', 'bytes=0-4']],
    expected: partial(0, 4),
  },
  {
    id: 'RANGE-CASE-INSENSITIVE',
    name: 'field name RANGE:',
    headers: [['RANGE', 'bytes=0-4']],
    expected: partial(0, 4),
  },
  { id: 'RANGE-CASE-INSENSITIVE', name: 'unit BYTES', headers: range('BYTES=0-4'), expected: partial(0, 4) },
  { id: 'RANGE-CASE-INSENSITIVE', name: 'unit Bytes', headers: range('Bytes=0-4'), expected: partial(0, 4) },
  { id: 'RANGE-WHITESPACE', name: 'spaces around the value', headers: range('  bytes=0-4  '), expected: partial(0, 4) },
  { id: 'RANGE-WHITESPACE', name: 'a tab before the value', headers: range('\tbytes=0-4'), expected: partial(0, 4) },
  { id: 'RANGE-EMPTY-LIST-ELEMENT', name: 'bytes=0-4,', headers: range('bytes=0-4,'), expected: partial(0, 4) },
  {
    id: 'RANGE-EMPTY-LIST-ELEMENT',
    name: 'OWS around the comma (bytes=0-4 , )',
    headers: range('bytes=0-4 , '),
    expected: partial(0, 4),
  },
  {
    id: 'RANGE-EMPTY-LIST-ELEMENT',
    name: 'runs of OWS around the elements (bytes=, SP HT SP 0-4 SP HT SP ,)',
    headers: range('bytes=, \t 0-4 \t ,'),
    expected: partial(0, 4),
  },
  {
    id: 'RANGE-IF-RANGE-MISMATCH',
    name: 'If-Range with an unknown entity tag',
    headers: [
      ['Range', 'bytes=0-4'],
      ['If-Range', '"no-such-etag"'],
    ],
    expected: whole,
  },
  {
    id: 'RANGE-IF-RANGE-MISMATCH',
    name: 'If-Range with a date in the past',
    headers: [
      ['Range', 'bytes=0-4'],
      ['If-Range', 'Sat, 01 Jan 2000 00:00:00 GMT'],
    ],
    expected: whole,
  },
  {
    id: 'RANGE-DEPRECATED-CONTENT-RANGE',
    name: `Content-Range: bytes 12-30/${SIZE}`,
    headers: [['Content-Range', `bytes 12-30/${SIZE}`]],
    expected: partial(12, 30),
  },
  {
    id: 'RANGE-DEPRECATED-CONTENT-RANGE',
    name: 'Content-Range: bytes 12-30/*',
    headers: [['Content-Range', 'bytes 12-30/*']],
    expected: partial(12, 30),
  },
  {
    id: 'RANGE-DEPRECATED-CONTENT-RANGE',
    name: `one byte: Content-Range: bytes 5-5/${SIZE}`,
    headers: [['Content-Range', `bytes 5-5/${SIZE}`]],
    expected: partial(5, 5),
  },
  {
    id: 'RANGE-RANGE-WINS',
    name: 'Range and Content-Range together',
    headers: [
      ['Range', 'bytes=0-1'],
      ['Content-Range', `bytes 12-30/${SIZE}`],
    ],
    expected: partial(0, 1),
  },
  {
    id: 'RANGE-DEPRECATED-INVALID-NO-5XX',
    name: `Content-Range: bytes */${SIZE}`,
    headers: [['Content-Range', `bytes */${SIZE}`]],
    expected: { kind: 'whole-or-416' },
  },
  {
    id: 'RANGE-DEPRECATED-INVALID-NO-5XX',
    name: 'Content-Range: garbage',
    headers: [['Content-Range', 'garbage']],
    expected: { kind: 'whole-or-416' },
  },
  {
    id: 'RANGE-DEPRECATED-INVALID-NO-5XX',
    name: 'Content-Range stop past the end',
    headers: [['Content-Range', `bytes 12-${SIZE + 40}/*`]],
    expected: { kind: 'whole-or-416' },
  },
  {
    id: 'RANGE-DEPRECATED-INVALID-NO-5XX',
    name: 'Content-Range stop one past the last byte (/*)',
    headers: [['Content-Range', `bytes 12-${SIZE}/*`]],
    expected: { kind: 'whole-or-416' },
  },
  {
    id: 'RANGE-DEPRECATED-INVALID-NO-5XX',
    name: 'Content-Range stop one past the last byte (/LEN)',
    headers: [['Content-Range', `bytes 12-${SIZE}/${SIZE * 2}`]],
    expected: { kind: 'whole-or-416' },
  },
  {
    id: 'RANGE-DEPRECATED-INVALID-NO-5XX',
    name: 'Content-Range stop before start',
    headers: [['Content-Range', `bytes 30-12/${SIZE}`]],
    expected: { kind: 'whole-or-416' },
  },
  {
    id: 'RANGE-DEPRECATED-INVALID-NO-5XX',
    name: 'Content-Range stop beyond its own length',
    headers: [['Content-Range', 'bytes 12-30/20']],
    expected: { kind: 'whole-or-416' },
  },
  {
    id: 'RANGE-DEPRECATED-INVALID-NO-5XX',
    name: 'Content-Range stop equal to its own length',
    headers: [['Content-Range', 'bytes 12-30/30']],
    expected: { kind: 'whole-or-416' },
  },
  {
    id: 'RANGE-DEPRECATED-INVALID-NO-5XX',
    name: 'Content-Range with leading text',
    headers: [['Content-Range', `junk bytes 12-30/${SIZE}`]],
    expected: { kind: 'whole-or-416' },
  },
];

// Every case of a requirement is judged, also after one has failed: the findings are soft, and each names its case.
const soft = expect.configure({ soft: true });

function expectPartial(res: GlanceResponse, first: number, last: number, on: string): void {
  soft(res).toAnswer(206, `${on}: status of a satisfiable single range`);
  soft(res.headers['content-range'], `${on}: Content-Range of the 206`).toBe(`bytes ${first}-${last}/${SIZE}`);
  if (res.headers['content-length'] !== undefined)
    soft(res.headers['content-length'], `${on}: Content-Length of the 206`).toBe(String(last - first + 1));
  soft(res.body.length, `${on}: number of bytes received`).toBe(last - first + 1);
  soft(
    res.body.equals(DATA.subarray(first, last + 1)),
    `${on}: the bytes received are the image's bytes ${first}-${last}`,
  ).toBe(true);
}

function expectWhole(res: GlanceResponse, on: string): void {
  soft(res).toAnswer(200, `${on}: status of a download answered in full`);
  soft(res.headers['content-range'], `${on}: a 200 carries no Content-Range`).toBeUndefined();
  soft(res.body.length, `${on}: number of bytes received`).toBe(SIZE);
  soft(res.body.equals(DATA), `${on}: the bytes received are the whole image`).toBe(true);
}

function expectUnsatisfiable(res: GlanceResponse, on: string): void {
  soft(res).toAnswer(416, `${on}: status of an unsatisfiable range`);
  soft(res.body.includes(DATA.subarray(0, 16)), `${on}: a 416 sends no image bytes`).toBe(false);
}

function expectSeveral(res: GlanceResponse, ranges: Array<[number, number]>, on: string): void {
  if (res.status === 200) return expectWhole(res, on);
  soft(res).toAnswer(206, `${on}: several ranges: 200 with the whole image, or 206`);
  const parts = partsOf(res);
  soft(parts, `${on}: the 206 is a single Content-Range or a well-formed multipart/byteranges`).toBeDefined();
  if (!parts) return;
  for (const part of parts) {
    soft(part.size, `${on}: complete length in each part`).toBe(SIZE);
    soft(
      part.bytes.equals(DATA.subarray(part.first, part.last + 1)),
      `${on}: bytes of part ${part.first}-${part.last}`,
    ).toBe(true);
  }
  for (const [first, last] of ranges) {
    soft(
      parts.some((p) => p.first <= first && p.last >= last),
      `${on}: some part covers ${first}-${last}`,
    ).toBe(true);
  }
}

function check(res: GlanceResponse, expected: Expected, on: string): void {
  switch (expected.kind) {
    case 'partial':
      return expectPartial(res, expected.first, expected.last, on);
    case 'whole':
      return expectWhole(res, on);
    case 'unsatisfiable':
      return expectUnsatisfiable(res, on);
    case 'several':
      return expectSeveral(res, expected.ranges, on);
    case 'whole-or-416':
      if (res.status === 416) return expectUnsatisfiable(res, on);
      return expectWhole(res, on);
  }
}

const label = (headers: RawHeaders) =>
  headers.length ? headers.map(([k, v]) => `${k}: ${JSON.stringify(v)}`).join(', ') : 'no range headers';

/** The cases grouped by requirement, in the order they are listed. */
function byRequirement<C extends { id: RequirementId }>(list: readonly C[]): Map<RequirementId, C[]> {
  const groups = new Map<RequirementId, C[]>();
  for (const c of list) groups.set(c.id, [...(groups.get(c.id) ?? []), c]);
  return groups;
}

/*
 * One test per requirement, one step per case, all on one image: a test that fails costs Playwright a new
 * worker, so a target that breaks a requirement in nine ways pays for one, not nine.
 */
test.describe('ranged downloads of a 1000-byte image', () => {
  for (const [id, group] of byRequirement(cases)) {
    test(...requirement(id), async ({ images, glance }) => {
      const image = await images.create({ status: 'active', data: DATA });

      for (const c of group) {
        await test.step(c.name, async () => check(await glance.download(image.id, c.headers), c.expected, c.name));
      }
    });
  }

  test(...requirement('RANGE-416-CONTENT-RANGE'), async ({ images, glance }) => {
    const image = await images.create({ status: 'active', data: DATA });
    const values = [`bytes=${SIZE}-`, 'bytes=-0', `bytes=${SIZE + 8}-${SIZE + 20}`];
    const not416: string[] = [];

    for (const value of values) {
      await test.step(value, async () => {
        const res = await glance.download(image.id, range(value));
        // Only a 416 can be judged here; whether a 416 was due is another requirement's question.
        if (res.status !== 416) return void not416.push(`${res.status} to Range: ${value}`);
        soft(res.headers['content-range'], `${value}: Content-Range of the 416`).toBe(`bytes */${SIZE}`);
      });
    }

    test.skip(not416.length === values.length, `the target answered no range with 416: ${not416.join(', ')}`);
  });
});

test.describe('If-Range with the current validator', () => {
  test(...requirement('RANGE-IF-RANGE-MATCH-206'), async ({ images, glance }) => {
    const image = await images.create({ status: 'active', data: DATA });
    const full = await glance.download(image.id);
    const etag = full.headers.etag;
    // RFC 7233 §3.2: only a strong entity tag may validate a Range; without one there is nothing to match.
    test.skip(!etag || etag.startsWith('W/'), `GET /file answered without a strong ETag (${etag ?? 'none'})`);

    const res = await glance.download(image.id, [
      ['Range', 'bytes=0-4'],
      ['If-Range', etag!],
    ]);

    expectPartial(res, 0, 4, `If-Range: ${etag}`);
  });
});

test.describe('ranged downloads of images with no bytes', () => {
  test(...requirement('RANGE-EMPTY-IMAGE-416'), async ({ images, glance }) => {
    const image = await images.create({ status: 'active', data: Buffer.alloc(0) });

    for (const value of ['bytes=0-4', 'bytes=-3', 'bytes=0-']) {
      await test.step(value, async () => {
        const res = await glance.download(image.id, range(value));

        if (res.status === 206 && !parseContentRange(res.headers['content-range'])) {
          const got = JSON.stringify(res.headers['content-range']);
          test.info().annotations.push({
            type: ESCALATION,
            description: `${value}: a 206 must carry a valid Content-Range (RFC 7233 §4.1); got ${got}`,
          });
        }
        soft(res).toAnswer(416, `${value}: status of any range of a 0-byte image`);
      });
    }
  });

  test(...requirement('RANGE-NO-DATA-204'), async ({ images, glance }) => {
    const image = await images.create({ status: 'queued' });

    const noData: RawHeaders[] = [[], range('bytes=0-4'), range('bytes=-3'), [['Content-Range', 'bytes 0-4/32']]];
    for (const headers of noData) {
      const on = label(headers);
      await test.step(on, async () => {
        const res = await glance.download(image.id, headers);

        soft(res).toAnswer(204, `${on}: download of an image without data`);
        soft(res.body.length, `${on}: a 204 has no body`).toBe(0);
      });
    }
  });
});
