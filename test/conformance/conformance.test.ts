// The conformance ratchet: runs ../shared/tools/conformance (Zeek's own logs for the corpus traces,
// compared field by field with ours) and fails when a case listed in passing.txt no longer passes.
// Cases that start passing are reported so they can be added to the list.
import { describe, expect, it } from "vitest";
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { dirname, join } from "node:path";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const tool = join(root, "..", "shared", "tools", "conformance");
const listed = readFileSync(join(root, "test", "conformance", "passing.txt"), "utf8")
  .split("\n")
  .map((l) => l.trim())
  .filter((l) => l && !l.startsWith("#"));

function runAll(): { pass: Set<string>; output: string } {
  let output: string;
  try {
    output = execFileSync(tool, [], { cwd: root, encoding: "utf8", maxBuffer: 1 << 26 });
  } catch (e) {
    // Exit status 1 means some case failed; the report is still on stdout.
    output = (e as { stdout?: string }).stdout ?? "";
  }
  const pass = new Set<string>();
  for (const line of output.split("\n")) {
    const m = /^PASS\s+(\S+)/.exec(line);
    if (m) pass.add(m[1]);
  }
  return { pass, output };
}

describe.skipIf(!existsSync(tool))("conformance against Zeek's logs", () => {
  it("keeps every case in passing.txt passing, in every area", () => {
    const { pass, output } = runAll();
    const summary = output.split("\n").filter((l) => /cases \d+\/\d+/.test(l));
    console.log(summary.join("\n"));
    const newlyPassing = [...pass].filter((c) => !listed.includes(c));
    if (newlyPassing.length) console.log("passing but not yet listed in passing.txt:\n  " + newlyPassing.join("\n  "));
    const regressed = listed.filter((c) => !pass.has(c));
    expect(regressed, "cases that passed before and fail now").toEqual([]);
    expect(listed.length).toBeGreaterThan(0);
  }, 600_000);
});
