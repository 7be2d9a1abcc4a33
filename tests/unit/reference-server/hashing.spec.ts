import { createHash } from 'node:crypto';
import { expect, test } from '@playwright/test';
import { UploadHasher } from '../../../reference-server/hashing';

/** Pseudo-random bytes in uneven pieces, as a socket delivers them (some larger than the 4 MiB ring). */
function pieces(total: number, seed: number): Buffer[] {
  const out: Buffer[] = [];
  let x = seed;
  let left = total;
  while (left > 0) {
    x = (x * 1103515245 + 12345) >>> 0;
    const size = Math.min(left, x % 3 === 0 ? 5 * 1024 * 1024 + (x % 977) : 1 + (x % 70_000));
    const piece = Buffer.alloc(size);
    for (let i = 0; i < size; i++) piece[i] = (x = (x * 69069 + 1) >>> 0) >>> 24;
    out.push(piece);
    left -= size;
  }
  return out;
}

function expected(chunks: Buffer[]) {
  const md5 = createHash('md5');
  const sha512 = createHash('sha512');
  for (const chunk of chunks) {
    md5.update(chunk);
    sha512.update(chunk);
  }
  return { md5: md5.digest('hex'), sha512: sha512.digest('hex') };
}

test('md5 and sha512 equal node:crypto over the same chunks, across ring wraps, for uploads interleaved', async () => {
  const a = pieces(23 * 1024 * 1024 + 17, 1);
  const b = pieces(9 * 1024 * 1024 + 3, 2);
  const hashA = new UploadHasher();
  const hashB = new UploadHasher();
  const dropped = new UploadHasher();
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    if (a[i]) hashA.update(a[i]);
    if (b[i]) hashB.update(b[i]);
    if (b[i]) dropped.update(b[i]);
  }
  dropped.discard();
  expect(await hashB.digests()).toEqual(expected(b));
  expect(await hashA.digests()).toEqual(expected(a));
});

test('an empty upload has the digests of no bytes', async () => {
  expect(await new UploadHasher().digests()).toEqual(expected([]));
});
