import { expect, test } from '@playwright/test';
import { startReferenceServer, type ReferenceServer } from '../../../reference-server';

let server: ReferenceServer;
const ids: Record<string, string> = {};

/** Name → bytes uploaded (null: left queued). */
const IMAGES: Array<[string, string | null]> = [
  ['c', 'x'.repeat(30)],
  ['a', 'x'.repeat(10)],
  ['b', null],
  ['d', 'x'.repeat(20)],
];

test.beforeAll(async () => {
  server = await startReferenceServer({ port: 0 });
  for (const [name, data] of IMAGES) {
    const res = await fetch(`${server.url}/v2/images`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ name, disk_format: 'raw', container_format: 'bare', tags: [`t-${name}`] }),
    });
    ids[name] = ((await res.json()) as { id: string }).id;
    if (data === null) continue;
    await fetch(`${server.url}/v2/images/${ids[name]}/file`, {
      method: 'PUT',
      headers: { 'Content-Type': 'application/octet-stream' },
      body: data,
    });
  }
});

test.afterAll(async () => {
  await server.close();
});

interface Page {
  images: Array<{ name: string }>;
  first: string;
  next?: string;
}

async function list(query: string): Promise<Page> {
  const res = await fetch(`${server.url}/v2/images${query}`, { headers: { Accept: 'application/json' } });
  expect(res.status, query).toBe(200);
  return (await res.json()) as Page;
}

const names = async (query: string) => (await list(query)).images.map((image) => image.name).join('');

test('sorting: newest first by default, both syntaxes, NULL sizes first when ascending', async () => {
  expect(await names('')).toBe('dbac');
  expect(await names('?sort=name:asc')).toBe('abcd');
  expect(await names('?sort_key=size&sort_dir=asc')).toBe('badc');
  expect(await names('?sort=status:asc,name:desc')).toBe('dcab');
  expect(await names('?sort_key=status&sort_key=name&sort_dir=asc&sort_dir=desc')).toBe('dcab');
});

test('filters: ranges, in:, attributes, tags, protected', async () => {
  expect(await names('?size_min=15&size_max=30&sort=name:asc')).toBe('cd');
  expect(await names('?name=in:a,d&sort=name:asc')).toBe('ad');
  expect(await names('?status=queued')).toBe('b');
  expect(await names('?status=bogus')).toBe('');
  expect(await names('?size=10')).toBe('a');
  expect(await names('?tag=t-c')).toBe('c');
  expect(await names('?protected=false&sort=name:asc')).toBe('abcd');
  expect(await names('?created_at=gte:2000-01-01T00:00:00Z&sort=name:asc')).toBe('abcd');
  expect(await names('?created_at=lt:2000-01-01T00:00:00Z')).toBe('');
});

test('paging: limit, next with the marker, keyset after a marker the filter leaves out', async () => {
  const first = await list('?limit=2&sort=name:asc');
  expect(first.images.map((image) => image.name)).toEqual(['a', 'b']);
  expect(first.first).toBe('/v2/images?limit=2&sort=name%3Aasc');
  expect(first.next).toBe(`/v2/images?limit=2&sort=name%3Aasc&marker=${ids.b}`);
  expect(await names(`?limit=2&sort=name:asc&marker=${ids.b}`)).toBe('cd');
  expect(await names(`?sort=name:asc&status=active&marker=${ids.b}`)).toBe('cd');
  expect((await list('?limit=0')).next).toBeUndefined();
});

test('refusals in Glance 25.1 words', async () => {
  const cases: Array<[string, string]> = [
    ['status=foo:active', "Unable to filter by unknown operator 'foo'."],
    ['size_min=x', 'Unable to filter on a range with a non-numeric value.'],
    ['created_at=zz:2020-01-01T00:00:00Z', 'Unable to filter on a unknown operator.'],
    ['created_at=gt:bad', 'Bad "created_at" query filter format. Use ISO 8601 DateTime notation.'],
    ['protected=maybe', "Invalid value 'maybe' for 'protected' filter. Valid values are 'true' or 'false'."],
    ['os_hidden=maybe', "Invalid value 'maybe' for 'os_hidden' filter. Valid values are 'true' or 'false'."],
    [
      'sort_key=bogus',
      'Invalid sort key: bogus. It must be one of the following: name, status, container_format, ' +
        'disk_format, size, id, created_at, updated_at.',
    ],
    ['sort=name:up', 'Invalid sort direction: up'],
    ['sort=name&sort_key=name', 'Old and new sorting syntax cannot be combined'],
    ['sort_dir=asc&sort_dir=desc', 'Number of sort dirs does not match the number of sort keys'],
    ['limit=x', 'limit param must be an integer'],
    ['marker=nope', 'No image found with ID nope'],
    ['visibility=bogus', 'Invalid visibility value: bogus'],
    ['changes-since=x', 'The "changes-since" filter is no longer available on v2.'],
    ['id=neq:x', "Unable to filter by unknown operator 'neq'."],
  ];
  for (const [query, message] of cases) {
    const res = await fetch(`${server.url}/v2/images?${query}`, { headers: { Accept: 'application/json' } });
    expect(res.status, query).toBe(400);
    expect(((await res.json()) as { message: string }).message, query).toBe(`${message}<br /><br />\n\n\n`);
  }
});
