/**
 * A bare HTTP/1.1 client over one keep-alive socket, for the measurements that move image bytes. undici copies
 * every received chunk into its WebAssembly parser and hands it on through several calls; at a GiB per second
 * that cost the client more CPU than the server it measured, on a machine where both share two cores. Here the
 * kernel reads into one reused 1 MiB buffer (`onread`), the header is parsed once, and the body goes straight to
 * the caller's checker. Uploads write the generator's 1 MiB blocks as they are. Both targets get the same client.
 */
import net from 'node:net';

const READ_BUFFER = 1024 * 1024;
const HEAD_LIMIT = 64 * 1024;

export interface RawResponse {
  statusCode: number;
  /** Header names lower-cased; repeated headers joined with ', '. */
  headers: Record<string, string>;
  bodyBytes: number;
  /** The first 300 characters of a body that was not 200/206. */
  text: string;
}

interface Pending {
  onBody: (chunk: Buffer) => void;
  resolve(response: RawResponse): void;
  reject(error: Error): void;
  /** Header bytes of a head split over reads. */
  head: Buffer | null;
  response: RawResponse | null;
  remaining: number;
}

export class RawConnection {
  private socket: net.Socket | null = null;
  private pending: Pending | null = null;
  private readonly readBuffer = Buffer.allocUnsafe(READ_BUFFER);
  private readonly host: string;
  private readonly port: number;

  constructor(base: string) {
    const url = new URL(base);
    if (url.protocol !== 'http:') throw new Error(`the bench client speaks plain http, not ${url.protocol}`);
    this.host = url.hostname.replace(/^\[|\]$/g, '');
    this.port = Number(url.port || 80);
  }

  private connect(): Promise<net.Socket> {
    return new Promise((resolve, reject) => {
      const socket = net.connect({
        host: this.host,
        port: this.port,
        noDelay: true,
        onread: { buffer: this.readBuffer, callback: (n) => this.received(this.readBuffer.subarray(0, n)) },
      });
      socket.setTimeout(120_000, () => socket.destroy(new Error('no data for 120 s')));
      socket.once('connect', () => resolve(socket));
      socket.on('error', (error) => {
        reject(error);
        this.fail(error);
      });
      socket.on('close', () => {
        if (this.socket === socket) this.socket = null;
        this.fail(new Error('the server closed the connection before the response ended'));
      });
    });
  }

  private fail(error: Error): void {
    const pending = this.pending;
    this.pending = null;
    pending?.reject(error);
  }

  private received(data: Buffer): boolean {
    const pending = this.pending;
    if (pending === null) {
      this.socket?.destroy(new Error('bytes from the server outside a response'));
      return false;
    }
    let body = data;
    if (pending.response === null) {
      // Most heads arrive whole in one read: only a split one is copied out of the reused read buffer.
      const joined = pending.head === null ? data : Buffer.concat([pending.head, data]);
      const end = joined.indexOf('\r\n\r\n');
      if (end < 0) {
        if (joined.length > HEAD_LIMIT) this.socket?.destroy(new Error('response header over 64 KiB'));
        pending.head = Buffer.from(joined);
        return true;
      }
      try {
        this.parseHead(pending, joined.subarray(0, end).toString('latin1'));
      } catch (error) {
        this.socket?.destroy(error as Error);
        return false;
      }
      body = joined.subarray(end + 4);
    }
    const response = pending.response!;
    if (body.length > pending.remaining) {
      this.socket?.destroy(new Error(`${body.length - pending.remaining} bytes past the end of the response`));
      return false;
    }
    if (body.length > 0) {
      pending.remaining -= body.length;
      response.bodyBytes += body.length;
      if (response.statusCode === 200 || response.statusCode === 206) pending.onBody(body);
      else if (response.text.length < 300) response.text += body.toString('utf8').slice(0, 300);
    }
    if (pending.remaining === 0) {
      this.pending = null;
      if (/\bclose\b/i.test(response.headers.connection ?? '')) this.socket?.end();
      pending.resolve(response);
    }
    return true;
  }

  private parseHead(pending: Pending, head: string): void {
    const [statusLine, ...lines] = head.split('\r\n');
    const status = /^HTTP\/1\.[01] (\d{3})/.exec(statusLine);
    if (!status) throw new Error(`not an HTTP/1.1 status line: ${statusLine.slice(0, 80)}`);
    const headers: Record<string, string> = {};
    for (const line of lines) {
      const colon = line.indexOf(':');
      const name = line.slice(0, colon).trim().toLowerCase();
      const value = line.slice(colon + 1).trim();
      headers[name] = name in headers ? `${headers[name]}, ${value}` : value;
    }
    const statusCode = Number(status[1]);
    if (headers['transfer-encoding']) throw new Error(`Transfer-Encoding ${headers['transfer-encoding']} is not read`);
    const noBody = statusCode === 204 || statusCode === 304 || (statusCode >= 100 && statusCode < 200);
    pending.remaining = noBody ? 0 : Number(headers['content-length'] ?? NaN);
    if (!Number.isSafeInteger(pending.remaining)) throw new Error(`HTTP ${statusCode} without a usable Content-Length`);
    pending.response = { statusCode, headers, bodyBytes: 0, text: '' };
  }

  /**
   * One request; `body` (with its size) is written block by block as the socket takes it. Response body bytes
   * of a 200/206 go to `onBody` as views into the read buffer: use them before returning.
   */
  async request(
    method: string,
    path: string,
    headers: Record<string, string>,
    onBody: (chunk: Buffer) => void = () => undefined,
    body?: { size: number; blocks: Iterable<Buffer> },
  ): Promise<RawResponse> {
    if (this.pending) throw new Error('one request at a time per connection');
    this.socket ??= await this.connect();
    const socket = this.socket;
    const lines = [`${method} ${path} HTTP/1.1`, `Host: ${this.host}:${this.port}`];
    for (const [name, value] of Object.entries(headers)) lines.push(`${name}: ${value}`);
    if (body) lines.push(`Content-Length: ${body.size}`);
    const done = new Promise<RawResponse>((resolve, reject) => {
      this.pending = { onBody, resolve, reject, head: null, response: null, remaining: 0 };
    });
    // A failure while the body is still being written surfaces through `done`.
    done.catch(() => undefined);
    socket.write(`${lines.join('\r\n')}\r\n\r\n`, 'latin1');
    if (body) await writeBlocks(socket, body.blocks, done);
    return done;
  }

  close(): void {
    this.socket?.destroy();
    this.socket = null;
  }
}

async function writeBlocks(socket: net.Socket, blocks: Iterable<Buffer>, done: Promise<unknown>): Promise<void> {
  let finished = false;
  done.then(
    () => (finished = true),
    () => (finished = true),
  );
  for (const block of blocks) {
    // The server may answer (413, 410) before it has read everything: stop sending then.
    if (finished || socket.destroyed) return;
    if (!socket.write(block)) {
      await new Promise<void>((resolve) => {
        const resume = () => {
          socket.off('drain', resume);
          socket.off('close', resume);
          resolve();
        };
        socket.on('drain', resume);
        socket.on('close', resume);
      });
    }
  }
}
