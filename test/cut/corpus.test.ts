// nsm cut against zeek-cut's own output: for every corpus case whose baseline zeek-cut made (the
// command is in INDEX.tsv's notes) and whose log nsm already writes as Zeek does (the case is in
// the conformance ratchet, test/conformance/passing.txt), nsm writes the log, `nsm cut` runs the
// same command over it, and the output must equal the baseline after btest's canonification
// (timestamps masked), uids masked and rows in sorted order.
import { describe, expect, it } from "vitest";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { nsm, PROJECT_ROOT } from "../fixtures/nsm-bin.ts";
import { CORPUS } from "../fixtures/corpus.ts";

interface CutCase {
  name: string;
  trace: string;
  nsmArgs: string[];
  cutArgs: string[];
  log: string;
  baseline: string;
}

function tsv(file: string): Record<string, string>[] {
  const [head, ...rows] = readFileSync(file, "utf8").split("\n").filter(Boolean);
  const names = head.split("\t");
  return rows.map((r) => Object.fromEntries(r.split("\t").map((v, i) => [names[i], v])));
}

/** Splits a command line of the simple kind the notes hold (quotes only around whole words). */
const words = (s: string) => (s.match(/'[^']*'|\S+/g) ?? []).map((w) => w.replace(/^'(.*)'$/, "$1"));

function cutCases(corpus: string): CutCase[] {
  const passing = new Set(readFileSync(join(PROJECT_ROOT, "test", "conformance", "passing.txt"), "utf8").split("\n"));
  const conformance = new Map(tsv(join(corpus, "CONFORMANCE.tsv")).map((c) => [c.baseline, c]));
  const cases: CutCase[] = [];
  for (const row of tsv(join(corpus, "INDEX.tsv"))) {
    const m = /^ZEEK-CUT: (btest-diff-cut|zeek-cut) (.*?)(?: > \S+)?(?:\. | \(|$)/.exec(row.notes);
    const c = conformance.get(row.baseline_path);
    if (!m || !c || !passing.has(c.case)) continue;
    const args = words(m[2]);
    // btest-diff-cut names the log last; zeek-cut reads it from standard input.
    const log = m[1] === "btest-diff-cut" ? args.pop()! : args.splice(args.indexOf("<"), 2)[1];
    cases.push({ name: c.case, trace: c.trace, nsmArgs: words(c.nsm_args), cutArgs: args, log, baseline: row.baseline_path });
  }
  return cases;
}

/**
 * btest's canonification (the first timestamp on a line masked), uids masked, and the rows sorted:
 * the order of rows is the log's (Zeek flushes what is left at the end in hash-table order), not
 * cut's, and the conformance gate checks the logs themselves.
 */
function canonical(text: string): string {
  const lines = text.split("\n").map((l) => l.replace(/\d{9,10}\.\d{6}/, "XXXXXXXXXX.XXXXXX").replace(/\bC[A-Za-z0-9]{14,18}\b/g, "UID"));
  const header = lines.filter((l) => l.startsWith("#"));
  const rows = lines.filter((l) => !l.startsWith("#"));
  return [...header, ...rows.sort()].join("\n");
}

describe("nsm cut matches zeek-cut's baselines in the corpus", { timeout: 60_000 }, () => {
  const cases = cutCases(CORPUS);

  it("finds the zeek-cut cases", () => {
    expect(cases.length).toBeGreaterThanOrEqual(8);
  });

  for (const c of cases) {
    it(`${c.name}: nsm cut ${c.cutArgs.join(" ")} < ${c.log}`, () => {
      const dir = mkdtempSync(join(tmpdir(), "nsm-cut-corpus-"));
      const run = nsm(["-r", join(CORPUS, c.trace), ...c.nsmArgs], { cwd: dir });
      expect(run.status, run.stderr).toBe(0);
      const cut = nsm(["cut", ...c.cutArgs], { cwd: dir, input: readFileSync(join(dir, c.log)) });
      expect(cut.stderr).toBe("");
      const expected = readFileSync(join(CORPUS, c.baseline), "latin1").split("\n").slice(1).join("\n");
      expect(canonical(cut.stdout)).toBe(canonical(expected));
    });
  }
});
