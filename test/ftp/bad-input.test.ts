// What is not FTP on port 21: random bytes, binary with NULs and Telnet IACs, and a single line of
// megabytes, through the whole pipeline. Nothing throws, no script fails, a confirmed session's
// garbage gives Zeek's weirds, and the over-long line is cut at the line buffer's cap.
import { describe, expect, it } from "vitest";
import { frameAt, runPipeline, type TimedFrame } from "../fixtures/pipeline.ts";
import { prng, randomBytes } from "../dns/fuzz-inputs.ts";

/** A TCP connection to port 21: handshake, then each payload from the client (or server) in order. */
function session(port: number, payloads: { fromClient: boolean; data: Uint8Array }[]): TimedFrame[] {
  const client = { src: "10.3.0.2", dst: "10.3.0.1", proto: "tcp" as const, sport: port, dport: 21 };
  const server = { src: "10.3.0.1", dst: "10.3.0.2", proto: "tcp" as const, sport: 21, dport: port };
  let cseq = 1001;
  let sseq = 5001;
  let t = 1;
  const frames = [
    frameAt(t, { ...client, flags: "S", seq: 1000, ack: 0 }),
    frameAt((t += 0.01), { ...server, flags: "SA", seq: 5000, ack: 1001 }),
    frameAt((t += 0.01), { ...client, flags: "A", seq: 1001, ack: 5001 }),
  ];
  for (const { fromClient, data } of payloads) {
    const payload = Buffer.from(data);
    if (fromClient) {
      frames.push(frameAt((t += 0.01), { ...client, flags: "PA", seq: cseq, ack: sseq, payload }));
      cseq += data.length;
    } else {
      frames.push(frameAt((t += 0.01), { ...server, flags: "PA", seq: sseq, ack: cseq, payload }));
      sseq += data.length;
    }
  }
  return frames;
}

const text = (s: string) => Buffer.from(s, "latin1");

describe("bad input on port 21", () => {
  it("random and binary bytes: no crash, no script error, weirds by name", () => {
    const rand = prng(0x21);
    const frames: TimedFrame[] = [];
    for (let i = 0; i < 20; i++) {
      const payloads: { fromClient: boolean; data: Uint8Array }[] = [{ fromClient: false, data: text("220 ready\r\n") }, { fromClient: true, data: text("USER x\r\n") }];
      for (let j = 0; j < 10; j++) payloads.push({ fromClient: rand() < 0.6, data: randomBytes(rand, 300) });
      frames.push(...session(30000 + i, payloads).map((f) => ({ ts: f.ts + i, frame: f.frame })));
    }
    const run = runPipeline(frames);
    expect(run.diagnostics).toEqual([]);
    expect(run.rows("conn").filter((r) => r["id.resp_p"] === "21")).toHaveLength(20);
    const names = new Set(run.rows("weird").map((r) => r.name));
    // The client's garbage after a valid USER: the analyzer is confirmed, so Zeek names it.
    expect(names.has("FTP_invalid_command")).toBe(true);
    for (const name of names) expect(name).toMatch(/^[A-Za-z_]+$/);
  });

  it("garbage before any command confirms nothing and raises no FTP weird", () => {
    const run = runPipeline(session(31000, [{ fromClient: true, data: text("\x01\x02 hello\r\nxy\r\n") }]));
    expect(run.rows("conn")[0].service).toBe("-");
    expect(run.rows("weird").filter((r) => r.source === "FTP")).toEqual([]);
  });

  it("a 20 MB line: cut at the 16 MiB cap with the limit weird and X, then the next command is read", () => {
    const huge = new Uint8Array(20 * 1024 * 1024).fill(0x61);
    const payloads: { fromClient: boolean; data: Uint8Array }[] = [{ fromClient: true, data: text("USER x\r\n") }];
    for (let at = 0; at < huge.length; at += 60000) payloads.push({ fromClient: true, data: huge.subarray(at, at + 60000) });
    payloads.push({ fromClient: true, data: text("\r\nPWD\r\n") });
    const run = runPipeline(session(32000, payloads));
    expect(run.diagnostics).toEqual([]);
    const weirds = run.rows("weird").map((r) => `${r.name} ${r.addl} ${r.source}`);
    expect(weirds).toContain("nvt_line_size_exceeded 16777116 NVT");
    expect(weirds).toContain("FTP_max_command_length_exceeded 16777115 > 100 FTP");
    expect(run.rows("conn")[0].history).toContain("X");
  }, 60_000);
});
