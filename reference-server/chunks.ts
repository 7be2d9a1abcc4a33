/**
 * Image bytes kept as the chunks they arrived in, never concatenated: a
 * multi-GiB upload would otherwise need a second copy. `ends[i]` is the
 * offset just past chunk i, so a range start is found by binary search and a
 * range is served as subarray views without copying the prefix.
 */
export class ChunkedBytes {
  private readonly chunks: Buffer[] = [];
  private readonly ends: number[] = [];

  get size(): number {
    return this.ends.length === 0 ? 0 : this.ends[this.ends.length - 1];
  }

  get chunkCount(): number {
    return this.chunks.length;
  }

  append(chunk: Buffer): void {
    if (chunk.length === 0) return;
    this.chunks.push(chunk);
    this.ends.push(this.size + chunk.length);
  }

  /** Index of the chunk holding byte `offset` (0 <= offset < size): O(log chunks). */
  chunkIndexAt(offset: number): number {
    let low = 0;
    let high = this.ends.length - 1;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (this.ends[middle] > offset) high = middle;
      else low = middle + 1;
    }
    return low;
  }

  /** Views over bytes first..last (inclusive), chunk by chunk. */
  *slices(first: number, last: number): Generator<Buffer> {
    if (first > last || first >= this.size) return;
    const stop = Math.min(last, this.size - 1) + 1;
    for (let index = this.chunkIndexAt(first); index < this.chunks.length; index++) {
      const chunkStart = this.ends[index] - this.chunks[index].length;
      if (chunkStart >= stop) return;
      const from = Math.max(first, chunkStart) - chunkStart;
      const to = Math.min(stop, this.ends[index]) - chunkStart;
      yield this.chunks[index].subarray(from, to);
    }
  }
}
