import { expect, test } from '@playwright/test';
import { decideContentRange, decideRange, parseRangeHeader } from '../../../reference-server/range';

const SIZE = 32;
const ETAG = '"1803a4cd3eebb1d125028db31a0ad281"';
const decide = (range: string, extra: { ifRange?: string } = {}) => decideRange({ range, ...extra }, SIZE, ETAG);

test.describe('parseRangeHeader (RFC 7233 §2.1 grammar)', () => {
  test('accepts the three spec forms, unit case-insensitively, with OWS around the field and list elements', () => {
    expect(parseRangeHeader('bytes=0-4')).toEqual([{ first: 0, last: 4 }]);
    expect(parseRangeHeader('bytes=5-')).toEqual([{ first: 5, last: null }]);
    expect(parseRangeHeader('bytes=-3')).toEqual([{ suffix: 3 }]);
    expect(parseRangeHeader('BYTES=0-4')).toHaveLength(1);
    expect(parseRangeHeader(' \tbytes=0-4 ')).toHaveLength(1);
    expect(parseRangeHeader('bytes=0-1,')).toHaveLength(1);
    expect(parseRangeHeader('bytes=,0-1 , 4-5')).toHaveLength(2);
    expect(parseRangeHeader('bytes=, \t 0-1 \t ,')).toEqual([{ first: 0, last: 1 }]);
  });

  for (const invalid of [
    'abc',
    'bytes=',
    'bytes=1',
    'bytes=5-2',
    'bytes=-',
    'bytes=0-4junk',
    'bytes = 0-4',
    'bytes=0 - 4',
    'items=0-4',
    '',
    'bytes=,',
    'bytes=0x1-2',
  ]) {
    test(`rejects ${JSON.stringify(invalid)}`, () => {
      expect(parseRangeHeader(invalid)).toEqual([]);
    });
  }
});

test.describe('decideRange', () => {
  test('single satisfiable ranges are clamped and resolved', () => {
    expect(decide('bytes=0-4')).toEqual({ kind: 'partial', first: 0, last: 4 });
    expect(decide('bytes=12-30')).toEqual({ kind: 'partial', first: 12, last: 30 });
    expect(decide('bytes=0-999')).toEqual({ kind: 'partial', first: 0, last: 31 });
    expect(decide('bytes=31-')).toEqual({ kind: 'partial', first: 31, last: 31 });
    expect(decide('bytes=-3')).toEqual({ kind: 'partial', first: 29, last: 31 });
    expect(decide('bytes=-100')).toEqual({ kind: 'partial', first: 0, last: 31 });
  });

  test('numerals too large for an integer are positions past the end, not parse errors', () => {
    const huge = '99999999999999999999999';
    expect(decide(`bytes=0-${huge}`)).toEqual({ kind: 'partial', first: 0, last: 31 });
    expect(decide(`bytes=-${huge}`)).toEqual({ kind: 'partial', first: 0, last: 31 });
    expect(decide(`bytes=${huge}-`).kind).toBe('unsatisfiable');
  });

  test('invalid values, unknown units and multiple ranges are ignored (200 full)', () => {
    for (const value of [
      'bytes=abc',
      'bytes=5-2',
      'items=0-4',
      'bytes=',
      'bytes=-',
      'bytes=0-1,4-5',
      'bytes=0-4junk',
    ]) {
      expect(decide(value), value).toEqual({ kind: 'full' });
    }
  });

  test('unsatisfiable ranges are 416 with Glance wording for the start position', () => {
    const result = decide('bytes=32-');
    expect(result.kind).toBe('unsatisfiable');
    expect(result).toMatchObject({
      message: 'Invalid start position in Range header. Start position MUST be in the inclusive range [0, 31].',
    });
    expect(decide('bytes=-0').kind).toBe('unsatisfiable');
    expect(decideRange({ range: 'bytes=-3' }, 0, null).kind).toBe('unsatisfiable');
    expect(decideRange({ range: 'bytes=0-' }, 0, null).kind).toBe('unsatisfiable');
  });

  test('If-Range must equal the strong ETag, else the whole image is sent', () => {
    expect(decide('bytes=0-4', { ifRange: ETAG })).toEqual({ kind: 'partial', first: 0, last: 4 });
    expect(decide('bytes=0-4', { ifRange: '"nope"' })).toEqual({ kind: 'full' });
    expect(decide('bytes=0-4', { ifRange: `W/${ETAG}` })).toEqual({ kind: 'full' });
    expect(decide('bytes=0-4', { ifRange: 'Tue, 24 Nov 2026 19:04:10 GMT' })).toEqual({ kind: 'full' });
    expect(decideRange({ range: 'bytes=0-4', ifRange: '""' }, SIZE, null)).toEqual({ kind: 'full' });
  });

  test('Range wins over Content-Range, even when Range is invalid', () => {
    expect(decideRange({ range: 'bytes=0-1', contentRange: 'bytes 12-30/32' }, SIZE, ETAG)).toEqual({
      kind: 'partial',
      first: 0,
      last: 1,
    });
    expect(decideRange({ range: 'bytes=abc', contentRange: 'bytes 12-30/32' }, SIZE, ETAG)).toEqual({ kind: 'full' });
  });
});

test.describe('decideContentRange (deprecated request header)', () => {
  test('exact windows, length not checked against the size', () => {
    expect(decideContentRange('bytes 12-30/32', SIZE)).toEqual({ kind: 'partial', first: 12, last: 30 });
    expect(decideContentRange('bytes 12-30/*', SIZE)).toEqual({ kind: 'partial', first: 12, last: 30 });
    expect(decideContentRange('bytes 0-4/10', SIZE)).toEqual({ kind: 'partial', first: 0, last: 4 });
  });

  test('no clamping past the end', () => {
    expect(decideContentRange('bytes 12-40/*', SIZE)).toEqual({
      kind: 'unsatisfiable',
      message:
        'Invalid stop position in Content-Range header. The stop position MUST be in the inclusive range [0, 31].',
    });
    expect(decideContentRange('bytes 32-40/50', SIZE)).toMatchObject({
      message: expect.stringContaining('Invalid start position in Content-Range header'),
    });
    // Numerals beyond 2^53: refused, whatever their order once rounded.
    for (const huge of ['99999999999999999999-99999999999999999998/*', '0-99999999999999999999/*']) {
      expect(decideContentRange(`bytes ${huge}`, SIZE).kind).toBe('unsatisfiable');
    }
  });

  for (const invalid of ['bytes */32', 'bytes 0-40/32', 'bytes 30-12/32', 'bytes=12-30', '12-30', 'garbage', '']) {
    test(`${JSON.stringify(invalid)} is an invalid Content-Range`, () => {
      expect(decideContentRange(invalid, SIZE)).toEqual({
        kind: 'unsatisfiable',
        message: 'Invalid Content-Range header.',
      });
    });
  }
});
