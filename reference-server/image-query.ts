/**
 * `GET /v2/images` query parameters as Glance 25.1 reads them: filters
 * (attribute equality, `in:`/`eq:` lists, `*_min`/`*_max` ranges, dates with
 * operators, tags, properties), both sorting syntaxes, limit and marker —
 * with Glance's 400 wording for each mistake (measured).
 */
import type { RequestContext } from './auth';
import { httpError } from './errors';
import { MEMBER_STATUSES } from './members';
import { membershipOf, type ImageRecord } from './store';

export type ImageFilter = (image: ImageRecord) => boolean;
type SortKey = (typeof SORT_KEYS)[number];
type Comparator = (a: ImageRecord, b: ImageRecord) => number;

export interface ImageQuery {
  filters: ImageFilter[];
  compare: Comparator;
  limit: number;
  marker: string | null;
}

const SORT_KEYS = [
  'name',
  'status',
  'container_format',
  'disk_format',
  'size',
  'id',
  'created_at',
  'updated_at',
] as const;
const DEFAULT_LIMIT = 25;
const MAX_LIMIT = 1000;
/** Handled apart from the attribute filters. */
const CONTROL_KEYS = new Set([
  'limit',
  'marker',
  'sort_key',
  'sort_dir',
  'sort',
  'member_status',
  'visibility',
  'os_hidden',
  'protected',
  'tag',
]);
/** Columns Glance lists with `in:`/`eq:` operators. */
const LIST_COLUMNS = new Set(['name', 'id', 'status', 'container_format', 'disk_format']);
const RANGE_COLUMNS = new Set(['size', 'virtual_size', 'min_ram', 'min_disk']);
const DATE_COLUMNS = new Set(['created_at', 'updated_at']);
/** Other image columns: compared as Glance's database compares them, by their text. */
const PLAIN_COLUMNS = new Set(['owner', 'checksum', 'os_hash_algo', 'os_hash_value', 'os_hidden', 'protected']);

const bad = (message: string) => httpError(400, message);

function parseLimit(raw: string | null): number {
  if (raw === null) return DEFAULT_LIMIT;
  if (!/^\s*[-+]?[0-9]+\s*$/.test(raw)) throw bad('limit param must be an integer');
  const limit = Number(raw);
  if (limit < 0) throw bad('limit param must be positive');
  return Math.min(limit, MAX_LIMIT);
}

function sortKey(key: string): SortKey {
  if (!(SORT_KEYS as readonly string[]).includes(key)) {
    throw bad(`Invalid sort key: ${key}. It must be one of the following: ${SORT_KEYS.join(', ')}.`);
  }
  return key as SortKey;
}

function sortDir(dir: string): 'asc' | 'desc' {
  if (dir !== 'asc' && dir !== 'desc') throw bad(`Invalid sort direction: ${dir}`);
  return dir;
}

/** `sort=k:dir,…` or `sort_key=k&sort_dir=d…` (one dir for all keys, or one per key); created_at desc by default. */
function sorting(query: URLSearchParams): Array<[SortKey, 'asc' | 'desc']> {
  if (query.has('sort')) {
    if (query.has('sort_key') || query.has('sort_dir')) throw bad('Old and new sorting syntax cannot be combined');
    return (query.get('sort') ?? '')
      .trim()
      .split(',')
      .map((part) => {
        const [key, dir] = part.split(/:(.*)/s);
        return [sortKey(key.trim()), sortDir((dir ?? '').trim() || 'desc')];
      });
  }
  const keys = query.getAll('sort_key').map((key) => sortKey(key.trim()));
  const dirs = query.getAll('sort_dir').map((dir) => sortDir(dir.trim()));
  if (dirs.length > 1 && dirs.length !== keys.length) {
    throw bad('Number of sort dirs does not match the number of sort keys');
  }
  const chosen = keys.length > 0 ? keys : (['created_at'] as SortKey[]);
  return chosen.map((key, index) => [key, dirs[dirs.length > 1 ? index : 0] ?? 'desc']);
}

function sortValue(image: ImageRecord, key: SortKey): string | number | null {
  if (key === 'created_at') return image.created_at.getTime() * 1e6 + image.sequence;
  if (key === 'updated_at') return image.updated_at.getTime();
  return image[key];
}

/** SQL order: NULL sorts before any value. Glance adds created_at and id as tie-breakers. */
function comparator(order: Array<[SortKey, 'asc' | 'desc']>): Comparator {
  const keys = [...order];
  for (const tie of ['created_at', 'id'] as const) {
    if (!keys.some(([key]) => key === tie)) keys.push([tie, order[0][1]]);
  }
  return (a, b) => {
    for (const [key, dir] of keys) {
      const [x, y] = [sortValue(a, key), sortValue(b, key)];
      if (x === y) continue;
      const ascending = x === null ? -1 : y === null ? 1 : x < y ? -1 : 1;
      return dir === 'asc' ? ascending : -ascending;
    }
    return 0;
  };
}

/** Glance's `split_filter_op`: `op:value`, unless the whole text is an ISO 8601 time (then `eq`). */
function splitOperator(expression: string): [string, string] {
  const colon = expression.indexOf(':');
  if (colon < 0 || isoTime(expression) !== null) return ['eq', expression];
  return [expression.slice(0, colon), expression.slice(colon + 1)];
}

function isoTime(text: string): number | null {
  if (!/^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?(Z|[+-]\d{2}:?\d{2})?$/.test(text)) return null;
  const time = Date.parse(/[Zz]|[+-]\d{2}:?\d{2}$/.test(text) || !text.includes('T') ? text : `${text}Z`);
  return Number.isNaN(time) ? null : time;
}

/** `in:` values: commas separate, double quotes protect commas (api-wg). */
function splitList(text: string): string[] {
  const values: string[] = [];
  for (const match of text.matchAll(/"((?:[^"\\]|\\.)*)",?|([^,]+),?|,/g)) values.push(match[1] ?? match[2] ?? '');
  return values;
}

function dateFilter(key: 'created_at' | 'updated_at', value: string): ImageFilter {
  const [operator, text] = splitOperator(value);
  const threshold = isoTime(text);
  if (threshold === null) throw bad(`Bad "${key}" query filter format. Use ISO 8601 DateTime notation.`);
  // Glance keeps whole seconds in what it shows; compare on those.
  const seconds = (image: ImageRecord) => Math.floor(image[key].getTime() / 1000) * 1000;
  const compare: Record<string, (x: number) => boolean> = {
    gt: (x) => x > threshold,
    gte: (x) => x >= threshold,
    lt: (x) => x < threshold,
    lte: (x) => x <= threshold,
    eq: (x) => x === threshold,
    neq: (x) => x !== threshold,
  };
  if (!Object.hasOwn(compare, operator)) throw bad('Unable to filter on a unknown operator.');
  return (image) => compare[operator](seconds(image));
}

function listFilter(key: string, value: string): ImageFilter {
  const [operator, text] = splitOperator(value);
  const read = (image: ImageRecord) => image[key as 'name' | 'id' | 'status' | 'container_format' | 'disk_format'];
  if (operator === 'in') {
    const allowed = splitList(text);
    return (image) => allowed.includes(String(read(image)));
  }
  if (operator === 'eq') return (image) => read(image) === text;
  throw bad(`Unable to filter by unknown operator '${operator}'.`);
}

function rangeFilter(key: string, value: string): ImageFilter {
  if (!/^\s*[-+]?\d+\s*$/.test(value)) throw bad('Unable to filter on a range with a non-numeric value.');
  const column = key.slice(0, -4) as 'size' | 'virtual_size' | 'min_ram' | 'min_disk';
  const bound = Number(value);
  return key.endsWith('_min')
    ? (image) => image[column] !== null && image[column] >= bound
    : (image) => image[column] !== null && image[column] <= bound;
}

function booleanFlag(query: URLSearchParams, key: 'os_hidden' | 'protected'): boolean | null {
  const raw = query.get(key);
  if (raw === null) return key === 'os_hidden' ? false : null;
  const value = key === 'os_hidden' ? raw.toLowerCase() : raw;
  if (value !== 'true' && value !== 'false') {
    throw bad(`Invalid value '${value}' for '${key}' filter. Valid values are 'true' or 'false'.`);
  }
  return value === 'true';
}

function attributeFilter(key: string, value: string): ImageFilter {
  if (LIST_COLUMNS.has(key)) return listFilter(key, value);
  if (DATE_COLUMNS.has(key)) return dateFilter(key as 'created_at' | 'updated_at', value);
  if ((key.endsWith('_min') || key.endsWith('_max')) && RANGE_COLUMNS.has(key.slice(0, -4))) {
    return rangeFilter(key, value);
  }
  if (RANGE_COLUMNS.has(key) || PLAIN_COLUMNS.has(key)) {
    return (image) => String(image[key as 'size' | 'owner']) === value;
  }
  return (image) => image.extra[key] === value;
}

/** Who sees what without asking: shared images once accepted (member_status), community only one's own. */
function scopeFilters(query: URLSearchParams, context: RequestContext): ImageFilter[] {
  const filters: ImageFilter[] = [];
  const visibility = query.get('visibility');
  if (visibility === null) {
    filters.push((image) => context.isAdmin || image.visibility !== 'community' || image.owner === context.project);
  } else if (visibility !== 'all') {
    if (!['public', 'private', 'shared', 'community'].includes(visibility)) {
      throw bad(`Invalid visibility value: ${visibility}`);
    }
    filters.push((image) => image.visibility === visibility);
  }
  const memberStatus = query.get('member_status') ?? 'accepted';
  if (memberStatus !== 'all' && !(MEMBER_STATUSES as readonly string[]).includes(memberStatus)) {
    throw bad(`Invalid status: ${memberStatus}`);
  }
  filters.push((image) => {
    const membership = context.isAdmin || image.owner === context.project ? undefined : membershipOf(image, context);
    return membership === undefined || memberStatus === 'all' || membership.status === memberStatus;
  });
  return filters;
}

export function parseImageQuery(query: URLSearchParams, context: RequestContext): ImageQuery {
  if (query.has('changes-since')) throw bad('The "changes-since" filter is no longer available on v2.');
  const filters = scopeFilters(query, context);
  const limit = parseLimit(query.get('limit'));
  const hidden = booleanFlag(query, 'os_hidden');
  filters.push((image) => image.os_hidden === hidden);
  const isProtected = booleanFlag(query, 'protected');
  if (isProtected !== null) filters.push((image) => image.protected === isProtected);
  const tags = query.getAll('tag').map((tag) => tag.trim());
  filters.push((image) => tags.every((tag) => image.tags.includes(tag)));
  // Repeated attribute parameters: the last one counts, as in webob's dict(params).
  const attributes = new Map([...query].filter(([key]) => !CONTROL_KEYS.has(key)));
  for (const [key, value] of attributes) filters.push(attributeFilter(key, value));
  return { filters, compare: comparator(sorting(query)), limit, marker: query.get('marker') };
}
