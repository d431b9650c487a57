// Our FTP events for the corpus traces, from a user script in the sandbox, against tshark's
// independent decoding of the same traces: every command and argument in order (but those whose
// command word is longer than FTP::max_command_length, which Zeek discards), and every reply code.
import { describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { runCapture } from "../fixtures/run-capture.ts";
import { TRACES } from "../fixtures/corpus.ts";

const script = fileURLToPath(new URL("./print-events.ts", import.meta.url));
const hasTshark = spawnSync("tshark", ["-v"]).status === 0;
const MAX_COMMAND_LENGTH = 100;

/** tshark's FTP lines: "request CMD ARG" or "reply CODE", in capture order. */
function tsharkLines(trace: string): string[] {
  const out = spawnSync("tshark", ["-r", trace, "-Y", "ftp", "-T", "fields", "-E", "occurrence=a", "-E", "aggregator=\x1f",
    "-e", "ftp.request.command", "-e", "ftp.request.arg", "-e", "ftp.response.code"], { encoding: "latin1" }).stdout;
  const lines: string[] = [];
  for (const row of out.split("\n").filter((r) => r !== "")) {
    const [commands, args, codes] = row.split("\t").map((f) => (f === "" ? [] : f.split("\x1f")));
    commands.forEach((cmd, i) => cmd.length <= MAX_COMMAND_LENGTH && lines.push(`request\t${cmd.toUpperCase()}\t${args[i] ?? ""}`));
    for (const code of codes) lines.push(`reply\t${code}`);
  }
  return lines;
}

/**
 * Ours in the same shape. tshark gives a multi-line reply one code, its first line's: the lines
 * inside (code 0) and the closing line (after a continued one) are left out.
 */
async function ourLines(trace: string, checksums: boolean): Promise<string[]> {
  const run = await runCapture(trace, { scripts: [script], sandboxAll: true, checksums });
  const lines: string[] = [];
  let continued = false;
  for (const line of run.printed) {
    const [kind, code, cont] = line.split("\t");
    if (kind === "request") lines.push(line);
    else if (code !== "0" && !continued) lines.push(`reply\t${code}`);
    if (kind === "reply") continued = cont === "true";
  }
  return lines;
}

describe.skipIf(!hasTshark || !existsSync(TRACES))("FTP events against tshark", () => {
  it.each([
    ["ftp/ipv4.pcap", true],
    ["ftp/ipv6.pcap", true],
    ["ftp/fake-long-commands.pcap", true],
    ["ftp/ftp-password-pass-command.pcap", false],
  ])("%s", async (trace, checksums) => {
    const expected = tsharkLines(join(TRACES, trace));
    expect(expected.length).toBeGreaterThan(3);
    expect(await ourLines(join(TRACES, trace), checksums)).toEqual(expected);
  }, 60_000);
});
