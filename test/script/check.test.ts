// `nsm check FILE.ts`: every script we ship (the examples a user copies, the bundled base and policy
// scripts) type-checks against the script API, and a script with a type error fails with the
// compiler's message, file and line, both from checkScript() and from the command.
import { beforeAll, describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { checkScript } from "../../core/script/check.ts";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const bin = join(root, "bin", "nsm.js");

/** Each check builds a TypeScript program: about a second on a busy machine, more in parallel. */
const SLOW = 60_000;

function scriptsUnder(dir: string): string[] {
  return readdirSync(join(root, dir), { recursive: true, encoding: "utf8" })
    .filter((f) => f.endsWith(".ts"))
    .map((f) => join(dir, f))
    .sort();
}

const shipped = [...scriptsUnder("examples/scripts"), ...scriptsUnder("scripts/base"), ...scriptsUnder("scripts/policy")];

function nsmCheck(files: string[]) {
  return spawnSync(process.execPath, [bin, "check", ...files], { cwd: root, encoding: "utf8" });
}

/** Scripts with one mistake each, on line 3, and what the compiler must say about it. */
const mistakes: { name: string; body: string; code: number; says: RegExp }[] = [
  {
    name: "a connection_state_remove handler that takes a string",
    body: `on("connection_state_remove", (c: string) => print(c));`,
    code: 2345,
    says: /'\(c: string\) => void' is not assignable to parameter of type 'Handler<"connection_state_remove">'[^]*Type 'Connection' is not assignable to type 'string'/,
  },
  {
    name: "an event that does not exist",
    body: `on("connection_exploded", () => print("boom"));`,
    code: 2345,
    says: /Argument of type '"connection_exploded"' is not assignable to parameter of type 'keyof Events'/,
  },
  {
    name: "Log.write with a number for the record",
    body: `on("zeek_done", () => Log.write("Conn::LOG", 42));`,
    code: 2345,
    says: /Argument of type 'number' is not assignable to parameter of type 'LogRecord'/,
  },
  {
    name: "a field the Connection record does not have",
    body: `on("new_connection", (c) => print(c.orig.bytes));`,
    code: 2339,
    says: /Property 'bytes' does not exist on type 'Endpoint'/,
  },
  {
    name: "an event argument in the wrong order",
    body: `on("conn_weird", (c: Connection, name: string) => print(c.uid, name));`,
    code: 2345,
    says: /Type 'string' is not assignable to type 'Connection'/,
  },
  {
    name: "a string option used as a number",
    body: `const limit: number = option("Mine::limit", "ten");`,
    code: 2322,
    says: /Type 'string' is not assignable to type 'number'/,
  },
];

let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "nsm-check-"));
  for (const [i, m] of mistakes.entries()) {
    writeFileSync(join(dir, `mistake-${i}.ts`), `import { on, Log, option, print, type Connection } from "nsm";\n\n${m.body}\n`);
  }
});

describe("checkScript", () => {
  it("finds the scripts it is meant to check", () => {
    expect(shipped).toEqual(expect.arrayContaining(["examples/scripts/top-talkers.ts", "scripts/base/conn.ts", "scripts/policy/conn/mac-logging.ts"]));
  });

  it.each(shipped)("passes %s", async (file) => {
    expect(await checkScript(join(root, file))).toEqual([]);
  }, SLOW);

  it.each(mistakes.map((m, i) => [m.name, i] as const))("fails on %s, with the file, the line and the compiler's message", async (_, i) => {
    const file = join(dir, `mistake-${i}.ts`);
    const problems = await checkScript(file);
    expect(problems).toHaveLength(1);
    const [where, message] = problems[0].split(/ - (?=error TS)/);
    expect(where).toMatch(new RegExp(`^${literal(file)}:3:\\d+$`));
    expect(message).toMatch(new RegExp(`^error TS${mistakes[i].code}: `));
    expect(message).toMatch(mistakes[i].says);
  }, SLOW);

  it("fails on a script that imports what the API does not have", async () => {
    const file = join(dir, "no-such-export.ts");
    writeFileSync(file, `import { on, readFile } from "nsm";\non("zeek_init", () => readFile("/etc/passwd"));\n`);
    const problems = await checkScript(file);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(new RegExp(`^${literal(file)}:1:\\d+ - error TS2305: Module '"nsm"' has no exported member 'readFile'`));
  }, SLOW);
});

describe("nsm check", () => {
  beforeAll(() => {
    if (!existsSync(join(root, "dist", "cli.js"))) throw new Error("build first: npm run build (npm test does)");
  });

  it("says ok for each example and exits 0", () => {
    const examples = shipped.filter((f) => f.startsWith("examples/"));
    const r = nsmCheck(examples);
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect(r.stdout.trim().split("\n")).toEqual(examples.map((f) => `${f}: ok`));
  }, SLOW);

  it("prints the type error on stderr and exits 1, still checking the other files", () => {
    const bad = join(dir, "mistake-0.ts");
    const r = nsmCheck([bad, "examples/scripts/watch-list.ts"]);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(new RegExp(`^${literal(bad)}:3:\\d+ - error TS2345: `));
    expect(r.stderr).toMatch(mistakes[0].says);
    expect(r.stdout).toBe("examples/scripts/watch-list.ts: ok\n");
  }, SLOW);
});

/** `s` as a regular expression that matches exactly it. */
function literal(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
