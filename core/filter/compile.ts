// Turns a pcap-filter expression into a predicate over a decoded Packet. The tree of closures is
// built once; matching a packet reads fields of the Packet and compares address bytes in place
// (Subnet.contains), so it allocates nothing and formats nothing.
//
// Where our semantics differ from BPF on the raw frame, it is because the decoder has already
// looked through the link layer:
// - VLAN tags: `ip`, `tcp port 80`, ... match tagged frames too (BPF needs `vlan and ...`).
//   `vlan` matches any tagged frame; `vlan N` matches when N is the outer or the inner tag id
//   (the Packet records two depths), where BPF's first `vlan N` looks at the outer tag only.
// - IPv6 extension headers: `tcp`, `ip6 proto N` and `port` see the final transport header,
//   where BPF looks at the fixed header's next-header field (and one fragment header).
// - ARP: `host`/`net` match IP packets only; BPF also matches ARP and RARP addresses.
// - Ports are those the decoder found (srcPort/dstPort) on TCP, UDP and SCTP packets.
// Errors are BadFilterError (NSM_ERR_BAD_FILTER) naming the offending part and its position.
import type { Packet } from "../packet.ts";
import { parseFilter, type FilterNode } from "./parser.ts";

export type PacketPredicate = (pkt: Packet) => boolean;

const acceptAll: PacketPredicate = () => true;

/** Compiles `expression`; an empty expression accepts every packet. Throws BadFilterError. */
export function compileFilter(expression: string): PacketPredicate {
  const tree = parseFilter(expression);
  return tree ? compileNode(tree) : acceptAll;
}

function isPortProto(proto: number): boolean {
  return proto === 6 || proto === 17 || proto === 132;
}

function compileNode(node: FilterNode): PacketPredicate {
  switch (node.kind) {
    case "and": {
      const left = compileNode(node.left);
      const right = compileNode(node.right);
      return (p) => left(p) && right(p);
    }
    case "or": {
      const left = compileNode(node.left);
      const right = compileNode(node.right);
      return (p) => left(p) || right(p);
    }
    case "not": {
      const operand = compileNode(node.operand);
      return (p) => !operand(p);
    }
    case "ip-version": {
      const version = node.version;
      return (p) => p.ipVersion === version;
    }
    case "proto": {
      const { version, proto } = node;
      if (version === 0) return (p) => p.ipVersion !== 0 && p.proto === proto;
      return (p) => p.ipVersion === version && p.proto === proto;
    }
    case "address": {
      const subnet = node.subnet;
      switch (node.dir) {
        case "src":
          return (p) => subnet.contains(p.ip, p.srcOff, p.ipVersion);
        case "dst":
          return (p) => subnet.contains(p.ip, p.dstOff, p.ipVersion);
        case "either":
          return (p) => subnet.contains(p.ip, p.srcOff, p.ipVersion) || subnet.contains(p.ip, p.dstOff, p.ipVersion);
        case "both":
          return (p) => subnet.contains(p.ip, p.srcOff, p.ipVersion) && subnet.contains(p.ip, p.dstOff, p.ipVersion);
      }
    }
    case "port": {
      const { low, high, proto } = node;
      const carries: (n: number) => boolean = proto === 0 ? isPortProto : (n) => n === proto;
      const carriesPorts = (p: Packet): boolean => p.ipVersion !== 0 && carries(p.proto);
      switch (node.dir) {
        case "src":
          return (p) => carriesPorts(p) && p.srcPort >= low && p.srcPort <= high;
        case "dst":
          return (p) => carriesPorts(p) && p.dstPort >= low && p.dstPort <= high;
        case "either":
          return (p) =>
            carriesPorts(p) && ((p.srcPort >= low && p.srcPort <= high) || (p.dstPort >= low && p.dstPort <= high));
        case "both":
          return (p) =>
            carriesPorts(p) && p.srcPort >= low && p.srcPort <= high && p.dstPort >= low && p.dstPort <= high;
      }
    }
    case "vlan": {
      const id = node.id;
      if (id < 0) return (p) => p.vlanDepth > 0;
      return (p) => p.vlanDepth > 0 && (p.vlan === id || p.innerVlan === id);
    }
  }
}
