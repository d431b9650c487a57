// Every shell command in README.md is run, so the documentation cannot rot. The convention (also
// stated at the end of the README):
//  - Fenced blocks marked `sh` or `bash` are run in document order, each as one bash script
//    (`set -euo pipefail`), all in one scratch folder laid out as a checkout: `trace.pcap` (a copy
//    of examples/example.pcap), `examples/`, and the corpus beside it as `../shared`. Each must exit
//    with status 0.
//  - `nsm ...` and `npx nsm ...` run this checkout's bin/nsm.js (`nsm` is a wrapper on PATH, so pipes,
//    redirections, `&&` and `timeout` work as written).
//  - Lines starting with `npm` (install, test) are the project's own commands: CI runs them itself
//    (.ci/run), and running `npm test` from inside the tests would recurse.
//  - A fenced block with `file=NAME` in its info string (```ts file=big-flows.ts) is saved as NAME in
//    the scratch folder when it is reached, so the blocks after it can use it.
//  - A shell block in which a command takes a live interface (`-i IFACE` or `--interface IFACE`:
//    `nsm -i eth0`, `tcpdump -i eth0`) runs inside the server end of a NetnsLab
//    (test/fixtures/netns.ts), with every interface name replaced by the lab's, while the client
//    pings the server; each such command gets SIGINT after two seconds, as a user's Ctrl-C, and
//    must then stop cleanly: the block, the commands after it included, must end with status 0.
//    Without root or network namespaces these blocks are skipped, with the reason.
//  - Output samples go in `text` blocks, which are not run.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { spawn, spawnSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { NSM_BIN, PROJECT_ROOT } from "../fixtures/nsm-bin.ts";
import { labUnavailable, NetnsLab } from "../fixtures/netns.ts";
import { fencedBlocks, isShell, needsInterface, onInterface, runnableScript } from "./readme-blocks.ts";

const PRELUDE = `set -euo pipefail
npx() { if [ "$1" = nsm ]; then shift; nsm "$@"; else command npx "$@"; fi; }
`;
const LIVE_SECONDS = 2;

const blocks = fencedBlocks(readFileSync(join(PROJECT_ROOT, "README.md"), "utf8"));
const liveSkip = blocks.some((b) => isShell(b) && needsInterface(runnableScript(b))) ? labUnavailable(["ip", "ping"], "apt-get install iproute2 iputils-ping") : "";

let scratch: string;
/** A folder on PATH holding `nsm`, a wrapper that runs this checkout's bin/nsm.js (so timeout can run it). */
let bin: string;
const env = () => ({ ...process.env, PATH: `${bin}:${process.env.PATH}`, NSM_LOG_LEVEL: "warn" });

// The scratch folder stands where a checkout would: examples/ in it and the corpus beside it as
// ../shared, so commands that name either work as they do from the project's root.
beforeAll(() => {
  const top = mkdtempSync(join(tmpdir(), "nsm-readme-"));
  scratch = join(top, "nsm");
  mkdirSync(scratch);
  symlinkSync(join(PROJECT_ROOT, "examples"), join(scratch, "examples"));
  symlinkSync(join(PROJECT_ROOT, "..", "shared"), join(top, "shared"));
  copyFileSync(join(PROJECT_ROOT, "examples", "example.pcap"), join(scratch, "trace.pcap"));
  bin = join(top, "bin");
  mkdirSync(bin);
  writeFileSync(join(bin, "nsm"), `#!/bin/sh\nexec node ${JSON.stringify(NSM_BIN)} "$@"\n`, { mode: 0o755 });
});

function runBlock(script: string): { status: number | null; output: string } {
  const r = spawnSync("bash", ["-c", PRELUDE + script], { cwd: scratch, env: env(), encoding: "utf8", timeout: 120_000 });
  return { status: r.status, output: r.stdout + r.stderr };
}

async function runLiveBlock(script: string): Promise<{ status: number | null; output: string }> {
  const lab = new NetnsLab("rdme", "10.93.0").create();
  try {
    // The client pings the server for as long as the block runs.
    await lab.start("client", ["ping", "-i", "0.2", lab.server.addr]);
    const child = spawn("ip", ["netns", "exec", lab.server.ns, "bash", "-c", PRELUDE + onInterface(script, lab.server.ifname, LIVE_SECONDS)], {
      cwd: scratch,
      env: env(),
    });
    let output = "";
    child.stdout.on("data", (d) => (output += d));
    child.stderr.on("data", (d) => (output += d));
    const status = await new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
    return { status, output };
  } finally {
    await lab.destroy();
  }
}

describe("README.md's shell commands", () => {
  it("has shell blocks to run", () => {
    expect(blocks.filter(isShell).length).toBeGreaterThan(5);
  });

  for (const b of blocks) {
    if (b.file) {
      it(`saves the block at line ${b.line} as ${b.file}`, () => {
        mkdirSync(dirname(join(scratch, b.file!)), { recursive: true });
        writeFileSync(join(scratch, b.file!), b.text);
      });
      continue;
    }
    if (!isShell(b)) continue;
    const script = runnableScript(b);
    if (script.trim() === "") continue;
    const first = script.trim().split("\n")[0];
    if (needsInterface(script)) {
      it.skipIf(liveSkip !== "")(`runs the live block at line ${b.line} on a lab interface: ${first}`, async () => {
        const r = await runLiveBlock(script);
        expect(r.status, `README line ${b.line}:\n${script}\n${r.output}`).toBe(0);
      }, 60_000);
    } else {
      it(`runs the block at line ${b.line}: ${first}`, () => {
        const r = runBlock(script);
        expect(r.status, `README line ${b.line}:\n${script}\n${r.output}`).toBe(0);
      }, 180_000);
    }
  }
});

describe("the README convention", () => {
  it("finds fenced blocks, indented ones included, and the files they name", () => {
    const md = "text\n```sh\nnsm -r trace.pcap\nnpm test\n```\n- item\n\n  ```text\n  out\n  ```\n```ts file=a.ts\nx;\n```\n";
    const found = fencedBlocks(md);
    expect(found.map((b) => [b.line, b.lang, b.file ?? ""])).toEqual([
      [2, "sh", ""],
      [8, "text", ""],
      [11, "ts", "a.ts"],
    ]);
    expect(found[1].text).toBe("out\n");
    expect(runnableScript(found[0])).toBe("nsm -r trace.pcap\n");
  });

  it("tells live commands by their interface option, and puts the lab's interface in", () => {
    expect(needsInterface("nsm -i eth0 --logdir live/")).toBe(true);
    expect(needsInterface("tcpdump -i wlan0 -w - | nsm -r - --watch a.ts")).toBe(true);
    expect(needsInterface("nsm -r trace.pcap   # not nsm -i eth0")).toBe(false);
    expect(needsInterface("nsm cut -m -u ts uid conn.log")).toBe(false);
    expect(onInterface("tcpdump -i wlan0 -w - | nsm --interface eth0 -j && nsm cut -m uid conn.log  # -i x", "vs1", 2)).toBe(
      "timeout --preserve-status -s INT 2 tcpdump -i vs1 -w - | timeout --preserve-status -s INT 2 nsm --interface vs1 -j && nsm cut -m uid conn.log  # -i x",
    );
  });

  it.skipIf(labUnavailable(["ip", "ping", "tcpdump"], "apt-get install iproute2 iputils-ping tcpdump") !== "")(
    "runs a live block on the lab's interface, interrupts it, and runs the commands after it",
    async () => {
      const r = await runLiveBlock("tcpdump -i eth0 -U -w live.pcap 2>/dev/null\nnsm -r live.pcap --logdir live-logs\nnsm cut -m id.orig_h id.resp_h proto live-logs/conn.log\n");
      expect(r.status, r.output).toBe(0);
      // The client's pings, caught on the server's interface (IPv6 neighbour chatter may come too).
      expect(r.output).toMatch(/^id\.orig_h\tid\.resp_h\tproto\n(.*\n)*10\.93\.0\.2\t10\.93\.0\.1\ticmp\n/m);
    },
    60_000,
  );

  afterAll(() => {
    if (liveSkip) console.log(`README live blocks skipped: ${liveSkip}`);
  });
});
