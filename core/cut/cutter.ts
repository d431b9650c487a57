// zeek-cut's job on the lines of Zeek ASCII logs: pick columns by name (or all but some, -n), keep
// the header blocks wanted (-c/-C whole, -m/-M as one line of names), convert `time` columns to
// text (-d/-u), and change the output separator (-F). Several logs may follow one another on the
// same input, each with its own header block, separator and column order, as `cat a.log b.log |
// zeek-cut` sees them. The behaviour, quirks included (a column the log lacks prints as an empty
// field, a line with too few fields is skipped with a warning, a header block missing its #types
// stops the run), is zeek-cut's, so its users get the output they expect.

import { BadLogError } from "../errors.ts";
import { localTime, TimeFormat, utcTime } from "./strftime.ts";

export interface CutOptions {
  /** Column names; all columns when empty. */
  columns: string[];
  /** Print every column except `columns` (-n). */
  negate: boolean;
  /** Header blocks to keep: none, the first (-c/-m), or all (-C/-M). */
  headers: "none" | "first" | "all";
  /** Header as one line of column names (-m/-M) instead of the # lines. */
  minimal: boolean;
  /** Convert `time` columns: not at all, to local time (-d/-D), or to UTC (-u/-U). */
  time: "none" | "local" | "utc";
  timeFormat: string;
  /** Output separator (-F); the log's own separator when unset. */
  separator?: string;
}

/** zeek-cut's default time format for -d/-u (ZEEK_CUT_TIMEFMT changes it). */
export const DEFAULT_TIME_FORMAT = "%Y-%m-%dT%H:%M:%S%z";

/** Where output and warnings go; `out` gets whole lines, newline included. */
export interface CutSink {
  out(text: string): void;
  warn(message: string): void;
}

/** A log's column layout: the output's column indexes (-1: not in this log), and the time columns. */
export class Selection {
  /** One past the largest index a row must have. */
  readonly needed: number;

  constructor(
    readonly indexes: readonly number[],
    public timeColumns: readonly boolean[] = [],
  ) {
    this.needed = indexes.reduce((m, i) => Math.max(m, i + 1), 0);
  }

  static of(names: readonly string[], options: CutOptions): Selection {
    if (options.columns.length === 0) return new Selection(names.map((_, i) => i));
    if (!options.negate) return new Selection(options.columns.map((c) => names.indexOf(c)));
    const dropped = new Set(options.columns);
    return new Selection(names.flatMap((n, i) => (dropped.has(n) ? [] : [i])));
  }
}

export class LogCutter {
  /** Only made when times are converted: a ZEEK_CUT_TIMEFMT nsm cannot render matters only then. */
  private readonly format: TimeFormat | undefined;
  private readonly breakDown: (epoch: number) => ReturnType<typeof utcTime>;
  private inputSeparator = "\t";
  private outputSeparator: string;
  private unset = "-";
  private selection = new Selection([]);
  /** Header blocks met so far, counted up to 2 (zeek-cut's "first" versus "later"). */
  private blocks = 0;
  private inHeader = false;
  private afterFields = false;
  /** The last conversion, reused while the second does not change (logs are in time order). */
  private lastEpoch = -1;
  private lastText = "";

  constructor(
    readonly options: CutOptions,
    private readonly sink: CutSink,
  ) {
    this.format = options.time === "none" ? undefined : new TimeFormat(options.timeFormat);
    this.breakDown = options.time === "local" ? localTime : utcTime;
    this.outputSeparator = options.separator ?? "\t";
  }

  /** One line of a TSV log, without its newline. Throws BadLogError where zeek-cut gives up. */
  line(line: string): void {
    if (this.afterFields && !line.startsWith("#types")) throw new BadLogError("bad log header (missing #types line)");
    if (line[0] !== "#") {
      this.inHeader = false;
      this.row(line.split(this.inputSeparator));
      return;
    }
    this.startHeaderLine();
    if (line.startsWith("#separator ")) this.setSeparator(line.slice(11));
    else if (line.startsWith("#unset_field")) {
      if (line.length < 14) throw new BadLogError("bad log header (invalid #unset_field line)");
      this.unset = line.slice(13);
    } else if (line.startsWith("#fields")) {
      this.afterFields = true;
      this.selection = Selection.of(line.slice(8).split(this.inputSeparator), this.options);
    } else if (line.startsWith("#types")) {
      if (!this.afterFields) throw new BadLogError("bad log header (missing #fields line)");
      this.afterFields = false;
      if (this.options.time !== "none") this.findTimeColumns(line.slice(7).split(this.inputSeparator));
    }
    if (!this.showsHeader()) return;
    const fieldsOrTypes = line.startsWith("#fields") || (line.startsWith("#types") && !this.options.minimal);
    if (fieldsOrTypes) this.headerRow(line.split(this.inputSeparator));
    else if (!this.options.minimal) this.sink.out(line + "\n");
  }

  /** Starts a header block from column names alone (JSON logs have no # lines). */
  namedBlock(names: readonly string[], selection: Selection): void {
    this.inHeader = false;
    this.startHeaderLine();
    this.selection = selection;
    if (this.showsHeader()) this.headerRow(["#fields", ...names]);
    this.inHeader = false;
  }

  /** One row, already split into fields. */
  row(fields: readonly string[]): void {
    const s = this.selection;
    if (fields.length < s.needed) {
      this.sink.warn("skipping log line (not enough fields)");
      return;
    }
    const convert = this.options.time !== "none";
    let out = "";
    for (let k = 0; k < s.indexes.length; k++) {
      const i = s.indexes[k];
      if (k > 0) out += this.outputSeparator;
      if (i < 0) continue;
      out += convert && s.timeColumns[i] ? this.time(fields[i]) : fields[i];
    }
    this.sink.out(out + "\n");
  }

  private startHeaderLine(): void {
    if (this.inHeader) return;
    this.inHeader = true;
    if (this.blocks < 2) this.blocks++;
  }

  private showsHeader(): boolean {
    const wanted = this.options.headers === "all" ? 2 : this.options.headers === "first" ? 1 : 0;
    return wanted >= this.blocks;
  }

  /** `#separator \x09` (or a literal character); the output follows it unless -F was given. */
  private setSeparator(text: string): void {
    const ch = text.startsWith("\\x") ? String.fromCharCode(parseInt(text.slice(2), 16) || 0) : (text[0] ?? "\0");
    if (ch === "\0") throw new BadLogError("bad log header (invalid #separator line)");
    this.inputSeparator = ch;
    this.outputSeparator = this.options.separator ?? ch;
  }

  private findTimeColumns(types: string[]): void {
    if (types.length < this.selection.needed) throw new BadLogError("log header does not have enough fields");
    this.selection.timeColumns = types.map((t) => t === "time");
  }

  /** A #fields or #types line: the first word, then the selected columns (time types become string). */
  private headerRow(fields: string[]): void {
    const s = this.selection;
    if (fields.length < s.needed + 1) {
      this.sink.warn("skipping log line (not enough fields)");
      return;
    }
    const retype = this.options.time !== "none" && fields[0] === "#types";
    let out = this.options.minimal ? "" : fields[0];
    for (let k = 0; k < s.indexes.length; k++) {
      if (k > 0 || !this.options.minimal) out += this.outputSeparator;
      const i = s.indexes[k];
      if (i < 0) continue;
      const text = fields[i + 1];
      out += retype && text === "time" ? "string" : text;
    }
    this.sink.out(out + "\n");
  }

  /** zeek-cut's rule: whole seconds followed by a point convert; anything else is printed as it is. */
  private time(field: string): string {
    const m = /^\s*([+-]?)(\d*)/.exec(field)!;
    const seconds = m[1] === "-" && m[2] ? -Number(m[2]) : Number(m[2] || 0);
    if (seconds < 0 || !Number.isSafeInteger(seconds)) {
      this.sink.warn(`time value out-of-range: ${field}`);
      return field;
    }
    if (field[m[0].length] !== ".") {
      if (field !== this.unset) this.sink.warn(`time field is not valid: ${field}`);
      return field;
    }
    if (seconds === this.lastEpoch) return this.lastText;
    const text = this.format!.render(this.breakDown(seconds));
    if (text.length === 0 || text.length >= 100) {
      this.sink.warn("failed to convert timestamp (try a shorter format string)");
      return field;
    }
    this.lastEpoch = seconds;
    this.lastText = text;
    return text;
  }
}
