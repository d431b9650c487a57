// A JSON-lines log fed to the cutter. JSON has no header, so the columns are the names asked for,
// or (no names, or -n) every key met so far in the order met: Zeek leaves unset fields out of a
// JSON row, so a later row may bring a key the first lacked; that starts a new header block, which
// -C/-M show and -c/-m do not. A key a row lacks prints as "-", as the unset field would in TSV.
// JSON has no types either: the time columns (-d/-u) are `ts` and names ending in `_ts` or `.ts`.

import { LogCutter, Selection, type CutSink } from "./cutter.ts";
import { jsonRow } from "./json-row.ts";

const isTimeColumn = (name: string) => name === "ts" || name.endsWith("_ts") || name.endsWith(".ts");

export class JsonLog {
  private names: string[] = [];
  private known = new Set<string>();
  private started = false;
  private readonly explicit: boolean;

  constructor(
    private readonly cutter: LogCutter,
    private readonly sink: CutSink,
  ) {
    const o = cutter.options;
    this.explicit = o.columns.length > 0 && !o.negate;
  }

  line(line: string): void {
    if (line === "") return;
    const row = jsonRow(line);
    if (!row) {
      this.sink.warn("skipping log line (not a JSON object)");
      return;
    }
    if (!this.started || (!this.explicit && this.bringsNewKeys(row))) this.startBlock(row);
    const fields = new Array<string>(this.names.length);
    for (let i = 0; i < fields.length; i++) fields[i] = row.get(this.names[i]) ?? "-";
    this.cutter.row(fields);
  }

  private bringsNewKeys(row: Map<string, string>): boolean {
    for (const k of row.keys()) if (!this.known.has(k)) return true;
    return false;
  }

  private startBlock(row: Map<string, string>): void {
    this.started = true;
    if (this.explicit) this.names = this.cutter.options.columns;
    else for (const k of row.keys()) if (!this.known.has(k)) this.names.push(k);
    this.known = new Set(this.names);
    const selection = Selection.of(this.names, this.cutter.options);
    selection.timeColumns = this.names.map(isTimeColumn);
    this.cutter.namedBlock(this.names, selection);
  }
}
