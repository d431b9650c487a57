// Hot reload end to end: nsm reads packets slowly from a pipe while the test rewrites the user's
// script; the log holds the old version's rows, then the new version's, none lost or doubled, in
// one file. A version that does not compile leaves the old one running and says why.
import { describe, expect, it } from "vitest";
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { ethernetFrame } from "../fixtures/frames.ts";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");

function script(version: string): string {
  return `import { on, Log } from "nsm";
Log.createStream("Seen::LOG", { path: "seen", columns: { ts: "time", port: "port", version: "string" } });
on("new_connection", (c) => Log.write("Seen::LOG", { ts: c.start_time, port: c.id.orig_p, version: "${version}" }));
`;
}

function pcapHeader(): Buffer {
  const h = Buffer.alloc(24);
  h.writeUInt32LE(0xa1b2c3d4, 0);
  h.writeUInt16LE(2, 4);
  h.writeUInt16LE(4, 6);
  h.writeUInt32LE(65535, 16);
  h.writeUInt32LE(1, 20);
  return h;
}

function record(ts: number, port: number): Buffer {
  const frame = ethernetFrame({ src: "10.0.0.1", dst: "10.0.0.2", proto: "udp", sport: port, dport: 9999, payload: "x" });
  const h = Buffer.alloc(16);
  h.writeUInt32LE(ts, 0);
  h.writeUInt32LE(frame.length, 8);
  h.writeUInt32LE(frame.length, 12);
  return Buffer.concat([h, frame]);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("hot reload", () => {
  it("swaps the script between packets without losing or doubling a row", async () => {
    const dir = mkdtempSync(join(tmpdir(), "nsm-reload-"));
    const file = join(dir, "seen.ts");
    writeFileSync(file, script("v1"));
    const child = spawn(process.execPath, [join(root, "bin", "nsm.js"), "-r", "-", "--watch", "--logdir", dir, file], {
      env: { ...process.env, NSM_LOG_LEVEL: "info" },
      stdio: ["pipe", "pipe", "pipe"],
    });
    let stderr = "";
    child.stderr.on("data", (d) => (stderr += d));
    const waitFor = async (re: RegExp) => {
      for (let i = 0; i < 200 && !re.test(stderr); i++) await sleep(25);
      expect(stderr).toMatch(re);
    };
    await waitFor(/watching 1 script\(s\) for changes/);
    child.stdin.write(pcapHeader());
    for (let i = 0; i < 20; i++) child.stdin.write(record(1000 + i, 30000 + i));
    await sleep(400);

    writeFileSync(file, "this is not TypeScript {{{");
    await waitFor(/reload failed, the previous version keeps running/);
    for (let i = 20; i < 30; i++) child.stdin.write(record(1000 + i, 30000 + i));
    await sleep(300);

    writeFileSync(file, script("v2"));
    await waitFor(/reloaded .*seen\.ts in [\d.]+ ms/);
    for (let i = 30; i < 50; i++) child.stdin.write(record(1000 + i, 30000 + i));
    child.stdin.end();
    const code = await new Promise<number | null>((r) => child.on("close", r));
    expect(code).toBe(0);

    const rows = readFileSync(join(dir, "seen.log"), "utf8")
      .split("\n")
      .filter((l) => l && !l.startsWith("#"))
      .map((l) => l.split("\t"));
    expect(rows.map((r) => Number(r[1]))).toEqual(Array.from({ length: 50 }, (_, i) => 30000 + i));
    expect(rows.map((r) => r[2])).toEqual([...Array(30).fill("v1"), ...Array(20).fill("v2")]);
  }, 30_000);
});
