// Parses the supported subset of pcap-filter(7) into a tree. The grammar follows libpcap's:
// `and` and `or` have equal precedence and associate left to right, `not` binds tightest, and a
// bare value after `and`/`or`/`not` reuses the qualifiers of the primitive before it ("host a or
// b" is "host a or host b", "tcp port 80 or 443" is "tcp port 80 or tcp port 443"). Everything
// outside the subset is refused with a BadFilterError naming the part and its position; nothing
// is silently ignored.
import { BadFilterError } from "../errors.ts";
import { parseAddr } from "../net/address.ts";
import { Subnet } from "../net/subnet.ts";
import { tokenize, type Token } from "./lexer.ts";
import { PORT_NAMES, PROTOCOL_NUMBERS } from "./names.ts";

/** Which address or port of a packet a primitive looks at. */
export type Direction = "src" | "dst" | "either" | "both";

export type FilterNode =
  | { kind: "and" | "or"; left: FilterNode; right: FilterNode }
  | { kind: "not"; operand: FilterNode }
  /** `ip`, `ip6`. */
  | { kind: "ip-version"; version: 4 | 6 }
  /** `tcp`, `icmp`, `ip proto N`, ...; version 0 means either IP version. */
  | { kind: "proto"; version: 0 | 4 | 6; proto: number }
  /** `host`, `net`: a host is a /32 or /128 subnet. */
  | { kind: "address"; subnet: Subnet; dir: Direction }
  /** `port`, `portrange`; proto 0 means any of TCP, UDP and SCTP. */
  | { kind: "port"; low: number; high: number; proto: number; dir: Direction }
  /** `vlan [N]`; id -1 means any tag. */
  | { kind: "vlan"; id: number };

type ProtoQualifier = "ip" | "ip6" | "tcp" | "udp" | "sctp" | "icmp" | "icmp6";
type TypeQualifier = "host" | "net" | "port" | "portrange" | "proto";

interface Qualifiers {
  proto: ProtoQualifier | null;
  dir: Direction | null;
  type: TypeQualifier | null;
  /** First token of the qualifiers, where errors about their combination point. */
  head: Token;
}

/** What each protocol keyword means used alone (`tcp`, `ip6`, ...). */
const PROTO_ABBREVIATIONS = new Map<string, FilterNode>([
  ["ip", { kind: "ip-version", version: 4 }],
  ["ip6", { kind: "ip-version", version: 6 }],
  ["tcp", { kind: "proto", version: 0, proto: 6 }],
  ["udp", { kind: "proto", version: 0, proto: 17 }],
  ["sctp", { kind: "proto", version: 0, proto: 132 }],
  ["icmp", { kind: "proto", version: 4, proto: 1 }],
  ["icmp6", { kind: "proto", version: 6, proto: 58 }],
]);

const TYPE_QUALIFIERS = new Set<string>(["host", "net", "port", "portrange", "proto"]);

/** pcap-filter keywords outside the subset: named in the error rather than misread as values. */
const UNSUPPORTED = new Set<string>([
  "ether", "fddi", "tr", "wlan", "link", "ppp", "slip", "arp", "rarp", "atalk", "aarp", "decnet",
  "lat", "sca", "moprc", "mopdl", "iso", "esis", "es-is", "isis", "is-is", "l1", "l2", "iih", "lsp",
  "snp", "csnp", "psnp", "clnp", "stp", "ipx", "netbeui", "igmp", "igrp", "pim", "vrrp", "carp",
  "ah", "esp", "radio", "gateway", "protochain", "broadcast", "multicast", "less", "greater", "len",
  "inbound", "outbound", "ifindex", "mpls", "pppoed", "pppoes", "geneve", "vxlan", "llc", "type",
  "subtype", "dir", "addr1", "addr2", "addr3", "addr4", "ra", "ta", "on", "ifname", "rnr",
  "rulenum", "reason", "rset", "ruleset", "srnr", "subrulenum", "action", "lane",
]);

const SUPPORTED_LIST =
  "host, net, port, portrange, proto, ip, ip6, tcp, udp, sctp, icmp, icmp6, vlan, src, dst, and, or, not";

/** The tree of a filter expression, or null for an empty one (which accepts every packet). */
export function parseFilter(expression: string): FilterNode | null {
  return new Parser(expression).parse();
}

class Parser {
  private readonly tokens: Token[];
  private pos = 0;
  /** Qualifiers a bare value takes over (pcap's abbreviation rule); null where none apply. */
  private carried: Qualifiers | null = null;

  constructor(private readonly source: string) {
    this.tokens = tokenize(source);
  }

  parse(): FilterNode | null {
    if (this.tokens.length === 0) return null;
    const node = this.parseExpr();
    const extra = this.peek();
    if (extra) throw this.unexpected(extra, `(expected "and", "or" or the end)`);
    return node;
  }

  private parseExpr(): FilterNode {
    let left = this.parseTerm(null);
    for (let t = this.peek(); t && (t.kind === "and" || t.kind === "or"); t = this.peek()) {
      this.pos++;
      left = { kind: t.kind, left, right: this.parseTerm(t) };
    }
    return left;
  }

  private parseTerm(after: Token | null): FilterNode {
    const t = this.peek();
    if (!t) {
      const where = after ? `after "${after.text}" at position ${after.col}` : "";
      throw new BadFilterError(`filter "${this.source}": expression ends too early ${where}`.trimEnd());
    }
    switch (t.kind) {
      case "not":
        this.pos++;
        return { kind: "not", operand: this.parseTerm(t) };
      case "(": {
        const carried = this.carried;
        this.pos++;
        const inner = this.parseExpr();
        const close = this.peek();
        if (!close || close.kind !== ")") {
          throw this.error(`"("`, t, `has no matching ")"`);
        }
        this.pos++;
        this.carried = carried;
        return inner;
      }
      case "word":
        return this.parsePrimitive(t);
      default:
        throw this.unexpected(t, "(expected a filter primitive)");
    }
  }

  private parsePrimitive(t: Token): FilterNode {
    const word = t.text;
    if (UNSUPPORTED.has(word)) throw this.unexpected(t, "");
    if (word === "vlan") return this.parseVlan();
    if (word === "mask") throw this.error(`"mask"`, t, `must follow a network, as in "net 10.0.0.0 mask 255.0.0.0"`);
    if (!PROTO_ABBREVIATIONS.has(word) && word !== "src" && word !== "dst" && !TYPE_QUALIFIERS.has(word)) {
      // A bare value: it reuses the qualifiers of the primitive before it.
      if (!this.carried) {
        throw this.error(`"${word}"`, t, "needs a qualifier such as host, net or port in front of it");
      }
      return this.parseValue(this.carried);
    }

    let last = t;
    let proto: ProtoQualifier | null = null;
    if (PROTO_ABBREVIATIONS.has(word)) {
      proto = word as ProtoQualifier;
      this.pos++;
      const next = this.peek();
      if (next && next.kind === "symbol" && next.text === "[") {
        throw this.error(`"${word}[...]"`, t, "is not supported (byte-offset expressions are outside nsm's filter subset)");
      }
    }
    const dirStart = this.peek();
    const dir = this.parseDirection();
    if (dir) last = this.tokens[this.pos - 1];
    let type: TypeQualifier | null = null;
    const typeToken = this.peek();
    if (typeToken && typeToken.kind === "word" && TYPE_QUALIFIERS.has(typeToken.text)) {
      type = typeToken.text as TypeQualifier;
      if (type === "proto" && dir) throw this.error(`"${dirStart!.text}"`, dirStart!, `cannot qualify "proto"`);
      this.pos++;
      last = typeToken;
    }
    if (proto && !dir && !type) {
      this.carried = null;
      return PROTO_ABBREVIATIONS.get(proto)!;
    }

    const q: Qualifiers = { proto, dir, type, head: t };
    this.carried = q;
    return this.parseValueTerm(q, last);
  }

  /**
   * What follows qualifiers: a value, or values joined by and/or/not in parentheses, all read
   * under `q` ("host (10.0.0.1 or 10.0.0.2)", "port not 80"). `after` is the token before it.
   */
  private parseValueTerm(q: Qualifiers, after: Token): FilterNode {
    const t = this.peek();
    if (t && t.kind === "not") {
      this.pos++;
      return { kind: "not", operand: this.parseValueTerm(q, t) };
    }
    if (t && t.kind === "(") {
      this.pos++;
      let node = this.parseValueTerm(q, t);
      for (let op = this.peek(); op && (op.kind === "and" || op.kind === "or"); op = this.peek()) {
        this.pos++;
        node = { kind: op.kind, left: node, right: this.parseValueTerm(q, op) };
      }
      const close = this.peek();
      if (!close || close.kind !== ")") throw this.error(`"("`, t, `has no matching ")"`);
      this.pos++;
      return node;
    }
    if (t && (t.kind === "symbol" || UNSUPPORTED.has(t.text))) throw this.unexpected(t, "");
    if (!t || t.kind !== "word" || isKeyword(t.text)) {
      const found = t ? `, found "${t.text}" at position ${t.col}` : "";
      throw this.error(`"${after.text}"`, after, `must be followed by a value${found}`);
    }
    return this.parseValue(q);
  }

  /** `src`, `dst`, `src or dst`, `src and dst` (either order); null when none is there. */
  private parseDirection(): Direction | null {
    const t = this.peek();
    if (!t || t.kind !== "word" || (t.text !== "src" && t.text !== "dst")) return null;
    this.pos++;
    const op = this.peek();
    const other = this.tokens[this.pos + 1];
    if (
      op && (op.kind === "and" || op.kind === "or") &&
      other && other.kind === "word" && (other.text === "src" || other.text === "dst") && other.text !== t.text
    ) {
      this.pos += 2;
      return op.kind === "and" ? "both" : "either";
    }
    return t.text as Direction;
  }

  private parseVlan(): FilterNode {
    this.pos++;
    this.carried = null;
    const next = this.peek();
    if (!next || next.kind !== "word" || !/^[0-9]/.test(next.text)) return { kind: "vlan", id: -1 };
    this.pos++;
    const id = parseNumber(next.text);
    if (id < 0 || id > 4095) throw this.error(`"${next.text}"`, next, "is not a VLAN id (0..4095)");
    return { kind: "vlan", id };
  }

  /** The value at the cursor (with a following "/len" or "mask M"), read under `q`. */
  private parseValue(q: Qualifiers): FilterNode {
    const v = this.tokens[this.pos++];
    let prefix: Token | null = null;
    let mask: Token | null = null;
    const next = this.peek();
    if (next && next.kind === "/") {
      this.pos++;
      prefix = this.peek() ?? null;
      if (!prefix || prefix.kind !== "word" || !/^[0-9]+$/.test(prefix.text)) {
        throw this.error(`"/"`, next, "must be followed by a prefix length");
      }
      this.pos++;
    } else if (next && next.kind === "word" && next.text === "mask") {
      this.pos++;
      mask = this.peek() ?? null;
      if (!mask || mask.kind !== "word") throw this.error(`"mask"`, next, "must be followed by a netmask");
      if (v.text.includes(":")) throw this.error(`"mask"`, next, "applies to IPv4 networks only; write a /prefix-length");
      this.pos++;
    }
    const type = q.type ?? "host";
    if (type !== "net" && (prefix || mask)) {
      const what = prefix ? `${v.text}/${prefix.text}` : `${v.text} mask ${mask!.text}`;
      throw this.error(`"${what}"`, v, `is a network: write "net ${what}"`);
    }
    switch (type) {
      case "host":
        return this.hostNode(q, v);
      case "net":
        return this.netNode(q, v, prefix, mask);
      case "port":
      case "portrange":
        return this.portNode(q, type, v);
      case "proto":
        return this.protoNode(q, v);
    }
  }

  private hostNode(q: Qualifiers, v: Token): FilterNode {
    const addr = this.address(v, "is not an IP address (host names are not supported)");
    this.checkAddressProto(q, addr, "host");
    return { kind: "address", subnet: new Subnet(addr, addr.length * 8), dir: q.dir ?? "either" };
  }

  private netNode(q: Qualifiers, v: Token, prefix: Token | null, mask: Token | null): FilterNode {
    let addr: Uint8Array;
    let len: number;
    if (v.text.includes(":")) {
      addr = this.address(v, "is not an IPv6 network");
      len = prefix ? Number(prefix.text) : 128;
    } else {
      // pcap accepts the short forms "10", "192.168", "172.16/12": the missing parts are zero
      // and, without an explicit length, the given parts make up the prefix.
      const parts = v.text.split(".");
      if (parts.length > 4) throw this.error(`"${v.text}"`, v, "is not an IPv4 network");
      addr = this.address(v, "is not an IPv4 network", [...parts, "0", "0", "0"].slice(0, 4).join("."));
      len = prefix ? Number(prefix.text) : parts.length * 8;
      if (mask) len = this.maskLength(mask);
    }
    const text = prefix ? `${v.text}/${prefix.text}` : mask ? `${v.text} mask ${mask.text}` : v.text;
    if (len > addr.length * 8) {
      throw this.error(`"${text}"`, v, `has a prefix longer than ${addr.length * 8} bits`);
    }
    const subnet = new Subnet(addr, len);
    if (!subnet.network().every((b, i) => b === addr[i])) {
      throw this.error(`"${text}"`, v, "has bits set outside the network prefix");
    }
    this.checkAddressProto(q, addr, "net");
    return { kind: "address", subnet, dir: q.dir ?? "either" };
  }

  private maskLength(mask: Token): number {
    const m = this.address(mask, "is not an IPv4 netmask");
    if (m.length !== 4) throw this.error(`"${mask.text}"`, mask, "is not an IPv4 netmask");
    const bits = ((m[0] << 24) | (m[1] << 16) | (m[2] << 8) | m[3]) >>> 0;
    const len = Math.clz32(~bits);
    if (len < 32 && bits << len !== 0) {
      throw this.error(`"${mask.text}"`, mask, "is not a contiguous netmask (only prefix masks are supported)");
    }
    return len;
  }

  private portNode(q: Qualifiers, type: "port" | "portrange", v: Token): FilterNode {
    if (q.proto && q.proto !== "tcp" && q.proto !== "udp" && q.proto !== "sctp") {
      throw this.error(`"${q.proto}"`, q.head, `cannot qualify "${type}" (only tcp, udp and sctp have ports)`);
    }
    let proto = q.proto === "tcp" ? 6 : q.proto === "udp" ? 17 : q.proto === "sctp" ? 132 : 0;
    const dir = q.dir ?? "either";
    const dash = v.text.indexOf("-", 1);
    if (type === "portrange" && dash > 0 && /^[0-9]/.test(v.text)) {
      const low = this.portNumber(v, v.text.slice(0, dash));
      const high = this.portNumber(v, v.text.slice(dash + 1));
      return { kind: "port", low: Math.min(low, high), high: Math.max(low, high), proto, dir };
    }
    if (/^[0-9]/.test(v.text)) {
      const port = this.portNumber(v, v.text);
      return { kind: "port", low: port, high: port, proto, dir };
    }
    if (type === "portrange") {
      throw this.error(`"${v.text}"`, v, "is not a port range: give numbers, as in 1024-2047");
    }
    const named = PORT_NAMES.get(v.text);
    if (!named) throw this.error(`"${v.text}"`, v, "is not a known port name; give the port number");
    if (named.proto !== 0 && proto !== 0 && named.proto !== proto) {
      throw this.error(`"${v.text}"`, v, `is a ${named.proto === 6 ? "tcp" : "udp"} port`);
    }
    if (proto === 0) proto = named.proto;
    return { kind: "port", low: named.port, high: named.port, proto, dir };
  }

  private portNumber(v: Token, text: string): number {
    const n = parseNumber(text);
    if (n < 0 || n > 65535) throw this.error(`"${v.text}"`, v, "is not a port number (0..65535)");
    return n;
  }

  private protoNode(q: Qualifiers, v: Token): FilterNode {
    if (q.proto && q.proto !== "ip" && q.proto !== "ip6") {
      throw this.error(`"${q.proto}"`, q.head, `cannot qualify "proto"`);
    }
    const name = v.text.startsWith("\\") ? v.text.slice(1) : v.text;
    let proto = /^[0-9]/.test(name) ? parseNumber(name) : (PROTOCOL_NUMBERS.get(name) ?? -1);
    if (proto < 0 || proto > 255) {
      throw this.error(`"${v.text}"`, v, "is not an IP protocol number (0..255) or known protocol name");
    }
    const version = q.proto === "ip" ? 4 : q.proto === "ip6" ? 6 : 0;
    return { kind: "proto", version, proto };
  }

  /** Parses an address, with `problem` as the error's wording. */
  private address(t: Token, problem: string, text = t.text): Uint8Array {
    try {
      return parseAddr(text);
    } catch {
      throw this.error(`"${t.text}"`, t, problem);
    }
  }

  private checkAddressProto(q: Qualifiers, addr: Uint8Array, type: string): void {
    if (q.proto === null || (q.proto === "ip" && addr.length === 4) || (q.proto === "ip6" && addr.length === 16)) return;
    const what = q.proto === "ip" || q.proto === "ip6" ? `an IPv${addr.length === 4 ? 4 : 6} ${type}` : `"${type}"`;
    throw this.error(`"${q.proto}"`, q.head, `cannot qualify ${what}`);
  }

  private peek(): Token | undefined {
    return this.tokens[this.pos];
  }

  /** The error for a token that cannot stand where it is; names the unsupported ones as such. */
  private unexpected(t: Token, expectation: string): BadFilterError {
    if (t.kind === "symbol") {
      return this.error(`"${t.text}"`, t, "is not supported (byte-offset and arithmetic expressions are outside nsm's filter subset)");
    }
    if (t.kind === "word" && UNSUPPORTED.has(t.text)) {
      return this.error(`"${t.text}"`, t, `is not supported (nsm filters support ${SUPPORTED_LIST})`);
    }
    return this.error(`unexpected "${t.text}"`, t, expectation);
  }

  private error(subject: string, at: Token, problem = ""): BadFilterError {
    return new BadFilterError(`filter "${this.source}": ${subject} at position ${at.col} ${problem}`.trimEnd());
  }
}

function isKeyword(word: string): boolean {
  return (
    PROTO_ABBREVIATIONS.has(word) || TYPE_QUALIFIERS.has(word) || UNSUPPORTED.has(word) ||
    word === "src" || word === "dst" || word === "vlan" || word === "mask"
  );
}

/** A number as pcap reads it: 0x… hexadecimal, 0… octal, otherwise decimal; -1 if malformed. */
function parseNumber(text: string): number {
  if (/^0x[0-9a-f]+$/i.test(text)) return parseInt(text.slice(2), 16);
  if (/^0[0-9]+$/.test(text)) return /^0[0-7]+$/.test(text) ? parseInt(text.slice(1), 8) : -1;
  if (/^[0-9]+$/.test(text)) return Number(text);
  return -1;
}
