/**
 * Image bytes for the benchmarks, generated on the fly: a deterministic
 * sequence of 1 MiB blocks picked from a small pool of pseudo-random blocks,
 * so a 1 GiB image never sits in the client's memory and any byte at any
 * offset can be recomputed to check a download.
 */
import { createHash, type Hash } from 'node:crypto';

export const MiB = 1024 * 1024;
export const GiB = 1024 * MiB;
const BLOCK = MiB;
const POOL = 16;

/** xorshift32 over a fixed seed: the same blocks in every run. */
function makePool(): Buffer[] {
  let x = 0x9e3779b9;
  const blocks: Buffer[] = [];
  for (let b = 0; b < POOL; b++) {
    const words = new Uint32Array(BLOCK / 4);
    for (let i = 0; i < words.length; i++) {
      x ^= x << 13;
      x ^= x >>> 17;
      x ^= x << 5;
      words[i] = x >>> 0;
    }
    blocks.push(Buffer.from(words.buffer));
  }
  return blocks;
}

let pool: Buffer[] | undefined;

/** The 1 MiB block at block index `index` (not a copy: never mutate it). */
function block(index: number): Buffer {
  pool ??= makePool();
  return pool[(index * 5 + (index >>> 4)) % POOL];
}

/** Bytes [0, size) as read-only views, `chunk` bytes at a time (chunk divides 1 MiB). */
export function* imageBytes(size: number, chunk = BLOCK): Generator<Buffer> {
  if (BLOCK % chunk !== 0) throw new Error(`chunk ${chunk} must divide ${BLOCK}`);
  for (let offset = 0; offset < size; offset += chunk) {
    const b = block(Math.floor(offset / BLOCK));
    const from = offset % BLOCK;
    yield b.subarray(from, from + Math.min(chunk, size - offset));
  }
}

/**
 * Checks received bytes against the generator, starting at `offset`: a
 * memcmp per piece, so it does not limit the measured throughput the way
 * hashing in the client would.
 */
export class ByteChecker {
  private position: number;
  private mismatchAt: number | null = null;

  constructor(private readonly start = 0) {
    this.position = start;
  }

  update(chunk: Buffer): void {
    let done = 0;
    while (done < chunk.length) {
      const index = Math.floor(this.position / BLOCK);
      const from = this.position % BLOCK;
      const take = Math.min(BLOCK - from, chunk.length - done);
      if (this.mismatchAt === null && block(index).compare(chunk, done, done + take, from, from + take) !== 0) {
        this.mismatchAt = this.position;
      }
      done += take;
      this.position += take;
    }
  }

  get received(): number {
    return this.position - this.start;
  }

  /** null when every byte matched. */
  get firstMismatch(): number | null {
    return this.mismatchAt;
  }
}

export interface Digests {
  md5: string;
  sha512: string;
}

export interface HashingResult {
  /** Bytes per second of md5 + sha512 over the same bytes, one after the other per chunk, on one thread. */
  bytesPerSecond: number;
  bytes: number;
  seconds: number;
  /** Digests of the prefixes of the requested sizes. */
  digests: Record<number, Digests>;
}

/**
 * Node's bare md5 + sha512 speed over the benchmark bytes, in 64 KiB pieces
 * (what a server gets from its socket). One pass over the largest size gives
 * the digests of every smaller prefix too (Hash.copy at the boundaries).
 */
export function hashingLimit(sizes: number[], chunk = 64 * 1024): HashingResult {
  const largest = Math.max(...sizes);
  const wanted = new Set(sizes);
  const digests: Record<number, Digests> = {};
  const md5: Hash = createHash('md5');
  const sha512: Hash = createHash('sha512');
  block(0); // build the pool outside the timing
  let done = 0;
  const started = process.hrtime.bigint();
  for (const piece of imageBytes(largest, chunk)) {
    md5.update(piece);
    sha512.update(piece);
    done += piece.length;
    if (wanted.has(done)) digests[done] = { md5: md5.copy().digest('hex'), sha512: sha512.copy().digest('hex') };
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return { bytesPerSecond: largest / seconds, bytes: largest, seconds, digests };
}

/**
 * How fast this process writes memory it has never used (256 MiB, bytes per second). On VMs that hand freed memory
 * back to their host every fresh page costs a trip to the host: 242-381 MiB/s was seen here, where a machine without
 * that writes several GiB/s. It caps every upload into a fresh server process, whatever the server does.
 */
export function firstTouch(bytes = 256 * MiB): number {
  const started = process.hrtime.bigint();
  Buffer.allocUnsafeSlow(bytes).fill(0x5a);
  return bytes / (Number(process.hrtime.bigint() - started) / 1e9);
}
