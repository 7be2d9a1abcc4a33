/**
 * md5 and sha512 of an upload, each computed exactly once, on two threads: md5 (the slower, ~1.7 s of CPU per GiB
 * here) on a worker thread (one per process), sha512 (~1.2 s per GiB) on the request's thread beside receiving and
 * storing (~0.3 s per GiB). On two cores that gives each digest a core: uploads of 1 GiB ran at 408-435 MiB/s against
 * a sequential md5 + sha512 limit of 419 MiB/s, where both digests on the worker gave 362-370 MiB/s (one server,
 * memory a deleted image freed). A worker per digest put four busy threads (request, two workers, client) on two
 * cores, and every worker is ~10 MiB of RSS.
 *
 * The worker cannot see the HTTP parser's chunks (they are not shared memory), so each chunk is also copied into
 * a 4 MiB shared ring it reads. The ring is reused, so it costs a memcpy in cache, not fresh pages: the stored
 * chunks (chunks.ts) stay the only copy of the image, and no garbage of the image's size is left for the
 * collector (copying the whole image into shared slabs instead raised the peak RSS by ~25-40 MiB: measured).
 */
import { createHash, type Hash } from 'node:crypto';
import { Worker } from 'node:worker_threads';

const RING = 4 * 1024 * 1024;
/** Ring bytes are handed to the worker once this many are waiting: a message per 64 KiB costs more than it hashes. */
const POST_AT = 512 * 1024;
/** How long the request's thread waits at most, per try, for the worker to free ring space. */
const WAIT_MS = 1000;

// Plain JavaScript evaluated by the worker: no TypeScript loader is needed inside it, however the server started.
// `hashed[0]` counts the bytes the worker has hashed of an upload; the request's thread reuses ring space only
// once the worker is past it.
const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const { createHash } = require('node:crypto');
const uploads = new Map();
parentPort.on('message', (message) => {
  let md5 = uploads.get(message.id);
  if (message.kind === 'data') {
    if (!md5) uploads.set(message.id, (md5 = createHash('md5')));
    md5.update(new Uint8Array(message.ring, message.offset, message.length));
    Atomics.add(message.hashed, 0, BigInt(message.length));
    Atomics.notify(message.hashed, 0);
  } else {
    uploads.delete(message.id);
    if (message.kind === 'end') {
      parentPort.postMessage({ id: message.id, md5: (md5 ?? createHash('md5')).digest('hex') });
    }
  }
});
`;

type WorkerMessage =
  | { kind: 'data'; id: number; ring: SharedArrayBuffer; offset: number; length: number; hashed: BigInt64Array }
  | { kind: 'end' | 'drop'; id: number };

export interface UploadDigests {
  md5: string;
  sha512: string;
}

interface Waiting {
  resolve(md5: string): void;
  reject(error: Error): void;
}

interface HashingWorker {
  worker: Worker;
  waiting: Map<number, Waiting>;
}

let running: HashingWorker | null = null;
let nextId = 1;

/** The process's hashing worker, started on first use and again after a crash. */
function hashingWorker(): HashingWorker {
  if (running) return running;
  const worker = new Worker(WORKER_SOURCE, { eval: true });
  const started: HashingWorker = { worker, waiting: new Map() };
  // Only an upload waiting for its digests keeps the process alive (see digests()).
  worker.unref();
  worker.on('message', ({ id, md5 }: { id: number; md5: string }) => {
    started.waiting.get(id)?.resolve(md5);
    started.waiting.delete(id);
  });
  const fail = (error: Error) => {
    if (running === started) running = null;
    for (const entry of started.waiting.values()) entry.reject(error);
    started.waiting.clear();
  };
  worker.on('error', fail);
  worker.on('exit', (code) => fail(new Error(`the hashing worker exited (${code})`)));
  running = started;
  return started;
}

/** Starts the worker ahead of the first upload, which would otherwise wait for it (tens of milliseconds). */
export function startHashingWorker(): void {
  hashingWorker();
}

export class UploadHasher {
  private readonly id = nextId++;
  /** The worker holding this upload's hash states: a restarted one would not know them. */
  private readonly hashing = hashingWorker();
  private ring: Buffer | null = null;
  /** Bytes the worker has hashed so far, counted up by the worker. */
  private readonly hashed = new BigInt64Array(new SharedArrayBuffer(8));
  /** Bytes copied into the ring so far, and how many of them were posted. */
  private copied = 0;
  private posted = 0;
  private failure: Error | null = null;
  private readonly sha512: Hash = createHash('sha512');

  /** Never throws (it runs in a 'data' listener): a lost worker surfaces from digests(). */
  update(chunk: Buffer): void {
    if (this.failure) return;
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
    // After the copy, so that the worker hashes the posted regions meanwhile.
    this.sha512.update(chunk);
  }

  private lost(): Error | null {
    return running === this.hashing ? null : new Error('the hashing worker exited during an upload');
  }

  /**
   * Blocks until the worker has hashed enough for `bytes` more to fit; false when the worker is gone. It hashes
   * about as fast as chunks arrive, so this is short: a ring's worth of hashing is milliseconds.
   */
  private waitForRoom(bytes: number): boolean {
    for (;;) {
      const progress = Atomics.load(this.hashed, 0);
      if (this.copied + bytes - Number(progress) <= RING) return true;
      this.flush();
      this.failure = this.lost();
      if (this.failure) return false;
      Atomics.wait(this.hashed, 0, progress, WAIT_MS);
    }
  }

  private post(message: WorkerMessage): void {
    this.hashing.worker.postMessage(message);
  }

  private flush(): void {
    if (this.copied === this.posted) return;
    const ring = this.ring!.buffer as SharedArrayBuffer;
    this.post({
      kind: 'data',
      id: this.id,
      ring,
      offset: this.posted % RING,
      length: this.copied - this.posted,
      hashed: this.hashed,
    });
    this.posted = this.copied;
  }

  async digests(): Promise<UploadDigests> {
    this.failure ??= this.lost();
    if (this.failure) throw this.failure;
    this.flush();
    const { worker, waiting } = this.hashing;
    const md5 = new Promise<string>((resolve, reject) => waiting.set(this.id, { resolve, reject }));
    this.post({ kind: 'end', id: this.id });
    worker.ref();
    try {
      return { md5: await md5, sha512: this.sha512.digest('hex') };
    } finally {
      if (waiting.size === 0) worker.unref();
    }
  }

  /** An upload that will not complete: the worker forgets what it hashed of it. */
  discard(): void {
    if (this.posted > 0 && this.lost() === null) this.post({ kind: 'drop', id: this.id });
  }
}
