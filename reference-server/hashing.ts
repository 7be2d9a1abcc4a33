/**
 * md5 and sha512 of an upload, each computed exactly once, each on a worker thread of its own (one pair per
 * process), while the request's thread only receives and stores. One after the other on one thread the two digests
 * cap an upload at about 330 MiB/s on this machine's cores, and the request's thread had receiving, parsing and
 * fresh pages for the stored chunks on top (1.7 s of its CPU for 512 MiB with md5 on it, sha512 already apart).
 *
 * The workers cannot see the HTTP parser's chunks (they are not shared memory), so each chunk is also copied into
 * a 4 MiB shared ring both workers read. The ring is reused, so it costs a memcpy in cache, not fresh pages: the
 * stored chunks (chunks.ts) stay the only copy of the image, and no garbage of the image's size is left for the
 * collector (copying the whole image into shared slabs instead raised the peak RSS by ~40 MiB).
 */
import { Worker } from 'node:worker_threads';

const ALGORITHMS = ['md5', 'sha512'] as const;
type Algorithm = (typeof ALGORITHMS)[number];

const RING = 4 * 1024 * 1024;
/** Ring bytes are handed to the workers once this many are waiting: a message per 64 KiB costs more than it hashes. */
const POST_AT = 512 * 1024;
/** How long the request's thread waits at most, per try, for the workers to free ring space. */
const WAIT_MS = 1000;

// Plain JavaScript evaluated by each worker: no TypeScript loader is needed inside it, however the server started.
// `hashed[slot]` counts the bytes this worker has hashed of an upload; the request's thread reuses ring space
// only once both workers are past it.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { createHash } = require('node:crypto');
const { algorithm, slot } = workerData;
const hashes = new Map();
parentPort.on('message', (message) => {
  if (message.kind === 'data') {
    let hash = hashes.get(message.id);
    if (!hash) hashes.set(message.id, (hash = createHash(algorithm)));
    hash.update(new Uint8Array(message.ring, message.offset, message.length));
    Atomics.add(message.hashed, slot, BigInt(message.length));
    Atomics.notify(message.hashed, slot);
  } else {
    const hash = hashes.get(message.id) ?? createHash(algorithm);
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

interface HashingWorker {
  worker: Worker;
  waiting: Map<number, Waiting>;
}

const workers = new Map<Algorithm, HashingWorker>();
let nextId = 1;

/** The process's worker for `algorithm`, started on first use and again after a crash. */
function hashingWorker(algorithm: Algorithm): HashingWorker {
  const running = workers.get(algorithm);
  if (running) return running;
  const worker = new Worker(WORKER_SOURCE, {
    eval: true,
    workerData: { algorithm, slot: ALGORITHMS.indexOf(algorithm) },
  });
  const started: HashingWorker = { worker, waiting: new Map() };
  // Only an upload waiting for its digest keeps the process alive (see digests()).
  worker.unref();
  worker.on('message', ({ id, digest }: { id: number; digest: string }) => {
    started.waiting.get(id)?.resolve(digest);
    started.waiting.delete(id);
  });
  const fail = (error: Error) => {
    if (workers.get(algorithm) === started) workers.delete(algorithm);
    for (const entry of started.waiting.values()) entry.reject(error);
    started.waiting.clear();
  };
  worker.on('error', fail);
  worker.on('exit', (code) => fail(new Error(`the ${algorithm} worker exited (${code})`)));
  workers.set(algorithm, started);
  return started;
}

/** Starts the workers ahead of the first upload, which would otherwise wait for them (tens of milliseconds). */
export function startHashingWorkers(): void {
  for (const algorithm of ALGORITHMS) hashingWorker(algorithm);
}

export interface UploadDigests {
  md5: string;
  sha512: string;
}

export class UploadHasher {
  private readonly id = nextId++;
  /** The workers holding this upload's hash states: a restarted one would not know them. */
  private readonly workers = ALGORITHMS.map(hashingWorker);
  private ring: Buffer | null = null;
  /** Bytes each worker has hashed so far (slot = index in ALGORITHMS), counted up by the workers. */
  private readonly hashed = new BigInt64Array(new SharedArrayBuffer(8 * ALGORITHMS.length));
  /** Bytes copied into the ring so far, and how many of them were posted. */
  private copied = 0;
  private posted = 0;
  private failure: Error | null = null;

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
  }

  private lost(): Error | null {
    const gone = ALGORITHMS.find((algorithm, slot) => workers.get(algorithm) !== this.workers[slot]);
    return gone ? new Error(`the ${gone} worker exited during an upload`) : null;
  }

  /**
   * Blocks until both workers have hashed enough for `bytes` more to fit; false when a worker is gone. They hash
   * about as fast as chunks arrive, so this is rare and short: a ring's worth of hashing is milliseconds.
   */
  private waitForRoom(bytes: number): boolean {
    for (;;) {
      const progress = ALGORITHMS.map((_, slot) => Atomics.load(this.hashed, slot));
      const slowest = progress.indexOf(progress.reduce((a, b) => (b < a ? b : a)));
      if (this.copied + bytes - Number(progress[slowest]) <= RING) return true;
      this.flush();
      this.failure = this.lost();
      if (this.failure) return false;
      Atomics.wait(this.hashed, slowest, progress[slowest], WAIT_MS);
    }
  }

  private post(message: WorkerMessage): void {
    for (const { worker } of this.workers) worker.postMessage(message);
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
    const results = this.workers.map(
      ({ waiting }) => new Promise<string>((resolve, reject) => waiting.set(this.id, { resolve, reject })),
    );
    this.post({ kind: 'end', id: this.id });
    for (const { worker } of this.workers) worker.ref();
    try {
      const [md5, sha512] = await Promise.all(results);
      return { md5, sha512 };
    } finally {
      for (const { worker, waiting } of this.workers) if (waiting.size === 0) worker.unref();
    }
  }

  /** An upload that will not complete: the workers forget what they hashed of it. */
  discard(): void {
    if (this.posted > 0 && this.lost() === null) this.post({ kind: 'drop', id: this.id });
  }
}
