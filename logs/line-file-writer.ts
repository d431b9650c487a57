// What the TSV and JSON writers share: a log file that appears with its first row (as in Zeek, a
// stream that logs nothing leaves no file), lines gathered whole into one string of about 64 KiB
// that is encoded once and written with one writeSync, a header when the file is created and a
// trailer when it is closed. A line is appended whole or not at all, so a flush or close never
// leaves a torn line behind. Encoding a chunk at a time, rather than a line at a time, saves a
// native call per line.

import { closeSync, mkdirSync, openSync, writeSync } from "node:fs";
import { dirname, join } from "node:path";
import { NsmError } from "../core/errors.ts";
import type { LogSchema, LogValue } from "./schema.ts";
import type { LogWriter, WriterOptions } from "./writer.ts";

/** Text gathered before it is written, in UTF-16 units: 64 KiB for ASCII. */
const CHUNK_UNITS = 64 * 1024;
/** A UTF-16 unit never takes more than 3 bytes of UTF-8, so the bytes of a full chunk always fit. */
const CHUNK_BYTES = 3 * CHUNK_UNITS;

export abstract class LineFileWriter implements LogWriter {
  /** The file written: `<dir>/<schema.path>.log`. */
  readonly path: string;
  protected readonly now: () => Date;
  private fd = -1;
  private closed = false;
  private readonly bytes = Buffer.allocUnsafe(CHUNK_BYTES);
  /** Whole lines not yet written. */
  private pending = "";

  constructor(schema: LogSchema, opts: WriterOptions) {
    this.path = join(opts.dir, schema.path + ".log");
    this.now = opts.now ?? (() => new Date());
  }

  /** One row as text, newline included. */
  protected abstract formatLine(values: readonly LogValue[]): string;

  /** Written once, when the file is created. */
  protected header(): string {
    return "";
  }

  /** Written once, when the file is closed. */
  protected trailer(): string {
    return "";
  }

  write(values: LogValue[]): void {
    if (this.closed) throw new NsmError("NSM_ERR_LOG_CLOSED", `${this.path}: write after close`);
    const line = this.formatLine(values);
    if (this.fd < 0) this.create();
    this.append(line);
  }

  flush(): void {
    if (this.fd >= 0) this.drain();
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.fd < 0) return;
    this.append(this.trailer());
    this.drain();
    closeSync(this.fd);
    this.fd = -1;
  }

  private create(): void {
    try {
      mkdirSync(dirname(this.path), { recursive: true });
      this.fd = openSync(this.path, "w");
    } catch (err) {
      throw new NsmError("NSM_ERR_LOG_OPEN", `cannot create ${this.path}: ${(err as Error).message}`);
    }
    this.append(this.header());
  }

  private append(text: string): void {
    if (this.pending.length + text.length <= CHUNK_UNITS) {
      this.pending += text;
      return;
    }
    this.drain();
    if (text.length <= CHUNK_UNITS) {
      this.pending = text;
      return;
    }
    const bytes = Buffer.from(text, "utf8");
    this.writeAll(bytes, bytes.length);
  }

  private drain(): void {
    if (this.pending.length === 0) return;
    const length = this.bytes.write(this.pending, 0, "utf8");
    this.pending = "";
    this.writeAll(this.bytes, length);
  }

  private writeAll(bytes: Buffer, length: number): void {
    try {
      for (let done = 0; done < length; ) done += writeSync(this.fd, bytes, done, length - done);
    } catch (err) {
      throw new NsmError("NSM_ERR_LOG_WRITE", `cannot write ${this.path}: ${(err as Error).message}`);
    }
  }
}
