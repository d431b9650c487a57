// netbios.log from traffic built in the test, through the real pipeline: a broadcast query answered
// by two hosts on flows of their own, a unicast query and its negative answer, a registration held
// by a WACK, a node status exchange, and NetBIOS sessions on TCP 139 (refused, then accepted; a
// request from the wrong side; a message cut short by the FIN), with the weirds Zeek names.
import { describe, expect, it } from "vitest";
import { frameAt, runPipeline, type TimedFrame } from "../fixtures/pipeline.ts";
import { concatBytes, type FrameSpec } from "../fixtures/frames.ts";
import { encodeName, nbEntries, nodeStatusRdata, nsHeader, question, record, sessionMessage } from "./message-builder.ts";

const CLIENT = "10.1.0.2";
const SERVER = "10.1.0.1";
const OTHER = "10.1.0.3";
const BCAST = "10.1.0.255";

const udp = (ts: number, src: string, sport: number, dst: string, dport: number, payload: Buffer): TimedFrame =>
  frameAt(ts, { src, dst, proto: "udp", sport, dport, payload });

describe("name-service transactions in netbios.log", () => {
  const frames: TimedFrame[] = [
    // A broadcast query for a group name: two members answer, each from port 137 on its own flow.
    udp(1, CLIENT, 40000, BCAST, 137, concatBytes(nsHeader({ id: 0x100, nm: "DB", qd: 1 }), question(encodeName("WORKGROUP", 0x1e)))),
    udp(1.01, SERVER, 137, CLIENT, 40000, concatBytes(nsHeader({ id: 0x100, response: true, nm: "ADR", an: 1 }),
      record(encodeName("WORKGROUP", 0x1e), 0x20, 300000, nbEntries([{ addr: SERVER, group: true }])))),
    udp(1.02, OTHER, 137, CLIENT, 40000, concatBytes(nsHeader({ id: 0x100, response: true, nm: "ADR", an: 1 }),
      record(encodeName("WORKGROUP", 0x1e), 0x20, 300000, nbEntries([{ addr: OTHER, group: true }])))),
    // A unicast query for a name nobody has.
    udp(2, CLIENT, 40001, SERVER, 137, concatBytes(nsHeader({ id: 0x200, nm: "D", qd: 1 }), question(encodeName("NOSUCH", 0x20)))),
    udp(2.05, SERVER, 137, CLIENT, 40001, concatBytes(nsHeader({ id: 0x200, response: true, nm: "ADR", rcode: 3, an: 1 }),
      record(encodeName("NOSUCH", 0x20), 0x20, 0, Buffer.alloc(0)))),
    // A unicast registration held by a WACK, then granted.
    udp(3, CLIENT, 137, SERVER, 137, concatBytes(nsHeader({ id: 0x300, opcode: 5, nm: "D", qd: 1, ar: 1 }), question(encodeName("LAPTOP", 0)),
      record([0xc0, 12], 0x20, 300000, nbEntries([{ addr: CLIENT, ont: 3 }])))),
    udp(3.01, SERVER, 137, CLIENT, 137, concatBytes(nsHeader({ id: 0x300, response: true, opcode: 7, nm: "A", an: 1 }),
      record(encodeName("LAPTOP", 0), 0x20, 2, Buffer.from([0x28, 0])))),
    udp(3.5, SERVER, 137, CLIENT, 137, concatBytes(nsHeader({ id: 0x300, response: true, opcode: 5, nm: "ADR", an: 1 }),
      record(encodeName("LAPTOP", 0), 0x20, 300000, nbEntries([{ addr: CLIENT, ont: 3 }])))),
    // Node status.
    udp(4, CLIENT, 40002, SERVER, 137, concatBytes(nsHeader({ id: 0x400, qd: 1 }), question(encodeName("*", 0, "", 0), 0x21))),
    udp(4.01, SERVER, 137, CLIENT, 40002, concatBytes(nsHeader({ id: 0x400, response: true, nm: "A", an: 1 }),
      record(encodeName("*", 0, "", 0), 0x21, 0, nodeStatusRdata([{ name: "FILESRV", suffix: 0, flags: 0x0400 }, { name: "WORKGROUP", suffix: 0, flags: 0x8400 }],
        [2, 0, 0, 0xaa, 0xbb, 0xcc])))),
  ];
  const run = runPipeline(frames);
  const rows = run.rows("netbios");
  const byId = (id: number) => rows.find((r) => r.trans_id === String(id))!;

  it("writes one row per transaction, each on its requester's flow", () => {
    expect(rows.map((r) => [r.trans_id, r.msg_type, r["id.orig_h"], r["id.orig_p"], r["id.resp_p"]]).sort()).toEqual([
      ["1024", "node_status", CLIENT, "40002", "137"],
      ["256", "query", CLIENT, "40000", "137"],
      ["512", "query", CLIENT, "40001", "137"],
      ["768", "registration", CLIENT, "137", "137"],
    ]);
  });

  it("joins every answer to a broadcast query", () => {
    const r = byId(0x100);
    expect([r.broadcast, r.name, r.name_suffix, r.name_type, r.is_group, r.addrs, r.response, r.rcode_name, r.ttl]).toEqual(
      ["T", "WORKGROUP", "<1e>", "Browser Service Elections", "T", `${SERVER},${OTHER}`, "positive", "NOERROR", "300000.000000"]);
    expect(Number(r.rtt)).toBeCloseTo(0.01, 5);
  });

  it("a negative answer: rcode 3, NAM_ERR, no address", () => {
    const r = byId(0x200);
    expect([r.broadcast, r.name, r.name_suffix, r.name_type, r.response, r.rcode, r.rcode_name, r.addrs]).toEqual(
      ["F", "NOSUCH", "<20>", "File Server Service", "negative", "3", "NAM_ERR", "-"]);
  });

  it("a registration: the registered address, the WACK, the final answer", () => {
    const r = byId(0x300);
    expect([r.name, r.name_suffix, r.name_type, r.is_group, r.node_type, r.addrs, r.wack, r.response]).toEqual(
      ["LAPTOP", "<00>", "Workstation Service", "F", "H", CLIENT, "T", "positive"]);
  });

  it("node status: the name table and unit id; the responder's address", () => {
    const r = byId(0x400);
    expect([r.name, r.names, r.mac, r.addrs]).toEqual(["*", "FILESRV<00>,WORKGROUP<00> group", "02:00:00:aa:bb:cc", SERVER]);
  });

  it("leaves dns.log and conn.log's service to the DNS analyzer", () => {
    expect(run.rows("conn").map((c) => c.service)).toEqual(Array(run.rows("conn").length).fill("dns"));
    expect(run.rows("dns").length).toBeGreaterThan(0);
  });
});

describe("session establishment in netbios.log", () => {
  const tcp = (ts: number, fromClient: boolean, flags: string, seq: number, ack: number, payload?: Buffer, sport = 50000): TimedFrame => {
    const spec: FrameSpec = fromClient
      ? { src: CLIENT, dst: SERVER, proto: "tcp", sport, dport: 139, flags, seq, ack, payload }
      : { src: SERVER, dst: CLIENT, proto: "tcp", sport: 139, dport: sport, flags, seq, ack, payload };
    return frameAt(ts, spec);
  };

  /** A connection: handshake, the client's messages and the server's answers in turn, then FINs. */
  function session(t0: number, sport: number, exchange: [Buffer, Buffer | undefined][], finWith?: Buffer): TimedFrame[] {
    const f: TimedFrame[] = [tcp(t0, true, "S", 1000, 0, undefined, sport), tcp(t0 + 0.001, false, "SA", 5000, 1001, undefined, sport), tcp(t0 + 0.002, true, "A", 1001, 5001, undefined, sport)];
    let c = 1001;
    let s = 5001;
    let t = t0 + 0.01;
    for (const [req, resp] of exchange) {
      f.push(tcp(t, true, "PA", c, s, req, sport));
      c += req.length;
      if (resp) {
        f.push(tcp(t + 0.005, false, "PA", s, c, resp, sport));
        s += resp.length;
      }
      t += 0.01;
    }
    if (finWith) {
      f.push(tcp(t, true, "PA", c, s, finWith, sport));
      c += finWith.length;
    }
    f.push(tcp(t + 0.01, true, "FA", c, s, undefined, sport), tcp(t + 0.011, false, "FA", s, c + 1, undefined, sport), tcp(t + 0.012, true, "A", c + 1, s + 1, undefined, sport));
    return f;
  }

  const request = (called: string) => sessionMessage(0x81, concatBytes(encodeName(called, 0x20), encodeName("CLIENT", 0)));
  const frames = [
    ...session(1, 50000, [[request("WRONGNAME"), sessionMessage(0x83, [0x82])]]),
    ...session(2, 50001, [[request("FILESRV"), sessionMessage(0x82, [])], [sessionMessage(0x00, Buffer.from("\xffSMBr\0\0\0\0", "latin1")), undefined], [sessionMessage(0x85, []), undefined]],
      concatBytes([0, 0, 1, 0], Buffer.from("not all of it"))),
    ...session(3, 50002, [[sessionMessage(0x84, [10, 1, 0, 9, 0, 139]), undefined]]),
  ];
  const run = runPipeline(frames);
  const rows = run.rows("netbios");
  const weirds = run.rows("weird");

  it("one row per session request, joined with its answer", () => {
    expect(rows.map((r) => [r["id.orig_p"], r.service, r.msg_type, r.name, r.name_suffix, r.src_name, r.src_suffix, r.response, r.rcode, r.rcode_name])).toEqual([
      ["50000", "session", "session_request", "WRONGNAME", "<20>", "CLIENT", "<00>", "negative", "130", "CALLED_NAME_NOT_PRESENT"],
      ["50001", "session", "session_request", "FILESRV", "<20>", "CLIENT", "<00>", "positive", "-", "-"],
      ["50002", "session", "session_request", "-", "-", "-", "-", "retarget", "-", "-"],
    ]);
    expect(rows[2].addrs).toBe("10.1.0.9");
  });

  it("Zeek's weirds: a reply from the originator, a message cut short by the end of the stream (SMB messages are not raw)", () => {
    expect(weirds.map((w) => [w["id.orig_p"], w.name, w.addl, w.source])).toEqual([
      ["50001", "truncated_netbios_message", "(13 < 256)", "CONTENTS_NETBIOSSSN"],
      ["50001", "netbios_raw_session_msg", "-", "NETBIOSSSN"],
      ["50002", "netbios_client_session_reply", "-", "NETBIOSSSN"],
    ]);
  });

  it("confirms no service on 139, as Zeek's NetBIOS analyzer does not", () => {
    expect(run.rows("conn").map((c) => c.service)).toEqual(["-", "-", "-"]);
  });
});
