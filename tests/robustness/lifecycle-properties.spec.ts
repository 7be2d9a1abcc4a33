import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect, test } from '@playwright/test';
import fc from 'fast-check';
import { startReferenceServer, type ReferenceServer } from '../../reference-server';
import { canTransition, type ImageStatus } from '../../reference-server/status';
import {
  expectedForRange,
  judgeDownload,
  rawExchange,
  RawClient,
  runs,
  SEED,
  uploadHead,
  type RawResponse,
} from './support';

/**
 * Property-based lifecycle checks: random call sequences (create, upload, an upload that stops
 * mid-way, stage, random JSON-patch documents, deactivate, reactivate, delete, ranged download) on a
 * few images. After every call: no 5xx; the image's status is one a client can reach, and every
 * change of status is an edge of Glance's table (reference-server/status.ts) — or two edges through
 * the transient `saving`/`uploading` of a transfer, which a sequential client cannot see; deleted
 * images stay gone; an active image serves exactly the bytes behind its first location.
 */

const PATCH_TYPES = [
  'application/openstack-images-v2.1-json-patch',
  'application/openstack-images-v2.0-json-patch',
  'application/json',
  '',
];
const REACHABLE: ReadonlySet<string> = new Set(['queued', 'saving', 'uploading', 'active', 'deactivated']);

/** Deterministic bytes of a given size, distinct per seed. */
const bytes = (size: number, seed: number) =>
  Buffer.from(Array.from({ length: size }, (_, i) => (i * 31 + seed * 7 + 1) & 0xff));

type Command =
  | { kind: 'create'; props: Record<string, unknown> }
  | { kind: 'upload' | 'stage' | 'aborted-upload'; target: number; size: number }
  | { kind: 'patch'; target: number; mediaType: string; body: string }
  | { kind: 'deactivate' | 'reactivate' | 'delete'; target: number }
  | { kind: 'download'; target: number; range?: string };

function commands(locationBase: string): fc.Arbitrary<Command[]> {
  const target = fc.nat({ max: 3 });
  const size = fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 3000 }));
  const locationUrl = fc.oneof(
    fc.tuple(fc.nat({ max: 5 }), fc.integer({ min: 1, max: 2000 })).map(([n, s]) => `${locationBase}/loc/${n}/${s}`),
    fc.constantFrom(
      'http://127.0.0.1:1/unreachable',
      `${locationBase}/missing`,
      'memory://nope',
      'file:///etc/passwd',
      'swift+config://x',
      'not a url',
      '',
    ),
  );
  const location = fc.record({
    url: locationUrl,
    metadata: fc.oneof(
      fc.constant({}),
      fc.dictionary(fc.string({ maxLength: 5 }), fc.jsonValue({ maxDepth: 1 }), { maxKeys: 2 }),
      fc.constant(null),
    ),
  });
  const value = fc.oneof(
    location,
    fc.array(location, { maxLength: 3 }),
    fc.jsonValue({ maxDepth: 2 }),
    fc.constantFrom('x', 'ploop', 'raw', 'bare', 'public', 'community', true, false, 0, -1, 2 ** 53, ['a', 'a']),
  );
  const path = fc.oneof(
    fc.constantFrom('/locations', '/locations/0', '/locations/1', '/locations/-', '/locations/x', '/locations/0/url'),
    fc.constantFrom(
      '/name',
      '/tags',
      '/protected',
      '/min_ram',
      '/min_disk',
      '/visibility',
      '/disk_format',
      '/container_format',
      '/os_hidden',
    ),
    fc.constantFrom(
      '/status',
      '/id',
      '/size',
      '/checksum',
      '/os_glance_x',
      '/deleted',
      '/x_prop',
      '/y',
      '/',
      '',
      'name',
      '/a~2b',
      '/a/b',
      '/a~',
    ),
    fc.string({ maxLength: 8 }),
  );
  const op = fc.constantFrom('add', 'remove', 'replace', 'replace', 'add', 'move', 'test', 'ADD', 1, null);
  const operation = fc.oneof(
    { weight: 8, arbitrary: fc.record({ op, path, value }, { requiredKeys: ['op', 'path'] }) },
    { weight: 1, arbitrary: fc.record({ add: path, value }) },
    { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 1 }) },
  );
  const body = fc.oneof(
    { weight: 8, arbitrary: fc.array(operation, { maxLength: 4 }).map((ops) => JSON.stringify(ops)) },
    { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 2 }).map((v) => JSON.stringify(v)) },
    { weight: 1, arbitrary: fc.constantFrom('', '[', '[{"op":', 'null', '\u0000', '[]') },
  );
  const props = fc.record(
    {
      disk_format: fc.constantFrom('raw', 'ploop', 'qcow2', null, 'bogus'),
      container_format: fc.constantFrom('bare', 'ovf', null),
      name: fc.oneof(fc.string({ maxLength: 20 }), fc.constant(null)),
      protected: fc.boolean(),
      tags: fc.array(fc.string({ maxLength: 6 }), { maxLength: 3 }),
    },
    { requiredKeys: [] },
  );
  const command: fc.Arbitrary<Command> = fc.oneof(
    { weight: 3, arbitrary: props.map((p) => ({ kind: 'create' as const, props: p })) },
    {
      weight: 4,
      arbitrary: fc.record({
        kind: fc.constantFrom('upload' as const, 'stage' as const, 'aborted-upload' as const),
        target,
        size,
      }),
    },
    {
      weight: 6,
      arbitrary: fc.record({
        kind: fc.constant('patch' as const),
        target,
        mediaType: fc.constantFrom(...PATCH_TYPES, PATCH_TYPES[0], PATCH_TYPES[0]),
        body,
      }),
    },
    {
      weight: 3,
      arbitrary: fc.record({
        kind: fc.constantFrom('deactivate' as const, 'reactivate' as const, 'delete' as const),
        target,
      }),
    },
    {
      weight: 3,
      arbitrary: fc.record({
        kind: fc.constant('download' as const),
        target,
        range: fc.option(
          fc.constantFrom(
            'bytes=0-0',
            'bytes=5-',
            'bytes=-7',
            'bytes=0-999999',
            'bytes=3-1',
            'bytes=-0',
            'bytes=100000-',
          ),
          { nil: undefined },
        ),
      }),
    },
  );
  // Every sequence starts by creating a usable image, so that the other calls have something to act on.
  const usable = { disk_format: 'raw', container_format: 'bare' };
  return fc.array(command, { minLength: 5, maxLength: 30 }).map((rest) => [{ kind: 'create', props: usable }, ...rest]);
}

interface Tracked {
  id: string;
  status: ImageStatus | 'gone';
  /** Bytes of the last completed upload. */
  uploaded?: Buffer;
}

test.describe('image lifecycle under random call sequences @property', () => {
  let server: ReferenceServer;
  let client: RawClient;
  let locations: Server;
  let locationBase: string;

  test.beforeAll(async () => {
    server = await startReferenceServer({ port: 0 });
    client = new RawClient(server.url);
    // External http locations: /loc/N/SIZE has SIZE deterministic bytes; anything else is 404.
    locations = createServer((req, res) => {
      const m = /^\/loc\/(\d+)\/(\d+)$/.exec(req.url ?? '');
      if (!m) return res.writeHead(404).end();
      const data = bytes(Number(m[2]), Number(m[1]));
      res.writeHead(200, { 'Content-Length': String(data.length) });
      res.end(req.method === 'HEAD' ? undefined : data);
    });
    await new Promise<void>((resolve) => locations.listen(0, '127.0.0.1', resolve));
    locationBase = `http://127.0.0.1:${(locations.address() as AddressInfo).port}`;
  });

  test.afterAll(async () => {
    await client.close();
    await server.close();
    await new Promise((resolve) => locations.close(resolve));
  });

  /** The bytes an active image must serve: its uploaded data while it keeps its memory location, else its first
   * http location's. */
  function expectedBytes(image: Tracked, record: { locations?: Array<{ url: string }> }): Buffer | undefined {
    const first = (record.locations ?? [])[0]?.url;
    if (first === undefined) return undefined;
    if (first === `memory://${image.id}`) return image.uploaded;
    const m = /\/loc\/(\d+)\/(\d+)$/.exec(first);
    return m ? bytes(Number(m[2]), Number(m[1])) : undefined;
  }

  async function run(command: Command, images: Tracked[]): Promise<RawResponse | string | undefined> {
    if (command.kind === 'create') {
      return client.send('POST', '/v2/images', [['Content-Type', 'application/json']], JSON.stringify(command.props));
    }
    const image = images[command.target % images.length];
    if (!image) return undefined;
    const at = `/v2/images/${image.id}`;
    switch (command.kind) {
      case 'upload':
      case 'stage':
        return client.send(
          'PUT',
          `${at}/${command.kind === 'upload' ? 'file' : 'stage'}`,
          [['Content-Type', 'application/octet-stream']],
          bytes(command.size, image.id.charCodeAt(0)),
        );
      case 'aborted-upload': {
        // Promises more bytes than it sends, then goes away.
        const head = uploadHead(`${at}/file`, ['Content-Length', String(command.size + 10)]);
        const raw = await rawExchange(server.url, Buffer.concat([Buffer.from(head), bytes(command.size, 99)]), {
          waitMs: 30,
        });
        // The server notices the closed connection on its own time: wait (bounded) until it has.
        for (let i = 0; i < 100; i++) {
          const shown = await client.send('GET', at);
          if (shown.status !== 200 || client.json<{ status: string }>(shown).status !== 'saving') break;
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
        return raw;
      }
      case 'patch':
        return client.send('PATCH', at, command.mediaType ? [['Content-Type', command.mediaType]] : [], command.body);
      case 'deactivate':
      case 'reactivate':
        return client.send('POST', `${at}/actions/${command.kind}`);
      case 'delete':
        return client.send('DELETE', at);
      case 'download':
        return client.send('GET', `${at}/file`, command.range ? [['Range', command.range]] : []);
    }
  }

  test('no 5xx, only table transitions, deleted stays deleted, active images serve their bytes', async () => {
    test.setTimeout(0);
    let calls = 0;
    let sequences = 0;
    await fc.assert(
      fc.asyncProperty(commands(locationBase), async (sequence) => {
        const images: Tracked[] = [];
        for (const command of sequence) {
          const res = await run(command, images);
          calls++;
          const what = `${command.kind} ${JSON.stringify(command)}`;
          if (res === undefined) continue;
          if (typeof res !== 'string')
            assert.ok(res.status < 500, `${what} answered ${res.status}: ${res.body.toString('utf8').slice(0, 200)}`);
          if (command.kind === 'create' && typeof res !== 'string' && res.status === 201) {
            images.push({ id: client.json<{ id: string }>(res).id, status: 'queued' });
          }
          if (command.kind === 'upload' && typeof res !== 'string' && res.status === 204) {
            images[command.target % images.length].uploaded = bytes(
              command.size,
              images[command.target % images.length].id.charCodeAt(0),
            );
          }
          // The state of every image after the call.
          for (const image of images) {
            const shown = await client.send('GET', `/v2/images/${image.id}`);
            if (image.status === 'gone') {
              assert.equal(shown.status, 404, `deleted image ${image.id} came back after ${what}`);
              continue;
            }
            if (shown.status === 404) {
              assert.ok(command.kind === 'delete', `image ${image.id} vanished after ${what}`);
              image.status = 'gone';
              continue;
            }
            assert.equal(shown.status, 200);
            const record = client.json<{
              status: ImageStatus;
              size: number | null;
              locations?: Array<{ url: string }>;
            }>(shown);
            assert.ok(REACHABLE.has(record.status), `status ${record.status} after ${what}`);
            if (
              command.kind === 'aborted-upload' &&
              images[command.target % images.length] === image &&
              image.status !== 'active'
            ) {
              assert.notEqual(record.status, 'active', `a ${image.status} image after an upload that stopped mid-way`);
            }
            const from = image.status;
            const to = record.status;
            if (from !== to) {
              const transfer = ['upload', 'stage', 'aborted-upload'].includes(command.kind);
              const direct = canTransition(from, to);
              const viaTransfer =
                transfer &&
                (['saving', 'uploading'] as const).some((mid) => canTransition(from, mid) && canTransition(mid, to));
              assert.ok(direct || viaTransfer, `${from} → ${to} after ${what} is not in Glance's table`);
            }
            image.status = to;
            if (
              to === 'active' &&
              (command.kind === 'download' || command.kind === 'upload' || command.kind === 'patch')
            ) {
              const data = expectedBytes(image, record);
              if (data === undefined) continue;
              assert.equal(record.size, data.length, `size of active image ${image.id}`);
              const range = command.kind === 'download' ? command.range : undefined;
              const got = await client.send('GET', `/v2/images/${image.id}/file`, range ? [['Range', range]] : []);
              const problem = judgeDownload(got, range ? expectedForRange(range, data.length) : { kind: 'full' }, data);
              assert.equal(problem, undefined, `download of active image ${image.id} after ${what}`);
            }
          }
        }
        sequences++;
      }),
      { numRuns: runs(40, 3_000), seed: SEED },
    );
    // The server still answers.
    expect((await client.send('GET', '/healthcheck')).status).toBe(200);
    test.info().annotations.push({ type: 'cases', description: `${sequences} sequences, ${calls} calls` });
    console.log(`lifecycle property: ${sequences} sequences, ${calls} calls`);
  });
});
