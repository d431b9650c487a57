// dhcp.log through the real pipeline, against the rules of Zeek's base/protocols/dhcp/main.zeek:
// messages joined by xid across connections, who counts as client or server, where each column
// comes from, when a transaction's row is written (quiet 5 s or watched max_txid_watch_time, on
// the 10 s table-expiry schedule; the uid, message-type and transaction limits; end of input), and
// policy/dhcp/sub-opts. Also conn.log's service and the weirds of malformed messages.
import { describe, expect, it } from "vitest";
import { frameAt, runPipeline, type PipelineOptions, type TimedFrame } from "../fixtures/pipeline.ts";
import { ACK, be32, bootp, DECLINE, DISCOVER, dhcp, END, INFORM, ip, NAK, OFFER, opt, REQUEST, type BootpFields } from "./message-builder.ts";

const CLIENT_MAC = "02:00:00:aa:bb:01";
const SERVER = "10.0.0.1";
const LEASED = "10.0.0.50";

interface Hop {
  src: string;
  dst: string;
  sport?: number;
  dport?: number;
}

const CLIENT_BROADCAST: Hop = { src: "0.0.0.0", dst: "255.255.255.255", sport: 68, dport: 67 };
const SERVER_UNICAST: Hop = { src: SERVER, dst: LEASED, sport: 67, dport: 68 };
const SERVER_BROADCAST: Hop = { src: SERVER, dst: "255.255.255.255", sport: 67, dport: 68 };
const CLIENT_UNICAST: Hop = { src: LEASED, dst: SERVER, sport: 68, dport: 67 };

function send(ts: number, hop: Hop, message: Uint8Array): TimedFrame {
  return frameAt(ts, { proto: "udp", sport: 68, dport: 67, ...hop, payload: message, srcMac: CLIENT_MAC });
}

function run(frames: TimedFrame[], opts: PipelineOptions = {}) {
  const r = runPipeline(frames, opts);
  expect(r.diagnostics).toEqual([]);
  return r;
}

/** A client's DORA: DISCOVER and REQUEST broadcast, OFFER and ACK unicast to the new address. */
function dora(t: number, xid: number, f: BootpFields = {}, clientOptions: number[][] = []): TimedFrame[] {
  const client = { xid, chaddr: CLIENT_MAC, ...f };
  const reply = { xid, chaddr: CLIENT_MAC, yiaddr: LEASED, siaddr: SERVER };
  const serverOptions = [opt(54, ip(SERVER)), opt(51, be32(3600)), opt(15, "lab.example")];
  return [
    send(t, CLIENT_BROADCAST, dhcp(DISCOVER, client, ...clientOptions)),
    send(t + 0.01, SERVER_UNICAST, dhcp(OFFER, reply, ...serverOptions)),
    send(t + 0.02, CLIENT_BROADCAST, dhcp(REQUEST, client, opt(50, ip(LEASED)), opt(54, ip(SERVER)), ...clientOptions)),
    send(t + 0.03, SERVER_UNICAST, dhcp(ACK, reply, ...serverOptions)),
  ];
}

describe("dhcp.log: one row per transaction", () => {
  it("joins a DORA across its broadcast and unicast flows, each column from where Zeek takes it", () => {
    const r = run(dora(1000, 0x1111, {}, [opt(12, "laptop-7"), opt(81, 0, 0, 0, "laptop-7.lab.example")]));
    const rows = r.rows("dhcp");
    expect(rows).toHaveLength(1);
    const conns = r.rows("conn");
    expect(conns).toHaveLength(2);
    expect(new Set(rows[0].uids.split(","))).toEqual(new Set(conns.map((c) => c.uid)));
    expect(conns.map((c) => c.service)).toEqual(["dhcp", "dhcp"]);
    expect(rows[0]).toMatchObject({
      ts: "1000.000000",
      client_addr: LEASED, // no unicast from the client yet: the assigned address
      server_addr: SERVER,
      mac: CLIENT_MAC,
      host_name: "laptop-7",
      client_fqdn: "laptop-7.lab.example",
      domain: "lab.example",
      requested_addr: LEASED,
      assigned_addr: LEASED,
      lease_time: "3600.000000",
      client_message: "-",
      server_message: "-",
      msg_types: "DISCOVER,OFFER,REQUEST,ACK",
      duration: "0.030000",
    });
    // client_port and server_port are kept, not logged, as in Zeek.
    expect(Object.keys(rows[0])).not.toContain("client_port");
  });

  it("takes the MAC from an Ethernet client identifier over chaddr, and the client's own address once it unicasts", () => {
    const frames = [
      send(1000, CLIENT_UNICAST, dhcp(REQUEST, { xid: 7, ciaddr: LEASED, chaddr: "02:00:00:00:00:99" }, opt(61, 1, [2, 0, 0, 0xaa, 0xbb, 0x01]))),
      send(1000.01, { ...CLIENT_UNICAST, src: SERVER, dst: LEASED, sport: 67, dport: 68 }, dhcp(ACK, { xid: 7, yiaddr: LEASED, chaddr: "02:00:00:00:00:99" })),
    ];
    const [row] = run(frames).rows("dhcp");
    expect([row.mac, row.client_addr, row.server_addr, row.assigned_addr]).toEqual([CLIENT_MAC, LEASED, SERVER, LEASED]);
  });

  it("knows a server that broadcasts its reply (it originates the flow) and one that answers unicast", () => {
    const broadcast = run([
      send(1000, CLIENT_BROADCAST, dhcp(DISCOVER, { xid: 1, chaddr: CLIENT_MAC })),
      send(1000.01, SERVER_BROADCAST, dhcp(OFFER, { xid: 1, chaddr: CLIENT_MAC, yiaddr: LEASED })),
    ]).rows("dhcp");
    expect([broadcast[0].server_addr, broadcast[0].assigned_addr]).toEqual([SERVER, LEASED]);
  });

  it("puts a client's message 56 in client_message and a server's in server_message", () => {
    const rows = run([
      send(1000, CLIENT_BROADCAST, dhcp(DECLINE, { xid: 2, chaddr: CLIENT_MAC }, opt(56, "address in use"))),
      send(1000.01, SERVER_BROADCAST, dhcp(NAK, { xid: 2, chaddr: CLIENT_MAC }, opt(56, "wrong network"))),
    ]).rows("dhcp");
    expect([rows[0].client_message, rows[0].server_message, rows[0].msg_types]).toEqual(["address in use", "wrong network", "DECLINE,NAK"]);
  });

  it("falls back to the client's chaddr for mac, and names an unknown message type", () => {
    const [row] = run([send(1000, CLIENT_BROADCAST, dhcp(99, { xid: 3, chaddr: CLIENT_MAC }))]).rows("dhcp");
    expect([row.mac, row.msg_types, row.client_addr]).toEqual([CLIENT_MAC, "unknown-message-type-99", "-"]);
  });

  it("writes bytes that are not ASCII as Zeek escapes them", () => {
    const [row] = run([send(1000, CLIENT_BROADCAST, dhcp(INFORM, { xid: 4 }, opt(12, [0x63, 0x61, 0x66, 0xe9])))]).rows("dhcp");
    expect(row.host_name).toBe("caf\\xe9");
  });
});

describe("dhcp.log: when a transaction's row is written", () => {
  // Zeek's table-expiry passes: at the first packet, then at the first packet 10 s or more after
  // the last pass. A pass looks at entries created more than 10 s before it.
  const tick = (ts: number, xid: number) => send(ts, CLIENT_BROADCAST, dhcp(DISCOVER, { xid, chaddr: CLIENT_MAC }));

  it("joins a message after 9 s of quiet: no pass has looked at the transaction yet", () => {
    const rows = run([tick(1000, 1), tick(1009, 1)]).rows("dhcp");
    expect(rows.map((r) => [r.msg_types, r.duration])).toEqual([["DISCOVER,DISCOVER", "9.000000"]]);
  });

  it("ends a transaction quiet for more than 5 s at the first pass it is old enough for", () => {
    // The pass at 1010.2 writes xid 1 (quiet 10.2 s) but leaves xid 2 (5.2 s old) alone, so the
    // second message of xid 2, 14 s after its first, still joins it; the REQUEST of xid 1 starts anew.
    const rows = run([tick(1000, 1), tick(1005, 2), tick(1010.2, 3), tick(1019, 2), send(1019.5, CLIENT_BROADCAST, dhcp(REQUEST, { xid: 1 }))]).rows("dhcp");
    expect(rows.map((r) => [r.ts, r.msg_types, r.duration])).toEqual([
      ["1000.000000", "DISCOVER", "0.000000"],
      ["1005.000000", "DISCOVER,DISCOVER", "14.000000"],
      ["1010.200000", "DISCOVER", "0.000000"],
      ["1019.500000", "REQUEST", "0.000000"],
    ]);
  });

  it("ends a busy transaction watched longer than DHCP::max_txid_watch_time (30 s)", () => {
    // One message every 4 s: never quiet 5 s. Passes at 1000, 1012, 1024 and 1036; at 1036 (before
    // that packet) it has been watched 36 s.
    const frames = Array.from({ length: 12 }, (_, i) => tick(1000 + 4 * i, 5));
    const rows = run(frames).rows("dhcp");
    expect(rows.map((r) => [r.ts, r.msg_types.split(",").length])).toEqual([["1000.000000", 9], ["1036.000000", 3]]);
    const longer = run(frames, { scriptSettings: { "DHCP::max_txid_watch_time": "60" } }).rows("dhcp");
    expect(longer.map((r) => r.msg_types.split(",").length)).toEqual([12]);
  });

  it("writes a row at DHCP::max_uids_per_log_entry uids, without the chaddr fallback for mac", () => {
    const frames = [1, 2, 3].map((i) => send(1000 + i / 100, { ...CLIENT_BROADCAST, sport: 1000 + i }, dhcp(DISCOVER, { xid: 9, chaddr: CLIENT_MAC })));
    const rows = run(frames, { scriptSettings: { "DHCP::max_uids_per_log_entry": "2" } }).rows("dhcp");
    expect(rows.map((r) => [r.uids.split(",").length, r.mac])).toEqual([[2, "-"], [1, CLIENT_MAC]]);
  });

  it("writes a row at DHCP::max_msg_types_per_log_entry message types", () => {
    const frames = [0, 1, 2, 3, 4].map((i) => tick(1000 + i / 100, 9));
    const rows = run(frames, { scriptSettings: { "DHCP::max_msg_types_per_log_entry": "2" } }).rows("dhcp");
    expect(rows.map((r) => r.msg_types)).toEqual(["DISCOVER,DISCOVER", "DISCOVER,DISCOVER", "DISCOVER"]);
  });

  it("evicts the oldest transaction beyond DHCP::max_tracked_transactions, with Zeek's weird", () => {
    const frames = [1, 2, 3, 4].map((xid) => send(1000 + xid / 100, CLIENT_BROADCAST, dhcp(DISCOVER, { xid, chaddr: `02:00:00:00:00:0${xid}` })));
    const r = run(frames, { scriptSettings: { "DHCP::max_tracked_transactions": "2" } });
    const rows = r.rows("dhcp");
    // Raised at each eviction; weird.log has the first: Zeek's weird framework silences a repeat
    // of a weird outside any connection for ten minutes.
    expect(r.rows("weird").map((w) => [w.ts, w.uid, w.name, w.addl, w.source])).toEqual([
      ["1000.030000", "-", "DHCP_max_tracked_transactions_exceeded", "2", "DHCP"],
    ]);
    // xid 1 and 2 make room for 3 and 4 as they come; 3 and 4 are written at the end.
    expect(rows.map((r) => r.mac)).toEqual(["02:00:00:00:00:01", "02:00:00:00:00:02", "02:00:00:00:00:03", "02:00:00:00:00:04"]);
  });
});

describe("policy/dhcp/sub-opts", () => {
  it("adds the relay agent's circuit id, remote id (here binary) and subscriber id (RFC 3046, RFC 3993)", () => {
    const relayed = dhcp(ACK, { xid: 8, yiaddr: LEASED, giaddr: "10.0.9.1", chaddr: CLIENT_MAC }, opt(82, opt(1, "ge-0/0/1.100"), opt(2, [0x00, 0x1b, 0x21, 0xaa]), opt(6, "sub-77")));
    const r = run([send(1000, SERVER_UNICAST, relayed)], { policies: ["policy/dhcp/sub-opts"] });
    const [row] = r.rows("dhcp");
    expect([row.circuit_id, row.agent_remote_id, row.subscriber_id]).toEqual(["ge-0/0/1.100", "\\x00\\x1b!\\xaa", "sub-77"]);
  });
});

describe("conn.log service and weirds", () => {
  it("confirms dhcp only for messages Zeek's analyzer accepts", () => {
    const r = run([
      send(1000, CLIENT_BROADCAST, bootp({ xid: 1 }, [...opt(12, "bootp-only"), ...END])),
      send(1000, { ...CLIENT_BROADCAST, sport: 1068 }, bootp({ cookie: 0x01020304 }, [...END])),
      send(1000, { ...CLIENT_BROADCAST, sport: 2068 }, dhcp(DISCOVER, { xid: 2 }).subarray(0, 100)),
    ]);
    expect(r.rows("conn").map((c) => c.service)).toEqual(["-", "-", "-"]);
    expect(r.rows("weird").map((w) => [w.name, w.addl])).toEqual([
      ["DHCP_bad_cookie", "0x1020304"],
      ["DHCP_truncated_header", "100 bytes"],
    ]);
    // The BOOTP message was still raised: it is a row of its own.
    expect(r.rows("dhcp").map((d) => [d.host_name, d.msg_types])).toEqual([["bootp-only", "unknown-message-type-0"]]);
  });

  it("stops analyzing a flow after a violation, as Zeek's DPD does", () => {
    const flow = { ...CLIENT_BROADCAST, sport: 3068 };
    const r = run([
      send(1000, flow, dhcp(DISCOVER, { xid: 1 })),
      send(1001, flow, bootp({ cookie: 0 }, [...END])),
      send(1002, flow, dhcp(DISCOVER, { xid: 3 })),
    ]);
    expect(r.rows("conn").map((c) => c.service)).toEqual(["-"]);
    expect(r.rows("dhcp").map((d) => d.msg_types)).toEqual(["DISCOVER"]);
  });
});
