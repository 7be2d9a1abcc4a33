/**
 * md5 and sha512 of an upload, each computed exactly once, on two threads: md5 on the request's thread as chunks
 * arrive, sha512 in one worker thread per process. One after the other the two digests cap an upload at about
 * 330 MiB/s on this machine's cores; side by side, the slower of them does.
 *
 * The worker cannot see the HTTP parser's chunks (they are not shared memory), so each chunk is also copied into
 * a 4 MiB shared ring the worker reads. The ring is reused, so it costs a memcpy in cache, not fresh pages: storing
 * the chunks themselves (chunks.ts) stays the only copy of the image, and no garbage of the image's size is left
 * for the collector (copying the whole image into shared slabs instead raised the peak RSS by ~40 MiB).
 */
import { createHash, type Hash } from 'node:crypto';
import { Worker } from 'node:worker_threads';

const RING = 4 * 1024 * 1024;
/** Ring bytes are handed to the worker once this many are waiting: a message per 64 KiB costs more than it hashes. */
const POST_AT = 512 * 1024;
/** How long the request's thread waits at most, per try, for the worker to free ring space. */
const WAIT_MS = 1000;

// Plain JavaScript evaluated by the worker: no TypeScript loader is needed inside it, however the server was started.
const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const { createHash } = require('node:crypto');
const hashes = new Map();
parentPort.on('message', (message) => {
  if (message.kind === 'data') {
    let hash = hashes.get(message.id);
    if (!hash) hashes.set(message.id, (hash = createHash('sha512')));
    hash.update(new Uint8Array(message.ring, message.offset, message.length));
    Atomics.add(message.hashed, 0, BigInt(message.length));
    Atomics.notify(message.hashed, 0);
  } else {
    const hash = hashes.get(message.id) ?? createHash('sha512');
    hashes.delete(message.id);
    if (message.kind === 'end') parentPort.postMessage({ id: message.id, digest: hash.digest('hex') });
  }
});
`;

type WorkerMessage =
  | { kind: 'data'; id: number; ring: SharedArrayBuffer; offset: number; length: number; hashed: BigInt64Array }
  | { kind: 'end' | 'drop'; id: number };

interface Waiting {
  resolve(digest: string): void;
  reject(error: Error): void;
}

let worker: Worker | null = null;
let nextId = 1;
const waiting = new Map<number, Waiting>();

/** The process's sha512 worker, started on first use and again after a crash. */
function hashingWorker(): Worker {
  if (worker !== null) return worker;
  const started = new Worker(WORKER_SOURCE, { eval: true });
  // Only an upload waiting for its digest keeps the process alive (see digests()).
  started.unref();
  started.on('message', ({ id, digest }: { id: number; digest: string }) => {
    waiting.get(id)?.resolve(digest);
    waiting.delete(id);
  });
  const fail = (error: Error) => {
    if (worker === started) worker = null;
    for (const entry of waiting.values()) entry.reject(error);
    waiting.clear();
  };
  started.on('error', fail);
  started.on('exit', (code) => fail(new Error(`the sha512 worker exited (${code})`)));
  worker = started;
  return started;
}

/** Starts the worker ahead of the first upload, which would otherwise wait for it (tens of milliseconds). */
export function startHashingWorker(): void {
  hashingWorker();
}

export interface UploadDigests {
  md5: string;
  sha512: string;
}

export class UploadHasher {
  private readonly id = nextId++;
  private readonly md5: Hash = createHash('md5');
  /** The worker holding this upload's sha512 state: a restarted one would not know it. */
  private readonly worker = hashingWorker();
  private ring: Buffer | null = null;
  /** Bytes the worker has hashed so far, counted up by the worker. */
  private readonly hashed = new BigInt64Array(new SharedArrayBuffer(8));
  /** Bytes copied into the ring so far, and how many of them were posted. */
  private copied = 0;
  private posted = 0;
  private failure: Error | null = null;

  /** Never throws (it runs in a 'data' listener): a lost worker surfaces from digests(). */
  update(chunk: Buffer): void {
    if (this.failure) return;
    this.md5.update(chunk);
    const ring = (this.ring ??= Buffer.from(new SharedArrayBuffer(RING)));
    let done = 0;
    while (done < chunk.length) {
      const at = this.copied % RING;
      const take = Math.min(chunk.length - done, RING - at);
      if (!this.waitForRoom(take)) return;
      chunk.copy(ring, at, done, done + take);
      this.copied += take;
      done += take;
      // A region never wraps: it is posted at the ring's end.
      if (this.copied - this.posted >= POST_AT || this.copied % RING === 0) this.flush();
    }
  }

  /**
   * Blocks until the worker has hashed enough for `bytes` more to fit; false when the worker is gone. The worker
   * hashes about as fast as chunks arrive, so this is rare and short: a ring's worth of sha512 is milliseconds.
   */
  private waitForRoom(bytes: number): boolean {
    for (;;) {
      const hashed = Number(Atomics.load(this.hashed, 0));
      if (this.copied + bytes - hashed <= RING) return true;
      this.flush();
      if (worker !== this.worker) {
        this.failure = new Error('the sha512 worker exited during an upload');
        return false;
      }
      Atomics.wait(this.hashed, 0, BigInt(hashed), WAIT_MS);
    }
  }

  private flush(): void {
    if (this.copied === this.posted) return;
    const ring = this.ring!.buffer as SharedArrayBuffer;
    const region = { offset: this.posted % RING, length: this.copied - this.posted };
    this.worker.postMessage({ kind: 'data', id: this.id, ring, ...region, hashed: this.hashed } satisfies WorkerMessage);
    this.posted = this.copied;
  }

  async digests(): Promise<UploadDigests> {
    if (this.failure) throw this.failure;
    if (worker !== this.worker) throw new Error('the sha512 worker exited during an upload');
    this.flush();
    const sha512 = new Promise<string>((resolve, reject) => waiting.set(this.id, { resolve, reject }));
    this.worker.postMessage({ kind: 'end', id: this.id } satisfies WorkerMessage);
    this.worker.ref();
    try {
      return { md5: this.md5.digest('hex'), sha512: await sha512 };
    } finally {
      if (waiting.size === 0) this.worker.unref();
    }
  }

  /** An upload that will not complete: the worker forgets what it hashed of it. */
  discard(): void {
    if (this.posted > 0 && worker === this.worker) this.worker.postMessage({ kind: 'drop', id: this.id } satisfies WorkerMessage);
  }
}
