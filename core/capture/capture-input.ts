// Where capture bytes come from. A file is read with asynchronous reads, so the event loop gets a turn
// between chunks (signal handlers, timers and script reloads run during a long `-r`). Standard input
// ("-") is read as Node's stream, which copes with pipes, files, terminals and a non-blocking fd 0
// alike, where a plain read on fd 0 could fail with EAGAIN.
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

class FileInput implements CaptureInput {
  private readonly fd: number;
  readonly size: number | undefined;

  constructor(readonly name: string) {
    this.fd = openSync(name, "r");
    this.size = fileSize(this.fd);
  }

  read(into: Uint8Array, offset: number, length: number): Promise<number> {
    return new Promise((resolve, reject) => {
      read(this.fd, into, offset, length, null, (err, n) => (err ? reject(err) : resolve(n)));
    });
  }

  close(): void {
    closeSync(this.fd);
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
