// Random mutations of well-formed NetBIOS messages (name service, datagrams with announcements,
// session streams) through the three parsers and then through the whole pipeline: nothing may
// throw, every failure must be named, and mutated traffic must still make log rows. Seeded, so a
// failure replays; modest counts.
import { describe, expect, it } from "vitest";
import { parseNameServiceMessage } from "../../analyzers/netbios/name-service.ts";
import { parseDatagram } from "../../analyzers/netbios/datagram.ts";
import { parseMailslot } from "../../analyzers/netbios/browser.ts";
import { SessionFramer, parseSessionRequest, parseSessionResponse } from "../../analyzers/netbios/session.ts";
import { concatBytes } from "../fixtures/frames.ts";
import { frameAt, runPipeline, type TimedFrame } from "../fixtures/pipeline.ts";
import { mutate, prng, randomBytes } from "../dns/fuzz-inputs.ts";
import {
  announcement, datagram, encodeName, mailslotWrite, nbEntries, nodeStatusRdata, nsHeader, question, record, sessionMessage,
} from "./message-builder.ts";

const NAME_SERVICE_SEEDS = [
  concatBytes(nsHeader({ id: 1, nm: "DB", qd: 1 }), question(encodeName("WORKGROUP", 0x1d, "corp.example"))),
  concatBytes(nsHeader({ id: 2, response: true, nm: "AD", an: 1 }), record(encodeName("HOST", 0x20), 0x20, 300, nbEntries([{ addr: "10.0.0.1" }, { addr: "10.0.0.2", group: true }]))),
  concatBytes(nsHeader({ id: 3, opcode: 5, nm: "DB", qd: 1, ar: 1 }), question(encodeName("HOST", 0)), record([0xc0, 12], 0x20, 300, nbEntries([{ addr: "10.0.0.1" }]))),
  concatBytes(nsHeader({ id: 4, response: true, nm: "A", an: 1 }), record(encodeName("*", 0, "", 0), 0x21, 0,
    nodeStatusRdata([{ name: "HOST", suffix: 0, flags: 0x400 }, { name: "WG", suffix: 0, flags: 0x8400 }], [1, 2, 3, 4, 5, 6]))),
  concatBytes(nsHeader({ id: 5, response: true, opcode: 7, nm: "A", an: 1 }), record(encodeName("HOST", 0), 0x20, 2, Buffer.from([0x28, 0]))),
];

const browse = mailslotWrite("\\MAILSLOT\\BROWSE", announcement({ command: 1, serverName: "HOST", osMajor: 6, osMinor: 1, serverType: 0x51003, comment: "c" }));
const DATAGRAM_SEEDS = [
  datagram({ type: 0x11, id: 1, srcIp: "10.0.0.1", src: encodeName("HOST", 0), dst: encodeName("WG", 0x1d), userData: browse }),
  datagram({ type: 0x12, id: 2, srcIp: "10.0.0.1", src: encodeName("HOST", 0), dst: encodeName("WG", 0x1e), userData: browse }),
  datagram({ type: 0x13, id: 3, srcIp: "10.0.0.1", errorCode: 0x82 }),
  datagram({ type: 0x14, id: 4, srcIp: "10.0.0.1", dst: encodeName("HOST", 0x20) }),
];

const SESSION_SEED = concatBytes(
  sessionMessage(0x81, concatBytes(encodeName("SERVER", 0x20), encodeName("CLIENT", 0))), sessionMessage(0x82, []), sessionMessage(0x83, [0x80]),
  sessionMessage(0x84, [10, 0, 0, 1, 0, 139]), sessionMessage(0x85, []), sessionMessage(0x00, Buffer.from("\xffSMB....", "latin1")),
);

const NAMED = /^[a-z0-9_]+$/;
const ITERATIONS = 3000;

describe("fuzzing the NetBIOS parsers", () => {
  it("name service: never throws, names every failure, still parses much of what it gets", () => {
    const rand = prng(0x137);
    let ok = 0;
    for (let i = 0; i < ITERATIONS; i++) {
      const input = i % 10 === 9 ? randomBytes(rand, 200) : mutate(NAME_SERVICE_SEEDS[i % NAME_SERVICE_SEEDS.length], rand);
      const r = parseNameServiceMessage(input, 0, input.length);
      if (r.ok) ok++;
      else expect(r.reason, `iteration ${i}`).toMatch(NAMED);
    }
    expect(ok).toBeGreaterThan(ITERATIONS / 10);
  });

  it("datagrams and mailslots: never throw, weirds are named", () => {
    const rand = prng(0x138);
    let announcements = 0;
    for (let i = 0; i < ITERATIONS; i++) {
      const input = i % 10 === 9 ? randomBytes(rand, 300) : mutate(DATAGRAM_SEEDS[i % DATAGRAM_SEEDS.length], rand);
      const r = parseDatagram(input, 0, input.length);
      for (const w of r.weirds) expect(w.name, `iteration ${i}`).toMatch(NAMED);
      if (r.userData) {
        const ms = parseMailslot(input, r.userData.start, r.userData.end);
        if (ms?.announcement) announcements++;
      }
    }
    expect(announcements).toBeGreaterThan(ITERATIONS / 20);
  });

  it("session streams: any split of a mutated stream, never a throw", () => {
    const rand = prng(0x139);
    for (let i = 0; i < ITERATIONS / 3; i++) {
      const stream = mutate(SESSION_SEED, rand);
      const framer = new SessionFramer((type, d, o, l) => {
        if (type === 0x81) {
          const req = parseSessionRequest(d, o, l);
          if (typeof req === "string") expect(req).toMatch(NAMED);
        } else if (type >= 0x82 && type <= 0x84) parseSessionResponse(type, d, o, l);
      });
      for (let at = 0; at < stream.length;) {
        const n = 1 + Math.floor(rand() * 40);
        framer.feed(stream.subarray(at, at + n));
        at += n;
      }
      framer.flush();
    }
  });

  it("through the pipeline, mutated traffic on 137, 138 and 139 still gives logs and no script errors", () => {
    const rand = prng(0x1001);
    const frames: TimedFrame[] = [];
    let t = 1;
    for (let i = 0; i < 300; i++) {
      t += 0.01;
      const port = [137, 138][i % 2];
      const seeds = port === 137 ? NAME_SERVICE_SEEDS : DATAGRAM_SEEDS;
      const payload = Buffer.from(mutate(seeds[i % seeds.length], rand));
      const fromServer = rand() < 0.3;
      frames.push(frameAt(t, fromServer
        ? { src: "10.2.0.1", dst: "10.2.0.2", proto: "udp", sport: port, dport: 40000 + (i % 7), payload }
        : { src: "10.2.0.2", dst: "10.2.0.255", proto: "udp", sport: 40000 + (i % 7), dport: port, payload }));
    }
    const stream = Buffer.from(mutate(SESSION_SEED, rand));
    frames.push(
      frameAt(t + 0.1, { src: "10.2.0.2", dst: "10.2.0.1", proto: "tcp", sport: 50000, dport: 139, flags: "S", seq: 1, ack: 0 }),
      frameAt(t + 0.2, { src: "10.2.0.1", dst: "10.2.0.2", proto: "tcp", sport: 139, dport: 50000, flags: "SA", seq: 100, ack: 2 }),
      frameAt(t + 0.3, { src: "10.2.0.2", dst: "10.2.0.1", proto: "tcp", sport: 50000, dport: 139, flags: "PA", seq: 2, ack: 101, payload: stream }),
    );
    const run = runPipeline(frames);
    expect(run.diagnostics).toEqual([]);
    expect(run.rows("netbios").length).toBeGreaterThan(50);
  });
});
