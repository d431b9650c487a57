// Where capture bytes come from. A file is read with asynchronous reads, a chunk ahead, so the event
// loop gets a turn between chunks (signal handlers, timers and script reloads run during a long `-r`).
// Standard input ("-") is read as Node's stream, which copes with pipes, files, terminals and a
// non-blocking fd 0 alike, where a plain read on fd 0 could fail with EAGAIN.
import { closeSync, fstatSync, openSync, read } from "node:fs";

export interface CaptureInput {
  /** Name for messages: the path, or "standard input". */
  readonly name: string;
  /** Bytes in all, when known (a file, or standard input redirected from one): progress shows a share of it. */
  readonly size: number | undefined;
  /** Reads up to `length` bytes into `into` at `offset`; resolves 0 at end of input. */
  read(into: Uint8Array, offset: number, length: number): Promise<number>;
  close(): void;
}

export function openCaptureInput(source: string): CaptureInput {
  return source === "-" ? new StreamInput("standard input", process.stdin) : new FileInput(source);
}

/** The size of what fd reads, if it is a regular file. */
function fileSize(fd: number): number | undefined {
  try {
    const st = fstatSync(fd);
    return st.isFile() ? st.size : undefined;
  } catch {
    return undefined;
  }
}

/** What FileInput reads ahead at a time. */
const AHEAD_BYTES = 4 * 1024 * 1024;

/**
 * A file, read a chunk ahead: while the caller works through one chunk, the next one is being read
 * into the other of two buffers, so the reader seldom waits for the disk or the thread pool.
 */
class FileInput implements CaptureInput {
  private readonly fd: number;
  readonly size: number | undefined;
  private readonly buffers = [Buffer.allocUnsafe(AHEAD_BYTES), Buffer.allocUnsafe(AHEAD_BYTES)];
  /** The buffer being handed out, and its unread part [start, end). */
  private current = 1;
  private start = 0;
  private end = 0;
  /** The read in flight, into the other buffer. */
  private ahead: Promise<number>;

  constructor(readonly name: string) {
    this.fd = openSync(name, "r");
    this.size = fileSize(this.fd);
    this.ahead = this.readInto(this.buffers[0]);
  }

  async read(into: Uint8Array, offset: number, length: number): Promise<number> {
    if (this.start === this.end) {
      const n = await this.ahead;
      if (n === 0) return 0;
      this.current = 1 - this.current;
      this.start = 0;
      this.end = n;
      this.ahead = this.readInto(this.buffers[1 - this.current]);
    }
    const n = Math.min(length, this.end - this.start);
    into.set(this.buffers[this.current].subarray(this.start, this.start + n), offset);
    this.start += n;
    return n;
  }

  /** The file is closed once the read in flight is over, so that it never reads a closed descriptor. */
  close(): void {
    const closeFile = () => closeSync(this.fd);
    this.ahead.then(closeFile, closeFile);
  }

  private readInto(buffer: Buffer): Promise<number> {
    const p = new Promise<number>((resolve, reject) => {
      read(this.fd, buffer, 0, buffer.length, null, (err, n) => (err ? reject(err) : resolve(n)));
    });
    // Until the caller awaits it, a failed read must not count as an unhandled rejection.
    p.catch(() => {});
    return p;
  }
}

class StreamInput implements CaptureInput {
  private readonly chunks: AsyncIterator<Uint8Array>;
  private pending: Uint8Array | undefined;
  private pendingOffset = 0;
  readonly size = fileSize(0);

  constructor(
    readonly name: string,
    stream: AsyncIterable<Uint8Array>,
  ) {
    this.chunks = stream[Symbol.asyncIterator]();
  }

  /** Hands over what the stream has as soon as it has it, so a live pipe is not held back. */
  async read(into: Uint8Array, offset: number, length: number): Promise<number> {
    while (this.pending === undefined || this.pendingOffset === this.pending.length) {
      const next = await this.chunks.next();
      if (next.done) return 0;
      this.pending = next.value;
      this.pendingOffset = 0;
    }
    const n = Math.min(length, this.pending.length - this.pendingOffset);
    into.set(this.pending.subarray(this.pendingOffset, this.pendingOffset + n), offset);
    this.pendingOffset += n;
    return n;
  }

  /** Stops the stream, so that a capture abandoned mid-way does not keep the process waiting on it. */
  close(): void {
    void this.chunks.return?.();
  }
}
