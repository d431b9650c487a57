// What a tunnelled connection knows of the tunnels around it (Zeek's EncapsulatingConn and
// EncapsulationStack): each tunnel as the plain record scripts see in `c.tunnel`, and the stack a
// tunnel puts around its inner packets, made once per outer stack so that comparing two packets'
// stacks is usually comparing two references.
import type { Connection, Transport } from "../conn/connection.ts";

/** Zeek's Tunnel::Type values that nsm decapsulates. */
export type TunnelType =
  | "Tunnel::IP"
  | "Tunnel::GRE"
  | "Tunnel::VXLAN"
  | "Tunnel::GENEVE"
  | "Tunnel::TEREDO"
  | "Tunnel::AYIYA"
  | "Tunnel::GTPv1";

/** One tunnel (Zeek's Tunnel::EncapsulatingConn): plain data, as scripts get it. */
export interface EncapsulatingConn {
  /** The tunnel's endpoints; ports are 0 for an IP tunnel. */
  cid: { orig_h: string; orig_p: number; resp_h: string; resp_p: number; proto: Transport };
  tunnel_type: TunnelType;
  /** The tunnel's uid: the uid of the outer connection for a tunnel over UDP. */
  uid: string;
}

/** The tunnels around a packet, outermost first. */
export type Encapsulation = readonly EncapsulatingConn[];

/** Zeek's stack comparison: same depth and the same tunnel at each level. */
export function sameEncapsulation(a: Encapsulation | undefined, b: Encapsulation | undefined): boolean {
  if (a === b) return true;
  if (a === undefined || b === undefined || a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x = a[i];
    const y = b[i];
    if (x !== y && (x.uid !== y.uid || x.tunnel_type !== y.tunnel_type || !sameEndpoints(x, y))) return false;
  }
  return true;
}

function sameEndpoints(x: EncapsulatingConn, y: EncapsulatingConn): boolean {
  const a = x.cid;
  const b = y.cid;
  if (a.orig_h === b.orig_h && a.resp_h === b.resp_h && a.orig_p === b.orig_p && a.resp_p === b.resp_p) return true;
  // An IP or GRE tunnel is the same tunnel in either direction (Zeek's operator==).
  return (x.tunnel_type === "Tunnel::IP" || x.tunnel_type === "Tunnel::GRE") && a.orig_h === b.resp_h && a.resp_h === b.orig_h;
}

/** A tunnel's record and the stacks it puts around inner packets, one per outer stack seen last. */
export class Tunnel {
  private outer: Encapsulation | undefined = undefined;
  private stack: Encapsulation | undefined = undefined;

  constructor(readonly conn: EncapsulatingConn) {}

  /** The stack of an inner packet whose outer packet came with `outer`. */
  inside(outer: Encapsulation | undefined): Encapsulation {
    if (this.stack === undefined || outer !== this.outer) {
      this.outer = outer;
      this.stack = outer === undefined ? [this.conn] : [...outer, this.conn];
    }
    return this.stack;
  }
}

/** Zeek's transport of an IP protocol number, as a tunnel's conn_id carries it. */
export function transportOf(ipProto: number): Transport {
  return ipProto === 6 ? "tcp" : ipProto === 17 ? "udp" : ipProto === 1 || ipProto === 58 ? "icmp" : "unknown_transport";
}

/**
 * The tunnel a UDP connection carries, built from the connection as it is oriented now (Zeek builds
 * it per packet from the connection, so a flip makes it a different tunnel).
 */
export class ConnectionTunnel {
  private tunnel: Tunnel | undefined = undefined;
  /** The connection's flips when the tunnel was built. */
  private builtFor = -1;

  constructor(private readonly type: TunnelType) {}

  of(c: Connection): Tunnel {
    if (this.tunnel === undefined || this.builtFor !== c.flips) {
      this.builtFor = c.flips;
      this.tunnel = new Tunnel({
        cid: {
          orig_h: c.origAddr,
          orig_p: c.origPort,
          resp_h: c.respAddr,
          resp_p: c.respPort,
          proto: c.transport,
        },
        tunnel_type: this.type,
        uid: c.uid,
      });
    }
    return this.tunnel;
  }
}
