// The packet decoder: one captured frame in, one Packet ready for the connection table out. It peels
// the link layer, checks the IP header the way Zeek's IP analyzer does (same checks, same order, same
// weird names), applies the packet filter where BPF would, reassembles fragments and makes sure the
// transport header is there. Per frame it allocates nothing; only reassembly does.
import type { Packet, RawFrame } from "../packet.ts";
import { ipv4HeaderChecksumOk } from "./checksum.ts";
import { DeferredWeirds } from "./deferred-weirds.ts";
import { FragmentFields } from "./fragment-fields.ts";
import { FragmentReassembler } from "./fragments.ts";
import { decodeIpv4Header } from "./ipv4.ts";
import { Ipv6HeaderDecoder } from "./ipv6.ts";
import { decodeLink } from "./link.ts";
import { LinkState, NOT_IP, UNKNOWN_LINK } from "./link-state.ts";
import { decodeTransport, readPorts } from "./transport.ts";

export interface DecoderOptions {
  /** Reports a packet-level weird by Zeek's weird name (e.g. "truncated_IP", "bad_IP_checksum"). */
  weird: (name: string, addl?: string) => void;
  /** True when checksums must not be verified for this packet (-C, or ignore_checksums_nets). Called only after addresses are decoded. */
  skipChecksum: (pkt: Packet) => boolean;
  /** Optional packet filter (the compiled -f expression), applied as BPF would be: to every captured frame before fragment reassembly, after link/IP/ports are decoded (ports only for the first fragment). A frame it rejects is dropped silently and counts nowhere. */
  filter?: (pkt: Packet) => boolean;
  /**
   * Zeek's frag_timeout, in seconds of network time: how long a datagram waits for its missing
   * fragments. Zeek's default is 5 min; 0 keeps them until the reassembler's memory bound evicts them.
   */
  fragTimeout?: number;
}

/** Zeek's default frag_timeout (init-bare.zeek). */
const DEFAULT_FRAG_TIMEOUT = 300;

const PROTO_NO_NEXT_HEADER = 59;
const PROTO_ESP = 50;
const PROTO_MOBILITY = 135;

/** Counters for the run summary. */
export type DecodeStats = {
  /** Every frame handed to decode(). */
  frames: number;
  /** Frames the packet filter rejected (counted nowhere else). */
  filtered: number;
  /** Frames with an IP header good enough to get past the length checks. */
  ip: number;
  /** Frames carrying something other than IP (ARP, LLDP, 802.11 management...). */
  nonIp: number;
  /** Frames in 802.2 LLC framing (802.3 length-field Ethernet, FDDI), IP or not. */
  llc: number;
  /** Frames of a link type we do not decode. */
  unknownLinkType: number;
  /** Frames dropped as malformed, each with a weird (bad checksums included). */
  dropped: number;
  /** IP fragments handed to reassembly. */
  fragments: number;
  fragmentsReassembled: number;
  /** Datagrams waiting for more fragments right now. */
  fragmentsPending: number;
  fragmentsExpired: number;
  /** Pending datagrams dropped to keep reassembly memory bounded. */
  fragmentsEvicted: number;
};

export class PacketDecoder {
  readonly stats: DecodeStats = {
    frames: 0,
    filtered: 0,
    ip: 0,
    nonIp: 0,
    llc: 0,
    unknownLinkType: 0,
    dropped: 0,
    fragments: 0,
    fragmentsReassembled: 0,
    fragmentsPending: 0,
    fragmentsExpired: 0,
    fragmentsEvicted: 0,
  };
  private readonly weird: (name: string, addl?: string) => void;
  private readonly skipChecksum: (pkt: Packet) => boolean;
  private readonly filter: ((pkt: Packet) => boolean) | undefined;
  private readonly notices = new DeferredWeirds();
  private readonly link = new LinkState(this.notices);
  private readonly frag = new FragmentFields();
  private readonly ipv6 = new Ipv6HeaderDecoder(this.frag, this.notices);
  private readonly reassembler: FragmentReassembler;

  constructor(opts: DecoderOptions) {
    this.weird = opts.weird;
    this.skipChecksum = opts.skipChecksum;
    this.filter = opts.filter;
    this.reassembler = new FragmentReassembler(opts.fragTimeout ?? DEFAULT_FRAG_TIMEOUT, opts.weird, this.stats);
  }

  /** Decodes one frame into pkt. Returns true when pkt now holds a complete IP packet (possibly reassembled from fragments) whose transport header is present, ready for the connection table. Returns false for non-IP frames, filtered frames, pending fragments and dropped malformed packets. Never throws. */
  decode(frame: RawFrame, pkt: Packet): boolean {
    const stats = this.stats;
    stats.frames++;
    startPacket(frame, pkt);
    this.notices.clear();
    this.frag.reset();
    if (stats.fragmentsPending > 0) this.reassembler.expire(frame.ts);

    const link = this.link;
    link.reset(frame.offset + frame.caplen);
    const ipOff = decodeLink(link, pkt);
    if (ipOff < 0) {
      if (ipOff === UNKNOWN_LINK) {
        stats.unknownLinkType++;
        return false;
      }
      if (ipOff === NOT_IP) {
        if (this.admit(pkt)) stats.nonIp++;
        return false;
      }
      return this.malformed(pkt, link.weird);
    }

    pkt.ip = pkt.frame;
    pkt.ipOff = ipOff;
    const problem = this.decodeIpHeader(pkt, link.end - ipOff, ipOff - frame.offset);
    if (problem !== "") return this.malformed(pkt, problem);
    if (!this.frag.isFragment || this.frag.offset === 0) readPorts(pkt);
    if (!this.admit(pkt)) return false;
    stats.ip++;

    if (pkt.ipVersion === 4 && !this.skipChecksum(pkt) && !ipv4HeaderChecksumOk(pkt.ip, pkt.ipOff, pkt.ipHdrLen)) {
      return this.drop("bad_IP_checksum");
    }
    if (this.frag.isFragment && !this.reassemble(pkt)) return false;
    return this.checkPayload(pkt);
  }

  /**
   * Reads the IP header into pkt and makes Zeek's IP analyzer's length checks. `capLen` is what the
   * link layer left of the frame from the IP header on, `linkLen` the bytes of link headers before it.
   * Returns "" or the weird that drops the packet.
   */
  private decodeIpHeader(pkt: Packet, capLen: number, linkLen: number): string {
    if (capLen < 20) return "truncated_IP";
    const version = pkt.ip[pkt.ipOff] >> 4;
    if (version === 4) decodeIpv4Header(pkt, this.frag);
    else if (version === 6) {
      if (capLen < 40) return "truncated_IP";
      this.ipv6.decode(pkt, capLen);
    } else return "unknown_ip_version";

    if (pkt.ipLen === 0) {
      // TCP segmentation offload zeroes the IPv4 length; with checksums off Zeek trusts the capture.
      if (!this.skipChecksum(pkt)) return "ip_hdr_len_zero";
      this.notices.add("ip_hdr_len_zero");
      pkt.ipLen = capLen;
    }
    if (pkt.wirelen < pkt.ipLen + linkLen) return "truncated_IP_len";
    if (pkt.ipHdrLen > pkt.ipLen) return "invalid_IP_header_size";
    if (pkt.ipHdrLen > capLen) return "internally_truncated_header";
    if (version === 4 && pkt.ipHdrLen < 20) return "IPv4_min_header_size";
    setLengths(pkt, capLen);
    return "";
  }

  /** Feeds the fragment in pkt to reassembly; true when pkt now holds a whole datagram to go on with. */
  private reassemble(pkt: Packet): boolean {
    if (pkt.ipCapLen < pkt.ipLen) {
      // Reassembling what was not captured is doomed; the first fragment still has the headers.
      this.weird("incompletely_captured_fragment");
      if (this.frag.offset !== 0) {
        this.stats.dropped++;
        return false;
      }
      return true;
    }
    this.stats.fragments++;
    const datagram = this.reassembler.add(pkt, this.frag);
    if (datagram === null) return false;

    pkt.ip = datagram;
    pkt.ipOff = 0;
    this.frag.reset();
    if (pkt.ipVersion === 4) decodeIpv4Header(pkt, this.frag);
    else this.ipv6.decode(pkt, datagram.length);
    this.notices.flush(this.weird);
    if (pkt.ipHdrLen > pkt.ipLen) return this.drop("invalid_IP_header_size");
    // A second fragment header inside the reassembled data: we do not reassemble twice.
    if (this.frag.isFragment) return this.drop("fragment_protocol_inconsistency");
    setLengths(pkt, datagram.length);
    return true;
  }

  /** What follows the IP header: the end of the road for ESP and Mobility, or a transport header. */
  private checkPayload(pkt: Packet): boolean {
    if (pkt.ipVersion === 6 && (pkt.proto === PROTO_ESP || pkt.proto === PROTO_MOBILITY)) return false;
    if (pkt.proto === PROTO_NO_NEXT_HEADER) return this.drop("ipv6_no_next");
    const problem = decodeTransport(pkt);
    if (problem !== "") return this.drop(problem);
    return true;
  }

  /** The filter's verdict; a frame it admits has its link counted and its deferred weirds reported. */
  private admit(pkt: Packet): boolean {
    if (this.filter !== undefined && !this.filter(pkt)) {
      this.stats.filtered++;
      return false;
    }
    if (this.link.llc) this.stats.llc++;
    this.notices.flush(this.weird);
    return true;
  }

  /** A frame found malformed before the filter had its say: only a frame it admits may raise a weird. */
  private malformed(pkt: Packet, weird: string): boolean {
    if (this.admit(pkt)) this.drop(weird);
    return false;
  }

  private drop(weird: string): boolean {
    this.weird(weird);
    this.stats.dropped++;
    return false;
  }
}

/** Points pkt at the frame and clears what the previous packet left. */
function startPacket(frame: RawFrame, pkt: Packet): void {
  pkt.ts = frame.ts;
  pkt.frame = frame.data;
  pkt.frameOff = frame.offset;
  pkt.caplen = frame.caplen;
  pkt.wirelen = frame.wirelen;
  pkt.linkType = frame.linkType;
  pkt.l2SrcOff = -1;
  pkt.l2DstOff = -1;
  pkt.vlan = -1;
  pkt.innerVlan = -1;
  pkt.vlanDepth = 0;
  pkt.mpls = false;
  pkt.ip = frame.data;
  pkt.ipVersion = 0;
  pkt.ipOff = 0;
  pkt.ipHdrLen = 0;
  pkt.ipLen = 0;
  pkt.ipCapLen = 0;
  pkt.proto = 0;
  pkt.ttl = 0;
  pkt.srcOff = 0;
  pkt.dstOff = 0;
  pkt.l4Off = 0;
  pkt.l4Len = 0;
  pkt.l4CapLen = 0;
  pkt.srcPort = 0;
  pkt.dstPort = 0;
}

/** The derived lengths, once ipLen and ipHdrLen are trusted; `capLen` bytes were captured from ipOff. */
function setLengths(pkt: Packet, capLen: number): void {
  pkt.ipCapLen = capLen < pkt.ipLen ? capLen : pkt.ipLen;
  pkt.l4Off = pkt.ipOff + pkt.ipHdrLen;
  pkt.l4Len = pkt.ipLen - pkt.ipHdrLen;
  pkt.l4CapLen = pkt.ipCapLen - pkt.ipHdrLen;
}
