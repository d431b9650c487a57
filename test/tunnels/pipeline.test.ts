// Tunnels through the whole pipeline (decoder, connection table, analyzers, base scripts): the
// connections inside them are tracked and logged with tunnel_parents naming the tunnel, the tunnel
// appears in tunnel.log, IP and GRE tunnels make no connection of their own, UDP tunnels are their
// UDP connection, and the limits and malformed headers give Zeek's weirds.
import { describe, expect, it } from "vitest";
import { be16, concatBytes, ethernetFrame, ipPacket, type FrameSpec } from "../fixtures/frames.ts";
import { runPipeline, type TimedFrame } from "../fixtures/pipeline.ts";

const OUTER_A = "192.0.2.1";
const OUTER_B = "192.0.2.2";
const ECHO_REQUEST: FrameSpec = { src: "10.0.0.1", dst: "10.0.0.2", proto: "icmp", icmpType: 8, sport: 7, dport: 1, payload: "ping" };
const ECHO_REPLY: FrameSpec = { ...ECHO_REQUEST, src: "10.0.0.2", dst: "10.0.0.1", icmpType: 0 };

function gre(ts: number, inner: Uint8Array, from = OUTER_A, to = OUTER_B, header: number[] = [0, 0, ...be16(0x0800)]): TimedFrame {
  return { ts, frame: ethernetFrame({ src: from, dst: to, proto: 47, payload: concatBytes(header, inner) }) };
}

function vxlanPayload(innerFrame: Uint8Array, vni = 1): Uint8Array {
  return concatBytes([0x08, 0, 0, 0, 0, 0, vni, 0], innerFrame);
}

function vxlan(ts: number, innerFrame: Uint8Array, sport = 40000, from = OUTER_A, to = OUTER_B): TimedFrame {
  return { ts, frame: ethernetFrame({ src: from, dst: to, proto: "udp", sport, dport: 4789, payload: vxlanPayload(innerFrame) }) };
}

describe("IP tunnels", () => {
  it("GRE: the inner ICMP echo is a connection inside the tunnel, the GRE packets are none", () => {
    const r = runPipeline([gre(1, ipPacket(ECHO_REQUEST)), gre(1.5, ipPacket(ECHO_REPLY), OUTER_B, OUTER_A)]);
    const conns = r.rows("conn");
    expect(conns).toHaveLength(1);
    const tunnels = r.rows("tunnel");
    expect(tunnels).toEqual([
      expect.objectContaining({ "id.orig_h": OUTER_A, "id.orig_p": "0", "id.resp_h": OUTER_B, "id.resp_p": "0", tunnel_type: "Tunnel::GRE", action: "Tunnel::DISCOVER" }),
    ]);
    expect(conns[0]).toMatchObject({ "id.orig_h": "10.0.0.1", "id.orig_p": "8", "id.resp_h": "10.0.0.2", proto: "icmp", orig_pkts: "1", resp_pkts: "1", tunnel_parents: tunnels[0].uid });
    expect(tunnels[0].uid).not.toBe(conns[0].uid);
    expect(r.diagnostics).toEqual([]);
  });

  it("IP in IP and IPv6 in IPv4 are Tunnel::IP, one uid per pair of outer addresses", () => {
    const v6 = ipPacket({ src: "2001:db8::1", dst: "2001:db8::2", proto: "udp", sport: 5000, dport: 6000, payload: "x" });
    const r = runPipeline([
      { ts: 1, frame: ethernetFrame({ src: OUTER_A, dst: OUTER_B, proto: 4, payload: ipPacket(ECHO_REQUEST) }) },
      { ts: 2, frame: ethernetFrame({ src: OUTER_B, dst: OUTER_A, proto: 41, payload: v6 }) },
    ]);
    const tunnels = r.rows("tunnel");
    expect(tunnels.map((t) => t.tunnel_type)).toEqual(["Tunnel::IP"]);
    const conns = r.rows("conn");
    expect(conns.map((c) => c.proto).sort()).toEqual(["icmp", "udp"]);
    for (const c of conns) expect(c.tunnel_parents).toBe(tunnels[0].uid);
  });

  it("IP in IP whose payload is not one packet of the announced version: Zeek's weirds, no connection", () => {
    const v4 = ipPacket(ECHO_REQUEST);
    const v6 = ipPacket({ src: "2001:db8::1", dst: "2001:db8::2", proto: "udp", sport: 5000, dport: 6000, payload: "x" });
    const r = runPipeline([
      { ts: 1, frame: ethernetFrame({ src: OUTER_A, dst: OUTER_B, proto: 41, payload: concatBytes(v4, new Array(20).fill(0)) }) },
      { ts: 2, frame: ethernetFrame({ src: OUTER_A, dst: OUTER_B, proto: 41, payload: v6.subarray(0, v6.length - 1) }) },
      { ts: 3, frame: ethernetFrame({ src: OUTER_A, dst: OUTER_B, proto: 4, payload: concatBytes(v4, [0]) }) },
    ]);
    expect(r.rows("conn")).toEqual([]);
    expect(r.rows("weird").map((w) => [w.name, w.source])).toEqual([
      ["invalid_inner_IP_version", "IPTUNNEL"],
      ["truncated_inner_IP", "IPTUNNEL"],
      ["inner_IP_payload_length_mismatch", "IPTUNNEL"],
    ]);
  });

  it("PPTP: enhanced GRE carrying PPP carrying IPv4", () => {
    const inner = ipPacket(ECHO_REQUEST);
    const header = [0x30, 0x81, ...be16(0x880b), ...be16(inner.length + 4), ...be16(9), 0, 0, 0, 1, 0, 0, 0, 0, 0xff, 0x03, ...be16(0x0021)];
    const r = runPipeline([gre(1, inner, OUTER_A, OUTER_B, header)]);
    expect(r.rows("conn")).toEqual([expect.objectContaining({ "id.orig_h": "10.0.0.1", proto: "icmp", tunnel_parents: r.rows("tunnel")[0].uid })]);
  });

  it("an IP tunnel keeps its uid until idle for Tunnel::ip_tunnel_timeout, checked as Zeek's timer does", () => {
    const uids = (times: number[]) => {
      const r = runPipeline(times.map((t) => gre(t, ipPacket(ECHO_REQUEST))), { settings: ["Tunnel::ip_tunnel_timeout=10"] });
      return r.rows("conn").map((c) => c.tunnel_parents);
    };
    // The timer checks at 10, 20, ...: idle 10 s at the check at 10 → forgotten; idle 5 s at 10 and 5 s at 20 → kept.
    const [a, b] = uids([0, 15]);
    expect(a).not.toBe(b);
    expect(new Set(uids([0, 5, 15, 25]))).toHaveProperty("size", 1);
  });

  it("a tunnel no new connection appears in for Tunnel::expiration_interval expires from tunnel.log", () => {
    const r = runPipeline([gre(0, ipPacket(ECHO_REQUEST)), gre(7200, ipPacket(ECHO_REQUEST))]);
    const t = r.rows("tunnel");
    // The expiry is noticed when network time next moves, here with the packet at 7200 (as in Zeek).
    expect(t.map((x) => [x.action, Number(x.ts)])).toEqual([
      ["Tunnel::DISCOVER", 0],
      ["Tunnel::EXPIRE", 7200],
      ["Tunnel::DISCOVER", 7200],
    ]);
    // The IP tunnel itself (24 h) is the same: the same uid is discovered again.
    expect(t[2].uid).toBe(t[0].uid);
  });

  it("a malformed GRE header is Zeek's weird and no connection", () => {
    const r = runPipeline([gre(1, ipPacket(ECHO_REQUEST), OUTER_A, OUTER_B, [0x40, 0, ...be16(0x0800)])]);
    expect(r.rows("conn")).toEqual([]);
    expect(r.rows("weird")).toEqual([expect.objectContaining({ name: "gre_routing", source: "GRE" })]);
  });
});

describe("UDP tunnels", () => {
  it("VXLAN: the UDP connection is the tunnel; it is confirmed, discovered and closed", () => {
    const r = runPipeline([vxlan(1, ethernetFrame(ECHO_REQUEST)), vxlan(1.2, ethernetFrame(ECHO_REQUEST))]);
    const conns = r.rows("conn");
    const outer = conns.find((c) => c.proto === "udp")!;
    const inner = conns.find((c) => c.proto === "icmp")!;
    expect(outer).toMatchObject({ "id.resp_p": "4789", service: "vxlan", orig_pkts: "2", tunnel_parents: "-" });
    expect(inner).toMatchObject({ "id.orig_h": "10.0.0.1", orig_pkts: "2", tunnel_parents: outer.uid });
    expect(r.rows("tunnel").map((t) => [t.uid, t["id.orig_p"], t["id.resp_p"], t.tunnel_type, t.action])).toEqual([
      [outer.uid, "40000", "4789", "Tunnel::VXLAN", "Tunnel::DISCOVER"],
      [outer.uid, "40000", "4789", "Tunnel::VXLAN", "Tunnel::CLOSE"],
    ]);
  });

  it("a connection seen through two tunnels names both as parents (tunnel_changed)", () => {
    const r = runPipeline([vxlan(1, ethernetFrame(ECHO_REQUEST), 40000), vxlan(1.1, ethernetFrame(ECHO_REPLY), 40001, OUTER_B, OUTER_A)]);
    const outers = r.rows("conn").filter((c) => c.proto === "udp");
    const inner = r.rows("conn").find((c) => c.proto === "icmp")!;
    expect(outers).toHaveLength(2);
    expect(inner.tunnel_parents.split(",").sort()).toEqual(outers.map((c) => c.uid).sort());
    expect(inner).toMatchObject({ orig_pkts: "1", resp_pkts: "1", history: "-" });
  });

  it("past Tunnel::max_changes_per_connection the changes are a weird and an X in the history", () => {
    const frames: TimedFrame[] = [];
    for (let i = 0; i < 8; i++) {
      frames.push(i % 2 === 0 ? vxlan(1 + i / 10, ethernetFrame(ECHO_REQUEST), 40000) : vxlan(1 + i / 10, ethernetFrame(ECHO_REPLY), 40001, OUTER_B, OUTER_A));
    }
    const r = runPipeline(frames);
    expect(r.rows("conn").find((c) => c.proto === "icmp")).toMatchObject({ history: "X", orig_pkts: "4", resp_pkts: "4" });
    expect(r.rows("weird").filter((w) => w.name === "tunnel_max_changes_per_connection_exceeded").map((w) => w.addl)).toContain("5");
  });

  it("Tunnel::max_depth stops decapsulation: history X and exceeded_tunnel_max_depth_in_tunnel", () => {
    const innerVxlan = ethernetFrame({ src: "198.51.100.1", dst: "198.51.100.2", proto: "udp", sport: 50000, dport: 4789, payload: vxlanPayload(ethernetFrame(ECHO_REQUEST)) });
    const r = runPipeline([vxlan(1, innerVxlan)], { settings: ["Tunnel::max_depth=1"] });
    const conns = r.rows("conn");
    expect(conns.map((c) => c["id.orig_h"]).sort()).toEqual([OUTER_A, "198.51.100.1"]);
    const second = conns.find((c) => c["id.orig_h"] === "198.51.100.1")!;
    expect(second).toMatchObject({ history: "DX", service: "-", tunnel_parents: conns.find((c) => c["id.orig_h"] === OUTER_A)!.uid });
    expect(r.rows("weird")).toEqual([expect.objectContaining({ name: "exceeded_tunnel_max_depth_in_tunnel", source: "VXLAN" })]);
  });

  it("VXLAN's UDP checksum: a bad one is checked unless Tunnel::validate_vxlan_checksums=F; zero passes, over IPv6 too", () => {
    const bad = { ts: 1, frame: ethernetFrame({ src: OUTER_A, dst: OUTER_B, proto: "udp", sport: 40000, dport: 4789, payload: vxlanPayload(ethernetFrame(ECHO_REQUEST)), badChecksum: true }) };
    const checked = runPipeline([bad]);
    expect(checked.rows("weird").map((w) => w.name)).toEqual(["bad_UDP_checksum"]);
    expect(checked.rows("conn").map((c) => c.proto)).toEqual(["udp"]);
    const unchecked = runPipeline([bad], { settings: ["Tunnel::validate_vxlan_checksums=F"] });
    expect(unchecked.rows("conn").map((c) => c.proto).sort()).toEqual(["icmp", "udp"]);

    // RFC 7348 sends a zero checksum; over IPv6 that is otherwise a bad one (RFC 8200), but not to a VXLAN port.
    const v6 = ethernetFrame({ src: "2001:db8::a", dst: "2001:db8::b", proto: "udp", sport: 40000, dport: 4789, payload: vxlanPayload(ethernetFrame(ECHO_REQUEST)) });
    v6[14 + 40 + 6] = 0;
    v6[14 + 40 + 7] = 0;
    const zero = runPipeline([{ ts: 1, frame: v6 }]);
    expect(zero.rows("weird")).toEqual([]);
    expect(zero.rows("conn").map((c) => c.proto).sort()).toEqual(["icmp", "udp"]);
  });

  it("a packet weird inside a tunnel carries _in_tunnel", () => {
    const bad = ethernetFrame(ECHO_REQUEST);
    bad[14 + 10] ^= 0xff; // the inner IPv4 header checksum
    const r = runPipeline([vxlan(1, bad)]);
    expect(r.rows("weird").map((w) => w.name)).toEqual(["bad_IP_checksum_in_tunnel"]);
    expect(r.rows("conn").map((c) => c.proto)).toEqual(["udp"]);
  });

  it("Teredo is found on a port of its own choosing by what its datagrams look like", () => {
    const teredoV6 = { src: "2001:0:4137:9e50:8000:f12a:b9c8:2815", dst: "2001:db8::68", proto: "icmp" as const, icmpType: 128, sport: 1, dport: 1 };
    const out = ipPacket(teredoV6);
    const back = ipPacket({ ...teredoV6, src: teredoV6.dst, dst: teredoV6.src, icmpType: 129 });
    const r = runPipeline([
      { ts: 1, frame: ethernetFrame({ src: OUTER_A, dst: OUTER_B, proto: "udp", sport: 3797, dport: 32900, payload: out }) },
      { ts: 1.1, frame: ethernetFrame({ src: OUTER_B, dst: OUTER_A, proto: "udp", sport: 32900, dport: 3797, payload: back }) },
    ]);
    const udp = r.rows("conn").find((c) => c.proto === "udp")!;
    expect(udp).toMatchObject({ service: "teredo", "id.resp_p": "32900" });
    expect(r.rows("conn").find((c) => c.proto === "icmp")).toMatchObject({ orig_pkts: "1", resp_pkts: "1", tunnel_parents: udp.uid });
  });
});
