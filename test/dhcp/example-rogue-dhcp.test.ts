// examples/scripts/rogue-dhcp.ts as a user runs it (the nsm command, the script in the sandbox) on
// a capture built here: a client's DISCOVER answered by the real server and by a rogue one, a rogue
// ACK that borrows the real server's identifier, replies through a relay agent, and the allowed
// list from --set. Replies of allowed servers and client messages are never reported.
import { beforeAll, describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { PcapWriter } from "../../core/capture/pcap-writer.ts";
import { frameAt } from "../fixtures/pipeline.ts";
import { logRows, type LogRow } from "../fixtures/logs.ts";
import { ACK, be32, DISCOVER, dhcp, ip, OFFER, opt, REQUEST, type BootpFields } from "./message-builder.ts";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const CLIENT_MAC = "02:00:00:00:00:c1";
const REAL = { addr: "10.0.0.1", mac: "02:00:00:00:00:01" };
const ROGUE = { addr: "10.0.0.66", mac: "02:00:00:00:00:66" };
const RELAY = { addr: "10.0.9.1", mac: "02:00:00:00:00:09" };

interface Reply {
  ts: number;
  from: { addr: string; mac: string };
  type: number;
  /** The server the reply names (option 54, else its source). */
  serverId: string;
  fields: BootpFields;
  options: number[][];
}

const client = (ts: number, type: number) =>
  frameAt(ts, { proto: "udp", src: "0.0.0.0", dst: "255.255.255.255", sport: 68, dport: 67, srcMac: CLIENT_MAC, payload: dhcp(type, { xid: 42, chaddr: CLIENT_MAC }) });

const REPLIES: Reply[] = [
  // The real server's offer: allowed.
  { ts: 1.01, from: REAL, type: OFFER, serverId: REAL.addr, fields: { yiaddr: "10.0.0.100" }, options: [opt(54, ip(REAL.addr)), opt(3, ip(REAL.addr))] },
  // A rogue server offering itself as gateway and DNS server.
  { ts: 1.02, from: ROGUE, type: OFFER, serverId: ROGUE.addr, fields: { yiaddr: "10.0.0.150" }, options: [opt(54, ip(ROGUE.addr)), opt(3, ip(ROGUE.addr)), opt(6, ip(ROGUE.addr)), opt(51, be32(60))] },
  // The rogue ACKs under the real server's identifier, not through a relay.
  { ts: 1.04, from: ROGUE, type: ACK, serverId: REAL.addr, fields: { yiaddr: "10.0.0.150" }, options: [opt(54, ip(REAL.addr)), opt(3, ip(ROGUE.addr))] },
  // A relay agent forwards the real server's ACK: allowed.
  { ts: 1.05, from: RELAY, type: ACK, serverId: REAL.addr, fields: { yiaddr: "10.0.9.20", giaddr: RELAY.addr }, options: [opt(54, ip(REAL.addr))] },
  // A relay agent forwards an unknown server's offer.
  { ts: 1.06, from: RELAY, type: OFFER, serverId: "10.0.7.7", fields: { yiaddr: "10.0.9.21", giaddr: RELAY.addr }, options: [opt(54, ip("10.0.7.7"))] },
  // The real server without a server identifier: its address identifies it.
  { ts: 1.07, from: REAL, type: ACK, serverId: REAL.addr, fields: { yiaddr: "10.0.0.100" }, options: [] },
];

let work: string;
let capture: string;

function run(settings: string[]): { rows: LogRow[]; conn: LogRow[] } {
  const logdir = mkdtempSync(join(work, "logs-"));
  const args = ["-r", capture, "--logdir", logdir, join("examples", "scripts", "rogue-dhcp.ts"), ...settings.flatMap((s) => ["--set", s])];
  const r = spawnSync(process.execPath, [join(root, "bin", "nsm.js"), ...args], { cwd: root, encoding: "utf8" });
  expect(r.stderr).toBe("");
  expect(r.status).toBe(0);
  expect(existsSync(join(logdir, "reporter.log")) ? readFileSync(join(logdir, "reporter.log"), "utf8") : "").toBe("");
  return { rows: logRows(join(logdir, "rogue_dhcp.log")), conn: logRows(join(logdir, "conn.log")) };
}

/** The uid conn.log gives the flow of a reply (the reply goes to the broadcast address, port 68). */
const uidOf = (conn: LogRow[], reply: Reply) => conn.find((c) => c["id.orig_h"] === reply.from.addr && c["id.resp_p"] === "68")!.uid;

beforeAll(() => {
  if (!existsSync(join(root, "dist", "cli.js"))) throw new Error("build first: npm run build (npm test does)");
  work = mkdtempSync(join(tmpdir(), "nsm-rogue-dhcp-"));
  capture = join(work, "rogue.pcap");
  const writer = new PcapWriter(capture);
  const frames = [
    client(1, DISCOVER),
    client(1.03, REQUEST),
    ...REPLIES.map((r) =>
      frameAt(r.ts, {
        proto: "udp", src: r.from.addr, dst: "255.255.255.255", sport: 67, dport: 68, srcMac: r.from.mac,
        payload: dhcp(r.type, { xid: 42, chaddr: CLIENT_MAC, ...r.fields }, ...r.options),
      })),
  ].sort((a, b) => a.ts - b.ts);
  for (const f of frames) writer.write(f.ts, f.frame);
  writer.close();
});

describe("examples/scripts/rogue-dhcp.ts", () => {
  it("reports replies of servers not on the allowed list, and a reply that borrows an allowed identifier", () => {
    const { rows, conn } = run([`RogueDhcp::allowed=${REAL.addr}`]);
    const [rogueOffer, spoofedAck, , relayedOffer] = REPLIES.slice(1);
    expect(rows).toEqual([
      {
        ts: "1.020000", uid: uidOf(conn, rogueOffer), "id.orig_h": ROGUE.addr, "id.orig_p": "67", "id.resp_h": "255.255.255.255", "id.resp_p": "68",
        msg_type: "OFFER", reason: "unknown_server", server_id: ROGUE.addr, sender: ROGUE.addr, sender_mac: ROGUE.mac, relay: "-",
        client_mac: CLIENT_MAC, offered_addr: "10.0.0.150", routers: ROGUE.addr, dns_servers: ROGUE.addr, lease_time: "60.000000",
      },
      {
        ts: "1.040000", uid: uidOf(conn, spoofedAck), "id.orig_h": ROGUE.addr, "id.orig_p": "67", "id.resp_h": "255.255.255.255", "id.resp_p": "68",
        msg_type: "ACK", reason: "spoofed_server_id", server_id: REAL.addr, sender: ROGUE.addr, sender_mac: ROGUE.mac, relay: "-",
        client_mac: CLIENT_MAC, offered_addr: "10.0.0.150", routers: ROGUE.addr, dns_servers: "-", lease_time: "-",
      },
      {
        ts: "1.060000", uid: uidOf(conn, relayedOffer), "id.orig_h": RELAY.addr, "id.orig_p": "67", "id.resp_h": "255.255.255.255", "id.resp_p": "68",
        msg_type: "OFFER", reason: "unknown_server", server_id: "10.0.7.7", sender: RELAY.addr, sender_mac: RELAY.mac, relay: RELAY.addr,
        client_mac: CLIENT_MAC, offered_addr: "10.0.9.21", routers: "-", dns_servers: "-", lease_time: "-",
      },
    ]);
  }, 60_000);

  it("reports every server's replies, and no client's message, when the list is empty", () => {
    const { rows } = run([]);
    expect(rows.map((r) => [r.ts, r.msg_type, r.server_id, r.reason])).toEqual(
      REPLIES.map((r) => [r.ts.toFixed(6), r.type === OFFER ? "OFFER" : "ACK", r.serverId, "unknown_server"]),
    );
  }, 60_000);
});
