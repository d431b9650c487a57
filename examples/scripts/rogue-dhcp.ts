// Rogue DHCP servers: a DHCP server nobody set up (a home router plugged in backwards, a test VM, an
// attacker) answers clients faster than the real one and hands out its own gateway and DNS servers,
// putting itself in the middle. Every OFFER or ACK from a server that is not on the allowed list
// goes to rogue_dhcp.log, with what it handed out.
//
// A server is known by its server identifier (option 54), or by the reply's source address when
// it sends none. A reply that came through a relay agent (giaddr set) has the relay as its source;
// one that did not must also come from an allowed address, or its server identifier is a lie
// (reason "spoofed_server_id"). With the list empty every server is reported: run it so once to
// learn which servers a network has.
//
//   nsm -r trace.pcap examples/scripts/rogue-dhcp.ts --set RogueDhcp::allowed=10.0.0.1,10.0.0.2
import { on, Log, option, networkTime } from "nsm";

/** The allowed servers' addresses, comma-separated. */
const ALLOWED = new Set(
  option("RogueDhcp::allowed", "")
    .split(",")
    .map((a) => a.trim())
    .filter((a) => a !== ""),
);

Log.createStream("RogueDhcp::LOG", {
  path: "rogue_dhcp",
  columns: {
    ts: "time",
    uid: "string",
    id: "conn_id",
    msg_type: "string", // OFFER or ACK
    reason: "string", // "unknown_server" or "spoofed_server_id"
    server_id: "addr", // option 54, else the source address
    sender: "addr", // the reply's source address
    sender_mac: "string",
    relay: "addr", // giaddr, when a relay agent forwarded the reply
    client_mac: "string",
    offered_addr: "addr", // yiaddr
    routers: "vector[addr]", // the gateway the clients are told to use
    dns_servers: "vector[addr]",
    lease_time: "interval",
  },
});

const OFFER = 2;
const ACK = 5;
const NO_ADDR = "0.0.0.0";

on("dhcp_message", (c, isOrig, msg, options) => {
  if (msg.m_type !== OFFER && msg.m_type !== ACK) return;
  const sender = isOrig ? c.id.orig_h : c.id.resp_h;
  const serverId = options.serv_addr ?? sender;
  const relayed = msg.giaddr !== NO_ADDR;
  let reason: string;
  if (!ALLOWED.has(serverId)) reason = "unknown_server";
  else if (!relayed && !ALLOWED.has(sender)) reason = "spoofed_server_id";
  else return;
  Log.write("RogueDhcp::LOG", {
    ts: networkTime(),
    uid: c.uid,
    id: c.id,
    msg_type: msg.m_type === OFFER ? "OFFER" : "ACK",
    reason,
    server_id: serverId,
    sender,
    sender_mac: (isOrig ? c.orig : c.resp).l2_addr,
    relay: relayed ? msg.giaddr : undefined,
    client_mac: msg.chaddr,
    offered_addr: msg.yiaddr === NO_ADDR ? undefined : msg.yiaddr,
    routers: options.routers,
    dns_servers: options.dns_servers,
    lease_time: options.lease,
  });
});
