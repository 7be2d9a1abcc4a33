/**
 * Range handling for GET /v2/images/{id}/file — pure functions, no I/O.
 *
 * The reference follows RFC 7233 where Glance does not (see DEVIATIONS.md):
 * an invalid or multi-range `Range` is ignored (200), unsatisfiable ranges get
 * 416 with `Content-Range: bytes *\/SIZE`, and `If-Range` is honoured. The
 * deprecated `Content-Range` request header keeps Glance's stricter meaning.
 */

/** One element of an RFC 7233 byte-range-set: `first-[last]`, or a suffix `-length`. */
export type ByteRangeSpec = { first: number; last: number | null } | { suffix: number };

export type RangeDecision =
  { kind: 'full' } | { kind: 'partial'; first: number; last: number } | { kind: 'unsatisfiable'; message: string };

export interface RangeRequest {
  range?: string;
  ifRange?: string;
  contentRange?: string;
}

const DIGITS = /^[0-9]+$/;
const WHOLE: RangeDecision = { kind: 'full' };
const UNIT = 'bytes=';

/** RFC 7230 §3.2.4: OWS is spaces and horizontal tabs only. */
function trimOws(text: string): string {
  return text.replace(/^[ \t]+|[ \t]+$/g, '');
}

/**
 * A byte position in a Range. RFC 7233 §2.1 asks recipients to survive numerals too large for
 * their integers: such a position lies past the end of any image (first → unsatisfiable,
 * last → clamped, suffix → the whole image), which Infinity expresses without overflow.
 */
function toPosition(digits: string): number | null {
  if (!DIGITS.test(digits)) return null;
  const value = Number(digits);
  return Number.isSafeInteger(value) ? value : Infinity;
}

function parseSpec(element: string): ByteRangeSpec | null {
  const dash = element.indexOf('-');
  if (dash < 0) return null;
  const firstText = element.slice(0, dash);
  const lastText = element.slice(dash + 1);
  if (firstText === '') {
    const suffix = toPosition(lastText);
    return suffix === null ? null : { suffix };
  }
  const first = toPosition(firstText);
  if (first === null) return null;
  if (lastText === '') return { first, last: null };
  const last = toPosition(lastText);
  // RFC 7233 §2.1: last-byte-pos < first-byte-pos makes the spec invalid.
  if (last === null || last < first) return null;
  return { first, last };
}

/**
 * Parses a `Range` field value. Returns no specs when the value is not a valid
 * `bytes` byte-ranges-specifier (including other units and a list of empty
 * elements only), which RFC 7233 §2.1/§3.1 require the server to ignore.
 */
export function parseRangeHeader(value: string): ByteRangeSpec[] {
  const field = trimOws(value);
  // RANGE-UNKNOWN-UNIT-IGNORED, RANGE-CASE-INSENSITIVE: only the `bytes` unit, in any case.
  if (field.slice(0, UNIT.length).toLowerCase() !== UNIT) return [];
  // RANGE-EMPTY-LIST-ELEMENT, RANGE-WHITESPACE (RFC 7230 §7): list elements may be empty and surrounded by OWS.
  const elements = field
    .slice(UNIT.length)
    .split(',')
    .map(trimOws)
    .filter((element) => element !== '');
  const specs: ByteRangeSpec[] = [];
  for (const element of elements) {
    const spec = parseSpec(element);
    if (spec === null) return [];
    specs.push(spec);
  }
  return specs;
}

function startMessage(header: string, size: number): string {
  return `Invalid start position in ${header} header. Start position MUST be in the inclusive range [0, ${size - 1}].`;
}

/**
 * RANGE-SINGLE-206, RANGE-OPEN-ENDED-206, RANGE-SUFFIX-206, RANGE-END-CLAMPED-206, RANGE-START-BEYOND-416,
 * RANGE-SUFFIX-ZERO-416, RANGE-EMPTY-IMAGE-416: one byte-range-spec against the image's size.
 */
function resolveSpec(spec: ByteRangeSpec, size: number): RangeDecision {
  if ('suffix' in spec) {
    if (spec.suffix === 0) {
      return { kind: 'unsatisfiable', message: 'Invalid Range header. A suffix length of 0 selects no bytes.' };
    }
    if (size === 0) {
      return { kind: 'unsatisfiable', message: 'Invalid Range header. The image has no bytes to select.' };
    }
    return { kind: 'partial', first: Math.max(0, size - spec.suffix), last: size - 1 };
  }
  if (spec.first >= size) return { kind: 'unsatisfiable', message: startMessage('Range', size) };
  const last = spec.last === null ? size - 1 : Math.min(spec.last, size - 1);
  return { kind: 'partial', first: spec.first, last };
}

const CONTENT_RANGE = /^bytes ([0-9]+)-([0-9]+)\/([0-9]+|\*)$/;

/**
 * RANGE-DEPRECATED-CONTENT-RANGE, RANGE-DEPRECATED-INVALID-NO-5XX:
 * Glance's deprecated `Content-Range` request header: an exact window, never
 * clamped. Its length part is only checked for consistency, not against the
 * image size (as Glance does).
 */
export function decideContentRange(value: string, size: number): RangeDecision {
  const invalid: RangeDecision = { kind: 'unsatisfiable', message: 'Invalid Content-Range header.' };
  const match = CONTENT_RANGE.exec(trimOws(value));
  if (!match) return invalid;
  // A length of `*` is NaN, which no stop exceeds. Positions beyond 2^53 lose precision but not their order
  // against an image's size; a length beyond it cannot be checked for consistency, so it is refused.
  const [first, last, length] = match.slice(1).map(Number);
  if (last < first || last >= length || length > Number.MAX_SAFE_INTEGER) return invalid;
  // last ≥ first: a start past the end has a stop past it too. Glance names the stop for `/*`, the start for `/LEN`.
  if (last >= size) {
    return {
      kind: 'unsatisfiable',
      message:
        match[3] !== '*' && first >= size
          ? startMessage('Content-Range', size)
          : 'Invalid stop position in Content-Range header. ' +
            `The stop position MUST be in the inclusive range [0, ${size - 1}].`,
    };
  }
  return { kind: 'partial', first, last };
}

/**
 * Decides how to answer a download of `size` bytes whose strong ETag is
 * `etag` (null when the image has no checksum).
 */
export function decideRange(request: RangeRequest, size: number, etag: string | null): RangeDecision {
  // (RANGE-NO-DATA-204 is decided before: an image without data is a 204 in image-data.ts.)
  if (request.range !== undefined) {
    // RANGE-IF-RANGE-MISMATCH, RANGE-IF-RANGE-MATCH-206 (RFC 7233 §3.2): If-Range must match the current
    // strong validator exactly; without one (null) nothing matches.
    if (request.ifRange !== undefined && trimOws(request.ifRange) !== etag) return WHOLE;
    const specs = parseRangeHeader(request.range);
    // RANGE-INVALID-IGNORED, RANGE-MULTIPLE: invalid (§2.1) or several ranges (§3.1 "MAY ignore"): the whole image.
    if (specs.length !== 1) return WHOLE;
    return resolveSpec(specs[0], size);
  }
  // RANGE-RANGE-WINS: Content-Range counts only without Range. RANGE-FULL-200: neither.
  if (request.contentRange !== undefined) return decideContentRange(request.contentRange, size);
  return WHOLE;
}
