// Runs nsm over a capture in-process (checksums ignored, as -C) into a temporary folder, with any
// script files given run in the sandbox as a user's would be (the bundled ones too with
// `sandboxAll`), and reads the logs back.
import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { runTrace } from "../../core/run.ts";
import { defaultOptions } from "../../core/options.ts";
import { resolveScript } from "../../core/script/catalog.ts";
import { logRows, type LogRow } from "../fixtures/logs.ts";

/** Zeek's corpus beside the repository (as CI has it); "" when it is not there. */
export const CORPUS = [join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..", "shared", "corpus", "zeek")]
  .find((d) => existsSync(d)) ?? "";

export interface TraceRun {
  rows(path: string): LogRow[];
  printed: string[];
}

export async function runCapture(capture: string, scripts: string[] = [], policies: string[] = [], sandboxAll = false): Promise<TraceRun> {
  const dir = mkdtempSync(join(tmpdir(), "nsm-netbios-"));
  const options = defaultOptions();
  options.ignore_checksums = true;
  const printed: string[] = [];
  await runTrace({
    source: capture,
    options,
    localNets: [],
    logs: { dir, format: "tsv" },
    scripts: [...policies, ...scripts].map(resolveScript),
    print: (line: string) => printed.push(line),
    sandboxAll,
  });
  return { rows: (path) => logRows(join(dir, `${path}.log`), "latin1"), printed };
}
