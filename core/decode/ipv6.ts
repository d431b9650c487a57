// The IPv6 header (RFC 8200) and its extension-header chain: hop-by-hop, routing, destination
// options, fragment, AH; ESP and Mobility end the chain. As Zeek does, a routing header's final
// destination and a Mobile IPv6 home address option (RFC 6275) become the packet's addresses.
import type { Packet } from "../packet.ts";
import type { DeferredWeirds } from "./deferred-weirds.ts";
import type { FragmentFields } from "./fragment-fields.ts";

const HOP_BY_HOP = 0;
const ROUTING = 43;
const FRAGMENT = 44;
const AH = 51;
const DEST_OPTS = 60;

const HOME_ADDRESS_OPTION = 201;

export class Ipv6HeaderDecoder {
  private haveFinalDst = false;
  private haveHomeAddr = false;

  constructor(
    private readonly frag: FragmentFields,
    private readonly notices: DeferredWeirds,
  ) {}

  /**
   * Reads the IPv6 header at pkt.ip[pkt.ipOff] (the caller made sure 40 bytes are there) and the
   * extension headers within the `capLen` bytes captured. A chain that runs past them leaves
   * ipHdrLen pointing beyond capLen, for the decoder's length checks to report.
   */
  decode(pkt: Packet, capLen: number): void {
    const b = pkt.ip;
    const o = pkt.ipOff;
    const end = o + capLen;
    const frag = this.frag;
    pkt.ipVersion = 6;
    pkt.ipLen = ((b[o + 4] << 8) | b[o + 5]) + 40;
    pkt.ttl = b[o + 7];
    pkt.srcOff = o + 8;
    pkt.dstOff = o + 24;
    this.haveFinalDst = false;
    this.haveHomeAddr = false;

    let next = b[o + 6];
    let nextField = o + 6;
    let pos = o + 40;
    while (next === HOP_BY_HOP || next === ROUTING || next === DEST_OPTS || next === AH || next === FRAGMENT) {
      if (end - pos < 2) {
        pkt.ipHdrLen = pos + 2 - o;
        pkt.proto = next;
        return;
      }
      const len = next === FRAGMENT ? 8 : next === AH ? (b[pos + 1] + 2) * 4 : (b[pos + 1] + 1) * 8;
      if (pos + len > end) {
        pkt.ipHdrLen = pos + len - o;
        pkt.proto = next;
        return;
      }
      if (next === FRAGMENT) {
        // Zeek's chain ends at the fragment header: what follows is only known after reassembly.
        const offsetFlags = (b[pos + 2] << 8) | b[pos + 3];
        frag.isFragment = true;
        frag.offset = offsetFlags & 0xfff8;
        frag.more = (offsetFlags & 1) !== 0;
        frag.id = ((b[pos + 4] << 24) | (b[pos + 5] << 16) | (b[pos + 6] << 8) | b[pos + 7]) >>> 0;
        frag.unfragmentableLen = pos - o;
        frag.nextHeaderFieldOff = nextField - o;
        pkt.proto = b[pos];
        pkt.ipHdrLen = pos + 8 - o;
        return;
      }
      if (next === ROUTING) this.routingHeader(pkt, pos, len);
      else if (next === DEST_OPTS) this.destinationOptions(pkt, pos, len);
      nextField = pos;
      next = b[pos];
      pos += len;
    }
    // ESP, Mobility, No Next Header or a transport protocol: the chain ends here.
    pkt.proto = next;
    pkt.ipHdrLen = pos - o;
  }

  private routingHeader(pkt: Packet, pos: number, len: number): void {
    const b = pkt.ip;
    if (this.haveFinalDst) {
      this.notices.add("multiple_routing_headers"); // RFC 8200 §4.1: at most one
      return;
    }
    const hdrExtLen = b[pos + 1];
    const segmentsLeft = b[pos + 3];
    // For every known type the final destination is the header's last 16 bytes.
    const lastAddress = pos + len - 16;
    switch (b[pos + 2]) {
      case 0: // RFC 2460, deprecated by RFC 5095
        if (segmentsLeft > 0 && hdrExtLen >= 2) {
          if (hdrExtLen % 2 === 0) this.setFinalDst(pkt, lastAddress);
          else this.notices.add("odd_routing0_len");
        }
        this.notices.add("routing0_hdr");
        break;
      case 2: // Mobile IPv6
        if (segmentsLeft > 0) {
          if (hdrExtLen === 2) this.setFinalDst(pkt, lastAddress);
          else this.notices.add("bad_routing2_len");
        }
        break;
      default:
        this.notices.add("unknown_routing_type", String(b[pos + 2]));
    }
  }

  private setFinalDst(pkt: Packet, off: number): void {
    pkt.dstOff = off;
    this.haveFinalDst = true;
  }

  private destinationOptions(pkt: Packet, pos: number, len: number): void {
    const b = pkt.ip;
    let p = pos + 2;
    const end = pos + len;
    while (p < end) {
      const type = b[p];
      if (type === 0) {
        p++; // Pad1
        continue;
      }
      if (end - p < 2 || end - p < 2 + b[p + 1]) {
        this.notices.add("bad_ipv6_dest_opt_len");
        return;
      }
      const optLen = b[p + 1];
      if (type === HOME_ADDRESS_OPTION) {
        if (optLen !== 16) this.notices.add("bad_home_addr_len");
        else if (this.haveHomeAddr) this.notices.add("multiple_home_addr_opts");
        else {
          pkt.srcOff = p + 2;
          this.haveHomeAddr = true;
        }
      }
      p += 2 + optLen;
    }
  }
}
