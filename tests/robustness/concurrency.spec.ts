import { createHash, randomBytes } from 'node:crypto';
import { expect, test } from '@playwright/test';
import { startReferenceServer, type ReferenceServer } from '../../reference-server';
import { rawExchange, RawClient, uploadHead, type RawResponse } from './support';

/**
 * Concurrency: 50 clients at once mix uploads (some stopping mid-way), ranged downloads, patches and
 * deletes on a small pool of shared images. Nothing is lost — every upload that completed downloads
 * with the same sha512 — and no byte of an upload that did not complete is ever served.
 */

const CLIENTS = 50;
const OPS_PER_CLIENT = 12;
const POOL = 8;
const PATCH = 'application/openstack-images-v2.1-json-patch';
const sha512 = (data: Buffer) => createHash('sha512').update(data).digest('hex');

interface Attempt {
  image: string;
  data: Buffer;
  completed: boolean;
}

test('50 concurrent clients: no 5xx, nothing lost, no byte of an unfinished upload served', async () => {
  test.setTimeout(180_000);
  const server: ReferenceServer = await startReferenceServer({ port: 0 });
  const client = new RawClient(server.url);
  try {
    const attempts: Attempt[] = [];
    const served: Array<{ image: string; res: RawResponse }> = [];
    const serverErrors: string[] = [];
    const pool: string[] = [];
    const deleted = new Set<string>();

    const create = () => client.createImage({ name: 'concurrency' });
    for (let i = 0; i < POOL; i++) pool.push(await create());

    const note = (what: string, res: RawResponse) => {
      if (res.status >= 500) serverErrors.push(`${what}: ${res.status} ${res.body.toString('utf8').slice(0, 200)}`);
    };
    const pick = (seed: number) => pool[seed % pool.length];

    async function upload(image: string, size: number) {
      const data = randomBytes(size);
      const attempt: Attempt = { image, data, completed: false };
      attempts.push(attempt);
      // Sent in slices with pauses, so that uploads overlap with everything else.
      async function* body() {
        for (let at = 0; at < data.length; at += 16 * 1024) {
          yield data.subarray(at, at + 16 * 1024);
          await new Promise((resolve) => setImmediate(resolve));
        }
      }
      const res = await client.send(
        'PUT',
        `/v2/images/${image}/file`,
        [
          ['Content-Type', 'application/octet-stream'],
          ['Content-Length', String(size)],
        ],
        body() as unknown as Buffer,
      );
      note(`upload ${image}`, res);
      attempt.completed = res.status === 204;
    }

    async function abortedUpload(image: string, size: number) {
      const data = randomBytes(size);
      attempts.push({ image, data, completed: false });
      const head = uploadHead(`/v2/images/${image}/file`, ['Content-Length', String(size + 1000)]);
      await rawExchange(server.url, Buffer.concat([Buffer.from(head), data]), { waitMs: 20 });
    }

    async function download(image: string, seed: number) {
      const ranges = [undefined, 'bytes=0-99', 'bytes=-64', `bytes=${seed % 5000}-`, 'bytes=10-20'];
      const range = ranges[seed % ranges.length];
      const res = await client.send('GET', `/v2/images/${image}/file`, range ? [['Range', range]] : []);
      note(`download ${image} ${range ?? ''}`, res);
      if (res.status === 200 || res.status === 206) served.push({ image, res });
    }

    async function patch(image: string, seed: number) {
      const ops = [
        [{ op: 'replace', path: '/name', value: `n${seed}` }],
        [{ op: 'add', path: '/tags', value: [`t${seed % 3}`] }],
        [{ op: 'add', path: '/x_prop', value: String(seed) }],
        [{ op: 'remove', path: '/x_prop' }],
      ];
      note(
        `patch ${image}`,
        await client.send(
          'PATCH',
          `/v2/images/${image}`,
          [['Content-Type', PATCH]],
          JSON.stringify(ops[seed % ops.length]),
        ),
      );
    }

    async function remove(image: string) {
      const res = await client.send('DELETE', `/v2/images/${image}`);
      note(`delete ${image}`, res);
      if (res.status === 204) {
        deleted.add(image);
        const index = pool.indexOf(image);
        if (index >= 0) pool[index] = await create();
      }
    }

    await Promise.all(
      Array.from({ length: CLIENTS }, async (_, c) => {
        for (let op = 0; op < OPS_PER_CLIENT; op++) {
          const seed = c * 7919 + op * 104729;
          const image = pick(seed);
          switch ((c + op) % 10) {
            case 0:
            case 1:
              await upload(image, 1 + (seed % (200 * 1024)));
              break;
            case 2:
              await abortedUpload(image, 1 + (seed % (64 * 1024)));
              break;
            case 3:
            case 4:
            case 5:
              await download(image, seed);
              break;
            case 6:
            case 7:
              await patch(image, seed);
              break;
            case 8:
              if (op % 3 === 0) await remove(image);
              else await download(image, seed);
              break;
            default:
              await download(image, seed);
          }
        }
      }),
    );

    expect(serverErrors, serverErrors.join('\n')).toEqual([]);
    const completed = attempts.filter((a) => a.completed);
    // Each image takes at most one completed upload.
    expect(new Set(completed.map((a) => a.image)).size, 'images with more than one completed upload').toBe(
      completed.length,
    );

    // Nothing lost: every completed upload of a live image downloads whole with the same sha512.
    let verified = 0;
    for (const attempt of completed) {
      const res = await client.send('GET', `/v2/images/${attempt.image}/file`);
      if (deleted.has(attempt.image)) {
        expect(res.status, `download of deleted image ${attempt.image}`).toBe(404);
        continue;
      }
      expect(res.status, `download of ${attempt.image} after its upload completed`).toBe(200);
      expect(sha512(res.body), `sha512 of ${attempt.image}`).toBe(sha512(attempt.data));
      verified++;
    }

    // Every byte served during the storm belongs to the completed upload of that image.
    const byImage = new Map(completed.map((a) => [a.image, a.data]));
    for (const { image, res } of served) {
      const data = byImage.get(image);
      expect(data, `image ${image} served ${res.body.length} bytes without a completed upload`).toBeDefined();
      if (res.status === 200) expect(sha512(res.body), `200 body of ${image}`).toBe(sha512(data!));
      else {
        const m = /^bytes (\d+)-(\d+)\/(\d+)$/.exec(res.headers['content-range'] ?? '');
        expect(m, `Content-Range ${res.headers['content-range']}`).not.toBeNull();
        expect(Number(m![3])).toBe(data!.length);
        expect(res.body.equals(data!.subarray(Number(m![1]), Number(m![2]) + 1)), `206 body of ${image}`).toBe(true);
      }
    }
    const aborted = attempts.filter((a) => !a.completed).length;
    const summary =
      `${CLIENTS} clients, ${CLIENTS * OPS_PER_CLIENT} operations: ` +
      `${completed.length} uploads completed and verified by sha512 (${verified} still live), ` +
      `${aborted} unfinished or refused, ${served.length} downloads checked byte for byte, ${deleted.size} deletes`;
    console.log(`concurrency: ${summary}`);
    test.info().annotations.push({ type: 'concurrency', description: summary });
    expect((await client.send('GET', '/healthcheck')).status).toBe(200);
  } finally {
    await client.close();
    await server.close();
  }
});
