// Packets inside tunnels, as Zeek's IPTunnel analyzer and build_inner_packet treat them. IP in IP
// (protocols 4 and 41) and GRE (47, or over UDP) make no connection of their own: the pair of outer
// addresses is the tunnel, with a uid kept while it is active (Zeek's ip_tunnels and
// Tunnel::ip_tunnel_timeout). Tunnels over UDP are analyzers of their UDP connection, whose uid is
// the tunnel's. Either way the inner frame is decoded by a decoder of its own depth into a Packet of
// its own (the outer one is still in use), stamped with its stack of tunnels, and goes to the
// connection table like any packet.
import { LinkType, Packet, type RawFrame } from "./packet.ts";
import type { Options } from "./options.ts";
import { PacketDecoder } from "./decode/decoder.ts";
import { formatAddr } from "./net/address.ts";
import type { ConnectionTable, TunnelDecoding } from "./connection-table.ts";
import { Tunnel, transportOf, type TunnelType } from "../analyzers/tunnels/encapsulation.ts";
import { parseGre } from "../analyzers/tunnels/gre.ts";
import { checkInnerIp } from "../analyzers/tunnels/inner-ip.ts";

const PROTO_GRE = 47;
const SOURCE_GRE = "GRE";
const SOURCE_IP_TUNNEL = "IPTUNNEL";

/** Zeek's weirds for an inner packet of IP in IP or PPTP that is not exactly one packet of the announced version. */
const INNER_IP_WEIRDS = { bad_protocol: "invalid_inner_IP_version", too_small: "truncated_inner_IP", too_large: "inner_IP_payload_length_mismatch" };

/** What decodes the packets found at one depth of encapsulation. */
interface Level {
  decoder: PacketDecoder;
  pkt: Packet;
  frame: RawFrame;
}

export class Decapsulator implements TunnelDecoding {
  private readonly levels: Level[] = [];
  private readonly ipTunnels: IpTunnels;

  constructor(
    private readonly table: ConnectionTable,
    private readonly options: Options,
  ) {
    this.ipTunnels = new IpTunnels(options["Tunnel::ip_tunnel_timeout"], () => table.newUid());
  }

  ipTunnel(pkt: Packet): void {
    if (pkt.proto === PROTO_GRE) return this.gre(pkt, pkt.ip, pkt.l4Off, pkt.l4CapLen);
    if (this.depthExceeded(pkt)) return;
    // IP in IP: the payload must be exactly one packet of the version the protocol number says.
    const check = checkInnerIp(pkt.ip, pkt.l4Off, pkt.l4CapLen, pkt.proto);
    if (check !== "ok") return this.weird(pkt, INNER_IP_WEIRDS[check], "", SOURCE_IP_TUNNEL);
    const tunnel = this.ipTunnels.find(pkt, "Tunnel::IP");
    this.decode(pkt, tunnel, pkt.ip, pkt.l4Off, pkt.l4CapLen, LinkType.RAW, pkt.l4CapLen);
  }

  gre(outer: Packet, data: Uint8Array, offset: number, length: number): void {
    const r = parseGre(data, offset, length);
    if ("weird" in r) return this.weird(outer, r.weird, r.addl ?? "", SOURCE_GRE);
    if (this.depthExceeded(outer)) return;
    if (r.version === 1) {
      // PPTP: the PPP payload must be exactly one IP packet.
      const check = checkInnerIp(data, r.offset, r.length, r.proto);
      if (check !== "ok") return this.weird(outer, INNER_IP_WEIRDS[check], "", SOURCE_IP_TUNNEL);
    }
    const tunnel = this.ipTunnels.find(outer, "Tunnel::GRE");
    this.decode(outer, tunnel, data, r.offset, r.length, r.linkType, r.length);
  }

  udpTunnel(outer: Packet, tunnel: Tunnel, data: Uint8Array, offset: number, length: number, linkType: number): void {
    // The inner packet keeps the outer one's shortfall of wire length (Zeek's build_inner_packet).
    const wirelen = outer.ip === outer.frame ? outer.wirelen - (outer.caplen - length) : length;
    this.decode(outer, tunnel, data, offset, length, linkType, wirelen);
  }

  /** Zeek's Tunnel::max_depth check of the IP tunnel analyzer. */
  private depthExceeded(outer: Packet): boolean {
    if (outer.encap === undefined || outer.encap.length < this.options["Tunnel::max_depth"]) return false;
    this.weird(outer, "exceeded_tunnel_max_depth", "", SOURCE_IP_TUNNEL);
    return true;
  }

  private decode(outer: Packet, tunnel: Tunnel, data: Uint8Array, offset: number, length: number, linkType: number, wirelen: number): void {
    const depth = outer.encap === undefined ? 0 : outer.encap.length;
    const level = (this.levels[depth] ??= this.level());
    const f = level.frame;
    f.ts = outer.ts;
    f.data = data;
    f.offset = offset;
    f.caplen = length;
    f.wirelen = wirelen;
    f.linkType = linkType;
    if (!level.decoder.decode(f, level.pkt)) return;
    level.pkt.encap = tunnel.inside(outer.encap);
    this.table.packet(level.pkt);
  }

  private level(): Level {
    const table = this.table;
    return {
      // Zeek names every packet weird met inside a tunnel with "_in_tunnel"; there is no packet filter in there.
      decoder: new PacketDecoder({
        weird: (name, addl) => table.netWeird(name + "_in_tunnel", addl),
        skipChecksum: (pkt) => !table.checksumsFor(pkt),
        fragTimeout: this.options.frag_timeout,
      }),
      pkt: new Packet(),
      frame: { ts: 0, data: new Uint8Array(0), offset: 0, caplen: 0, wirelen: 0, linkType: 0 },
    };
  }

  private weird(outer: Packet, name: string, addl: string, source: string): void {
    this.table.netWeird(outer.encap === undefined ? name : name + "_in_tunnel", addl, source);
  }
}

interface IpTunnelEntry {
  tunnel: Tunnel;
  created: number;
  lastActive: number;
}

/**
 * IP and GRE tunnels by their pair of outer addresses (either order), each with its uid, until it
 * has been idle for Tunnel::ip_tunnel_timeout. Zeek checks that on a timer that first runs a timeout
 * after the tunnel appeared and then every timeout; the check is made here, at that same time, when
 * the tunnel is next used (and in a sweep of all tunnels once per timeout).
 */
class IpTunnels {
  private readonly map = new Map<string, IpTunnelEntry>();
  private nextSweep = 0;

  constructor(
    private readonly timeout: number,
    private readonly uid: () => string,
  ) {}

  find(pkt: Packet, type: TunnelType): Tunnel {
    const now = pkt.ts;
    if (now >= this.nextSweep) this.sweep(now);
    const key = pairKey(pkt);
    let e = this.map.get(key);
    if (e !== undefined && this.expired(e, now)) e = undefined;
    if (e === undefined) {
      const v = pkt.ipVersion as 4 | 6;
      const tunnel = new Tunnel({
        cid: { orig_h: formatAddr(pkt.ip, pkt.srcOff, v), orig_p: 0, resp_h: formatAddr(pkt.ip, pkt.dstOff, v), resp_p: 0, proto: transportOf(pkt.proto) },
        tunnel_type: type,
        uid: this.uid(),
      });
      this.map.set(key, (e = { tunnel, created: now, lastActive: now }));
    } else {
      e.lastActive = now;
    }
    return e.tunnel;
  }

  /** Would Zeek's timer have dropped the tunnel by `now`? It checks at created + k·timeout. */
  private expired(e: IpTunnelEntry, now: number): boolean {
    const t = this.timeout;
    if (!(t > 0)) return false;
    const checks = Math.max(1, Math.ceil((e.lastActive + t - e.created) / t));
    return now >= e.created + checks * t;
  }

  private sweep(now: number): void {
    for (const [key, e] of this.map) if (this.expired(e, now)) this.map.delete(key);
    this.nextSweep = now + (this.timeout > 0 ? this.timeout : Infinity);
  }
}

/** The two outer addresses, lower first, as text of their bytes (only tunnelled packets pay for it). */
function pairKey(pkt: Packet): string {
  const n = pkt.ipVersion === 4 ? 4 : 16;
  const ip = pkt.ip;
  let cmp = 0;
  for (let i = 0; i < n && cmp === 0; i++) cmp = ip[pkt.srcOff + i] - ip[pkt.dstOff + i];
  const a = cmp <= 0 ? pkt.srcOff : pkt.dstOff;
  const b = cmp <= 0 ? pkt.dstOff : pkt.srcOff;
  let k = "";
  for (let i = 0; i < n; i++) k += String.fromCharCode(ip[a + i]);
  for (let i = 0; i < n; i++) k += String.fromCharCode(ip[b + i]);
  return k;
}
