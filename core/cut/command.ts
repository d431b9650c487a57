// `nsm cut`: zeek-cut's options and output, over TSV and JSON logs, plain or gzip'd, from files or
// standard input. zeek-cut reads standard input only and takes every argument as a column name;
// nsm also takes log files among the arguments: "-", an existing file, or a name ending in .log,
// .json or .gz is an input, anything else a column. Later options win over earlier ones as in
// zeek-cut (`-u -D FMT` is local time in FMT, `-D FMT -u` UTC in FMT), so the order is kept.

import { existsSync, statSync } from "node:fs";
import type { Command } from "commander";
import { BadLogError, BadTimeFormatError, NsmError } from "../errors.ts";
import { DEFAULT_TIME_FORMAT, LogCutter, type CutOptions, type CutSink } from "./cutter.ts";
import { JsonLog } from "./json-log.ts";
import { readLogLines } from "./log-input.ts";

const FLUSH_CHARS = 1 << 16;

export function addCutCommand(program: Command): void {
  const options: CutOptions = { columns: [], negate: false, headers: "none", minimal: false, time: "none", timeFormat: DEFAULT_TIME_FORMAT };
  const envFormat = process.env.ZEEK_CUT_TIMEFMT;
  if (envFormat !== undefined) options.timeFormat = envFormat;
  const headers = (which: CutOptions["headers"], minimal: boolean) => () => Object.assign(options, { headers: which, minimal });
  const time = (zone: CutOptions["time"]) => (format?: string) => {
    options.time = zone;
    if (typeof format === "string") options.timeFormat = format;
  };
  const cut = program
    .command("cut")
    .description("print chosen columns of Zeek logs (TSV or JSON, plain or gzip'd), as zeek-cut does")
    .argument("[columns-and-logs...]", "column names (none: all), and log files (default: standard input)")
    .option("-c", "include the first header block")
    .option("-C", "include every header block")
    .option("-m", "include the first header block as one line of column names")
    .option("-M", "include every header block as one line of column names")
    .option("-n", "print every column except the ones named")
    .option("-d", "convert time columns to local time (format: ZEEK_CUT_TIMEFMT or %Y-%m-%dT%H:%M:%S%z)")
    .option("-D <fmt>", "like -d, in strftime format FMT")
    .option("-u", "like -d, in UTC")
    .option("-U <fmt>", "like -D, in UTC")
    .option("-F <sep>", "output field separator (one character)")
    .addHelpText("after", "\nExample: nsm cut -d ts id.orig_h id.resp_h < conn.log\n")
    .action(async (args: string[], flags: { n?: boolean; F?: string }) => {
      options.negate = flags.n === true;
      if (flags.F !== undefined) {
        if (flags.F.length !== 1) throw new NsmError("NSM_ERR_BAD_OPTION", "nsm cut -F: the field separator must be a single character");
        options.separator = flags.F;
      }
      if (options.time !== "none" && options.timeFormat === "") throw new BadTimeFormatError("the time format cannot be empty");
      const inputs = args.filter(isLogArgument);
      options.columns = args.filter((a) => !isLogArgument(a));
      await cutLogs(inputs.length > 0 ? inputs : ["-"], options);
    });
  cut.on("option:c", headers("first", false));
  cut.on("option:C", headers("all", false));
  cut.on("option:m", headers("first", true));
  cut.on("option:M", headers("all", true));
  cut.on("option:d", time("local"));
  cut.on("option:D", time("local"));
  cut.on("option:u", time("utc"));
  cut.on("option:U", time("utc"));
}

function isLogArgument(arg: string): boolean {
  if (arg === "-" || /\.(log|json|gz)$/.test(arg)) return true;
  return existsSync(arg) && statSync(arg).isFile();
}

/** A log that cannot be read (missing, not gzip after all) is named in the one line the user sees. */
async function readOrSay(input: string, reading: Promise<void>): Promise<void> {
  try {
    await reading;
  } catch (e) {
    if (e instanceof NsmError) throw e;
    const err = e as NodeJS.ErrnoException;
    const why = err.code === "ENOENT" ? "no such file" : err.code === "EISDIR" ? "is a folder" : err.message;
    throw new BadLogError(`${input === "-" ? "standard input" : input}: ${why}`);
  }
}

/** Runs the cut over the inputs in order, as if they were one concatenated stream. */
export async function cutLogs(inputs: string[], options: CutOptions): Promise<void> {
  let pending = "";
  const stdout = process.stdout;
  stdout.on("error", (err: NodeJS.ErrnoException) => {
    // A reader that went away (`nsm cut ... | head`) is not an error.
    if (err.code === "EPIPE") process.exit(0);
    throw err;
  });
  const flush = async () => {
    if (pending === "") return;
    const full = !stdout.write(Buffer.from(pending, "latin1"));
    pending = "";
    if (full) await new Promise((resolve) => stdout.once("drain", resolve));
  };
  const sink: CutSink = {
    out(text) {
      pending += text;
    },
    warn(message) {
      process.stderr.write(`nsm cut: ${message}\n`);
    },
  };
  const cutter = new LogCutter(options, sink);
  try {
    for (const input of inputs) {
      let json: JsonLog | undefined;
      let first = true;
      await readOrSay(input, readLogLines(
        input,
        (line) => {
          if (first && line.startsWith("{")) json = new JsonLog(cutter, sink);
          first = false;
          if (json) json.line(line);
          else cutter.line(line);
        },
        async () => {
          if (pending.length >= FLUSH_CHARS) await flush();
        },
      ));
    }
  } finally {
    await flush();
  }
}
