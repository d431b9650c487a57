// The JSON-lines log writer (Zeek's LogAscii::use_json): rows only, no meta lines, same file name.

import { JsonFormat } from "./json-format.ts";
import { LineFileWriter } from "./line-file-writer.ts";
import type { LogSchema, LogValue } from "./schema.ts";
import type { WriterOptions } from "./writer.ts";

export class JsonWriter extends LineFileWriter {
  private readonly format: JsonFormat;

  constructor(schema: LogSchema, opts: WriterOptions) {
    super(schema, opts);
    this.format = new JsonFormat(schema.columns);
  }

  protected override formatLine(values: readonly LogValue[]): string {
    return this.format.line(values);
  }
}
