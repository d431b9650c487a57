// Log streams created by scripts: each has a path, typed columns (plus extensions from other
// scripts), policy hooks, and a writer opened with the first row. Rows are validated against the
// columns; a wrong value is reported and the row dropped, never written half-right. When a reloaded
// script recreates a stream with other columns, the old file is closed and set aside. With a rotation
// interval every file is closed and renamed on the interval's boundaries (logs/rotation.ts).
import { nextRotation, renameRotated } from "../../logs/rotation.ts";
import { openLogWriter, type LogWriter, type WriterOptions } from "../../logs/writer.ts";
import type { Column, LogValue, ZeekType } from "../../logs/schema.ts";
import type { ColumnTypes, LogRecord, ScriptHost } from "./host.ts";
import { columnSource } from "./column-source.ts";

export interface PolicyRef {
  host: ScriptHost;
  index: number;
}

interface Stream {
  id: string;
  path: string;
  owner: string;
  columns: Column[];
  /** The row of a record in column order, or the index of the first column whose value has the wrong type. */
  read: RowReader;
  policies: PolicyRef[];
  writer: LogWriter | undefined;
  /** Rows written under this id, across reloads (for the run's summary). */
  rows: number;
  /** Network time when the writer's file was opened. */
  openedAt: number;
}

const PATH = /^[A-Za-z0-9_-]+$/;

/**
 * Columns as a stream has them: a column of type "conn_id" stands for the four columns of Zeek's
 * `id: conn_id &log` (id.orig_h, id.orig_p, id.resp_h, id.resp_p).
 */
export function expandColumns(columns: ColumnTypes): ColumnTypes {
  if (columns === null || typeof columns !== "object") return columns;
  const out: ColumnTypes = {};
  for (const [name, type] of Object.entries(columns)) {
    if (type === "conn_id") {
      out[`${name}.orig_h`] = "addr";
      out[`${name}.orig_p`] = "port";
      out[`${name}.resp_h`] = "addr";
      out[`${name}.resp_p`] = "port";
    } else {
      out[name] = type;
    }
  }
  return out;
}
const SCALARS = new Set(["time", "interval", "addr", "subnet", "port", "count", "int", "double", "bool", "string", "enum"]);

function validType(t: string): t is ZeekType {
  const m = /^(set|vector)\[(\w+)\]$/.exec(t);
  return SCALARS.has(m ? m[2] : t);
}

type RowReader = (rec: LogRecord) => LogValue[] | number;

/** A test of a value of `type` that is neither undefined nor null, as an expression on `v`. */
function checkSource(type: string): string {
  if (/^(set|vector)\[/.test(type)) {
    const inner = checkSource(type.slice(type.indexOf("[") + 1, -1));
    return `(Array.isArray(v) && v.every((v) => v === undefined || v === null || ${inner}))`;
  }
  switch (type) {
    case "time":
    case "interval":
    case "double":
      return `typeof v === "number"`;
    case "count":
    case "port":
      return `(typeof v === "number" ? Number.isInteger(v) && v >= 0 : typeof v === "bigint")`;
    case "int":
      return `(typeof v === "number" ? Number.isInteger(v) : typeof v === "bigint")`;
    case "bool":
      return `typeof v === "boolean"`;
    default:
      return `(typeof v === "string" || v instanceof Uint8Array)`;
  }
}

/**
 * Reads and checks every column of a row in one generated function: a row is read for every line of
 * every log, and straight-line code does it without calls per column. Column names enter the code
 * only as JSON string literals.
 */
function rowReader(columns: readonly Column[]): RowReader {
  const body = columns.map(
    (c, i) => `v = ${columnSource(c.name, "rec")};\n  if (v !== undefined && v !== null && !${checkSource(c.type)}) return ${i};\n  row[${i}] = v;`,
  );
  return new Function("rec", `const row = new Array(${columns.length});\n  let v, t;\n  ${body.join("\n  ")}\n  return row;`) as RowReader;
}

/** The value the row reader found in a column, for the message about a wrong one (rare: compiled each time). */
function columnValue(rec: LogRecord, name: string): unknown {
  return (new Function("rec", `let t;\n  return ${columnSource(name, "rec")};`) as (r: LogRecord) => unknown)(rec);
}

function describe(v: unknown): string {
  const t = Array.isArray(v) ? "array" : v instanceof Uint8Array ? "bytes" : typeof v;
  const text = typeof v === "string" ? JSON.stringify(v.length > 40 ? v.slice(0, 40) + "…" : v) : typeof v === "object" ? "" : String(v);
  return text ? `${t} ${text}` : t;
}

export class LogStreams {
  private readonly streams = new Map<string, Stream>();
  /** Network time of the next rotation; Infinity without rotation, NaN until time is first known. */
  rotationDue: number;
  /** With rotation: when the current period began (run start or last rotation), every file's open time. */
  private periodStart: number | undefined;

  constructor(
    private readonly logs: WriterOptions,
    private readonly fail: (script: string, message: string) => void,
    /** Network time. */
    private readonly clock: () => number,
  ) {
    this.rotationDue = logs.rotateInterval ? NaN : Infinity;
  }

  create(script: string, id: string, path: string, columns: ColumnTypes, policy: PolicyRef | undefined): void {
    if (typeof path !== "string" || !PATH.test(path)) {
      throw new Error(`Log.createStream("${id}"): path ${JSON.stringify(path)} must be letters, digits, _ and - only`);
    }
    const cols = this.columnsOf(id, columns);
    const old = this.streams.get(id);
    if (old && old.owner !== script) throw new Error(`Log.createStream("${id}"): the stream already exists (created by ${old.owner})`);
    for (const s of this.streams.values()) {
      if (s.path === path && s.id !== id) throw new Error(`Log.createStream("${id}"): ${path}.log is already written by stream "${s.id}"`);
    }
    let writer: LogWriter | undefined;
    let openedAt = 0;
    if (old) {
      // A reloaded script recreates its stream: keep the file open if the columns are the same.
      if (old.path === path && sameColumns(old.columns, cols)) ({ writer, openedAt } = old);
      else this.closeFile(old, this.clock());
    }
    this.streams.set(id, {
      id,
      path,
      owner: script,
      columns: cols,
      read: rowReader(cols),
      policies: policy ? [policy] : [],
      writer,
      rows: old?.rows ?? 0,
      openedAt,
    });
  }

  extend(_script: string, id: string, columns: ColumnTypes): void {
    const s = this.get(id, "Log.extend");
    if (s.writer) throw new Error(`Log.extend("${id}"): the stream has already written rows`);
    for (const c of this.columnsOf(id, columns)) {
      if (s.columns.some((x) => x.name === c.name)) throw new Error(`Log.extend("${id}"): column "${c.name}" exists already`);
      s.columns.push(c);
    }
    s.read = rowReader(s.columns);
  }

  addPolicy(_script: string, id: string, policy: PolicyRef): void {
    this.get(id, "Log.addPolicy").policies.push(policy);
  }

  write(script: string, id: string, rec: LogRecord): void {
    const s = this.streams.get(id);
    if (!s) {
      this.fail(script, `Log.write("${id}"): no such stream`);
      return;
    }
    if (rec === null || typeof rec !== "object") {
      this.fail(script, `Log.write("${id}"): the record must be an object, got ${describe(rec)}`);
      return;
    }
    for (const p of s.policies) {
      const r = p.host.runPolicy(p.index, rec);
      if (r === false) return;
      rec = r;
    }
    const row = s.read(rec);
    if (typeof row === "number") {
      const c = s.columns[row];
      this.fail(script, `Log.write("${id}"): column "${c.name}" is ${c.type}, got ${describe(columnValue(rec, c.name))}; row dropped`);
      return;
    }
    if (s.writer === undefined) {
      s.writer = openLogWriter({ path: s.path, columns: s.columns }, this.logs);
      s.openedAt = this.periodStart ?? this.clock();
    }
    s.writer.write(row);
    s.rows++;
  }

  /** Rows written per log file name (`conn.log`), for logs that got any. */
  rowCounts(): { log: string; rows: number }[] {
    return [...this.streams.values()].filter((s) => s.rows > 0).map((s) => ({ log: `${s.path}.log`, rows: s.rows }));
  }

  /**
   * Network time moved to `t` and a rotation is due (the caller checks `t >= rotationDue`): every
   * open file is closed with #close and renamed; the next row of a stream starts a new file.
   */
  rotate(t: number): void {
    if (Number.isNaN(this.rotationDue)) {
      // The first network time sets the schedule, and is the open time of files written before it.
      for (const s of this.streams.values()) if (s.openedAt === 0) s.openedAt = t;
      this.periodStart = t;
    } else {
      // A file closes at the rotation time, however late the packet that showed it was due.
      for (const s of this.streams.values()) this.closeFile(s, this.rotationDue);
      this.periodStart = this.rotationDue;
    }
    this.rotationDue = nextRotation(t, this.logs.rotateInterval!);
  }

  /** A script's host was replaced (reload): its policy hooks go with it. */
  hostRetired(host: ScriptHost): void {
    for (const s of this.streams.values()) s.policies = s.policies.filter((p) => p.host !== host);
  }

  flushAll(): void {
    for (const s of this.streams.values()) s.writer?.flush();
  }

  /** End of the run: every file gets #close; with rotation on, they are rotated too (as Zeek does at exit). */
  closeAll(): void {
    for (const s of this.streams.values()) {
      if (this.logs.rotateInterval) this.closeFile(s, this.clock());
      else s.writer?.close();
    }
  }

  private get(id: string, what: string): Stream {
    const s = this.streams.get(id);
    if (!s) throw new Error(`${what}("${id}"): no such stream`);
    return s;
  }

  private columnsOf(id: string, columns: ColumnTypes): Column[] {
    if (columns === null || typeof columns !== "object") throw new Error(`stream "${id}": columns must be an object of name: type`);
    return Object.entries(expandColumns(columns)).map(([name, type]) => {
      if (typeof type !== "string" || !validType(type)) throw new Error(`stream "${id}": column "${name}" has unknown type ${JSON.stringify(type)}`);
      return { name, type };
    });
  }

  /** Closes a stream's file (with #close) and renames it with its open and close times. */
  private closeFile(s: Stream, t: number): void {
    if (!s.writer) return;
    s.writer.close();
    s.writer = undefined;
    renameRotated(this.logs.dir, s.path, s.openedAt, t);
  }
}

function sameColumns(a: Column[], b: Column[]): boolean {
  return a.length === b.length && a.every((c, i) => c.name === b[i].name && c.type === b[i].type);
}
