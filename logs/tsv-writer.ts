// The Zeek ASCII (TSV) log writer: meta header when the file is created, #close when it is closed.

import { LineFileWriter } from "./line-file-writer.ts";
import type { LogSchema, LogValue } from "./schema.ts";
import { TsvFormat } from "./tsv-format.ts";
import type { WriterOptions } from "./writer.ts";

export class TsvWriter extends LineFileWriter {
  private readonly format: TsvFormat;

  constructor(
    private readonly schema: LogSchema,
    opts: WriterOptions,
  ) {
    super(schema, opts);
    this.format = new TsvFormat(schema.columns, opts.markers);
  }

  protected override formatLine(values: readonly LogValue[]): string {
    return this.format.line(values);
  }

  protected override header(): string {
    return this.format.header(this.schema.path, this.now());
  }

  protected override trailer(): string {
    return this.format.trailer(this.now());
  }
}
