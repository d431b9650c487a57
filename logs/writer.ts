// The one entry point for log output: a stream hands over its schema and gets a writer for the
// chosen format. Rows are buffered; flush() pushes them to the file, close() flushes and ends it.

import { JsonWriter } from "./json-writer.ts";
import type { LogSchema, LogValue } from "./schema.ts";
import type { TsvMarkers } from "./tsv-format.ts";
import { TsvWriter } from "./tsv-writer.ts";

export interface LogWriter {
  /** The file written: `<dir>/<schema.path>.log`, created with the first row. */
  readonly path: string;
  write(values: LogValue[]): void;
  flush(): void;
  close(): void;
}

export interface WriterOptions {
  dir: string;
  format: "tsv" | "json";
  /** wall clock for #open/#close; default now */
  now?: () => Date;
  /** TSV only: Zeek's LogAscii::separator, set_separator, empty_field, unset_field, meta_prefix. */
  markers?: Partial<TsvMarkers>;
  /** Seconds of network time between rotations (logs/rotation.ts); unset: never rotate. */
  rotateInterval?: number;
}

export function openLogWriter(schema: LogSchema, opts: WriterOptions): LogWriter {
  return opts.format === "json" ? new JsonWriter(schema, opts) : new TsvWriter(schema, opts);
}
