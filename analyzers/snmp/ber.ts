// BER (ITU-T X.690) reading, as much as SNMP needs: identifiers (low and high tag numbers),
// definite lengths in short and long form, nesting with a depth limit, and the contents of
// INTEGER, OBJECT IDENTIFIER and OCTET STRING (primitive or constructed). A reader never throws
// and never reads outside its window: the first problem is kept as `failure` (the weird's name)
// and every later read returns a neutral value, so a parser checks once where it matters.
import { latin1 } from "../../core/bytes.ts";

/** Identifier octets of the universal types SNMP uses (class universal, X.690 8.1.2). */
export const enum BerTag {
  INTEGER = 0x02,
  OCTET_STRING = 0x04,
  NULL = 0x05,
  OBJECT_IDENTIFIER = 0x06,
  SEQUENCE = 0x30,
}

const CONSTRUCTED = 0x20;
const HIGH_TAG_NUMBER = 0x1f;
const LONG_LENGTH = 0x80;
/** Length octets beyond four cannot describe anything a datagram holds. */
const MAX_LENGTH_OCTETS = 4;
/** High tag numbers beyond four octets (28 bits) are not ours to read. */
const MAX_TAG_OCTETS = 4;
/** SNMP nests six deep (message, scoped PDU, PDU, list, binding, value); constructed strings a little more. */
export const MAX_DEPTH = 12;
/** Zeek gives up on an OID sub-identifier longer than this (it would overflow 64 bits). */
const MAX_SUBIDENTIFIER_OCTETS = 10;
/** Beyond 2^53 / 256 another octet could lose precision in a double: switch to bigint. */
const SAFE_PREFIX = 2 ** 45;

export const BerWeird = {
  /** Fewer bytes left than an identifier and its length need. */
  truncated: "snmp_truncated_pdu",
  /** A length larger than what is left of the enclosing element (or the datagram). */
  lyingLength: "snmp_length_exceeds_data",
  /** The indefinite form (0x80), which SNMP forbids (RFC 3417 8). */
  indefiniteLength: "snmp_indefinite_length",
  /** A length or a tag number longer than this reader accepts. */
  oversizedHeader: "snmp_oversized_ber_header",
  nestingTooDeep: "snmp_nesting_too_deep",
  unexpectedTag: "snmp_unexpected_tag",
} as const;

export interface NetWeird {
  name: string;
  addl: string;
}

export class BerReader {
  pos: number;
  end: number;
  /** The first problem met (a weird name); once set, reads return neutral values. */
  failure: string | undefined;
  failureAddl = "";
  /** The element just read by header(): identifier octet, tag number, content window. */
  tag = 0;
  tagNumber = 0;
  constructed = false;
  contentStart = 0;
  contentEnd = 0;
  /** A lenient header() met a length past the data and read on up to the data's end. */
  overrun = "";
  private depth = 0;

  constructor(
    readonly data: Uint8Array,
    start: number,
    end: number,
  ) {
    this.pos = start;
    this.end = end;
  }

  fail(name: string, addl = ""): void {
    if (this.failure !== undefined) return;
    this.failure = name;
    this.failureAddl = addl;
    this.pos = this.end;
  }

  get ok(): boolean {
    return this.failure === undefined;
  }

  /** Something is left inside the current window. */
  get more(): boolean {
    return this.failure === undefined && this.pos < this.end;
  }

  /** The identifier octet of the next element, or -1 when there is none. */
  peekTag(): number {
    return this.more ? this.data[this.pos] : -1;
  }

  /**
   * Reads the next element's identifier and length; its content is [contentStart, contentEnd),
   * and the reader stands at contentStart. False once anything failed. `lenient` takes a length
   * past the data as reaching to the data's end (noted in `overrun`), as Zeek does for the
   * outermost SEQUENCE of a datagram cut short.
   */
  header(lenient = false): boolean {
    if (this.failure !== undefined) return false;
    const d = this.data;
    let p = this.pos;
    if (this.end - p < 2) return this.failAt(BerWeird.truncated);
    const id = d[p++];
    let number = id & HIGH_TAG_NUMBER;
    if (number === HIGH_TAG_NUMBER) {
      number = 0;
      for (let n = 0; ; n++) {
        if (p >= this.end) return this.failAt(BerWeird.truncated);
        if (n === MAX_TAG_OCTETS) return this.failAt(BerWeird.oversizedHeader, "tag");
        const b = d[p++];
        number = number * 128 + (b & 0x7f);
        if ((b & 0x80) === 0) break;
      }
      if (p >= this.end) return this.failAt(BerWeird.truncated);
    }
    let length = d[p++];
    if (length & LONG_LENGTH) {
      const octets = length & 0x7f;
      if (octets === 0) return this.failAt(BerWeird.indefiniteLength);
      if (octets > MAX_LENGTH_OCTETS) return this.failAt(BerWeird.oversizedHeader, `${octets} length octets`);
      if (this.end - p < octets) return this.failAt(BerWeird.truncated);
      length = 0;
      for (let i = 0; i < octets; i++) length = length * 256 + d[p++];
    }
    if (length > this.end - p) {
      if (!lenient) return this.failAt(BerWeird.lyingLength, `${length} > ${this.end - p}`);
      this.overrun = `${length} > ${this.end - p}`;
      length = this.end - p;
    }
    this.tag = id;
    this.tagNumber = number;
    this.constructed = (id & CONSTRUCTED) !== 0;
    this.contentStart = p;
    this.contentEnd = p + length;
    this.pos = p;
    return true;
  }

  private failAt(name: string, addl = ""): false {
    this.fail(name, addl);
    return false;
  }

  /** Reads a header and checks its identifier octet. */
  expect(tag: number, lenient = false): boolean {
    if (!this.header(lenient)) return false;
    if (this.tag === tag) return true;
    return this.failAt(BerWeird.unexpectedTag, `0x${hex(this.tag)} for 0x${hex(tag)}`);
  }

  /** Steps over the element just read by header(). */
  skip(): void {
    if (this.failure === undefined) this.pos = this.contentEnd;
  }

  /**
   * Enters a constructed element (of identifier `tag`, or of any when -1): reads within its
   * content until leave(). Returns what leave() needs: the enclosing window's end.
   */
  enter(tag: number, lenient = false): number {
    if (!(tag < 0 ? this.header(lenient) : this.expect(tag, lenient))) return this.end;
    return this.into();
  }

  /** Enters the element just read by header(), as enter() does. */
  into(): number {
    const outer = this.end;
    if (this.failure !== undefined) return outer;
    this.descend();
    this.end = this.contentEnd;
    return outer;
  }

  /** Back in the enclosing window, past the element (bytes left unread inside it are skipped). */
  leave(outerEnd: number): void {
    if (this.failure !== undefined) return;
    this.depth--;
    this.pos = this.end;
    this.end = outerEnd;
  }

  private descend(): void {
    if (++this.depth > MAX_DEPTH) this.fail(BerWeird.nestingTooDeep, String(this.depth));
  }

  /** An element of identifier `tag` holding an integer: signed (two's complement). */
  signed(tag: number = BerTag.INTEGER): number | bigint {
    return this.expect(tag) ? this.signedContent() : 0;
  }

  /** An element of identifier `tag` holding an integer read as unsigned (Zeek's `count` fields). */
  unsigned(tag: number = BerTag.INTEGER): number | bigint {
    return this.expect(tag) ? this.unsignedContent() : 0;
  }

  /** The element just read by header() as a signed integer, stepped over. */
  signedContent(): number | bigint {
    this.skip();
    return this.failure === undefined ? decodeSigned(this.data, this.contentStart, this.contentEnd) : 0;
  }

  /** The element just read by header() as an unsigned integer, stepped over. */
  unsignedContent(): number | bigint {
    this.skip();
    return this.failure === undefined ? decodeUnsigned(this.data, this.contentStart, this.contentEnd) : 0;
  }

  /** An OCTET STRING (primitive or constructed) as a byte string. */
  octets(tag: number = BerTag.OCTET_STRING): string {
    if (!this.header()) return "";
    if ((this.tag & ~CONSTRUCTED) !== tag) {
      this.fail(BerWeird.unexpectedTag, `0x${hex(this.tag)} for 0x${hex(tag)}`);
      return "";
    }
    return this.stringContent();
  }

  /** The content octets of the element just read by header(), as they are, stepped over. */
  rawContent(): string {
    this.skip();
    return this.failure === undefined ? latin1(this.data, this.contentStart, this.contentEnd) : "";
  }

  /**
   * The content of the element just read by header() as a byte string: a primitive one as it is,
   * a constructed one as the concatenation of its segments (X.690 8.7.3), which nest.
   */
  stringContent(): string {
    if (!this.constructed) return this.rawContent();
    const segmentTag = this.tag & ~CONSTRUCTED;
    const outer = this.into();
    let s = "";
    while (this.more) {
      if (!this.header()) break;
      if ((this.tag & ~CONSTRUCTED) !== segmentTag) {
        this.fail(BerWeird.unexpectedTag, `0x${hex(this.tag)} in a constructed 0x${hex(segmentTag)}`);
        break;
      }
      s += this.stringContent();
    }
    this.leave(outer);
    return this.failure === undefined ? s : "";
  }

  /** An OBJECT IDENTIFIER in dotted form; an overlong sub-identifier is Zeek's net weird. */
  oid(weirds: NetWeird[]): string {
    return this.expect(BerTag.OBJECT_IDENTIFIER) ? this.oidContent(weirds) : "";
  }

  /** The element just read by header() as an OBJECT IDENTIFIER, stepped over. */
  oidContent(weirds: NetWeird[]): string {
    this.skip();
    return this.failure === undefined ? decodeOid(this.data, this.contentStart, this.contentEnd, weirds) : "";
  }
}

/** Two's complement content octets (X.690 8.3); empty content reads as 0, as Zeek's does. */
export function decodeSigned(d: Uint8Array, start: number, end: number): number | bigint {
  if (end <= start) return 0;
  if (end - start <= 6) {
    let v = (d[start] << 24) >> 24;
    for (let i = start + 1; i < end; i++) v = v * 256 + d[i];
    return v;
  }
  return narrow(BigInt.asIntN((end - start) * 8, bigUnsigned(d, start, end)));
}

/** Content octets read as an unsigned number (SNMP's Counter32/64, Gauge32, TimeTicks; Zeek's counts). */
export function decodeUnsigned(d: Uint8Array, start: number, end: number): number | bigint {
  if (end - start <= 6) {
    let v = 0;
    for (let i = start; i < end; i++) v = v * 256 + d[i];
    return v;
  }
  return narrow(bigUnsigned(d, start, end));
}

function bigUnsigned(d: Uint8Array, start: number, end: number): bigint {
  let v = 0n;
  for (let i = start; i < end; i++) v = (v << 8n) | BigInt(d[i]);
  return v;
}

/** A bigint only when a number would lose precision. */
function narrow(v: bigint): number | bigint {
  return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
}

/**
 * OBJECT IDENTIFIER content (X.690 8.19) in dotted decimal. Sub-identifiers of any value (bigint
 * arithmetic past 2^53); the first encodes two arcs (40 * X + Y, X at most 2). Empty content or a
 * last octet that promises more gives "" as in Zeek; a sub-identifier longer than ten octets gives
 * "" and Zeek's weird asn_oid_subidentifier_too_long.
 */
export function decodeOid(d: Uint8Array, start: number, end: number, weirds: NetWeird[]): string {
  if (end <= start || d[end - 1] & 0x80) return "";
  let out = "";
  let i = start;
  let first = true;
  while (i < end) {
    const from = i;
    while (d[i] & 0x80) i++;
    i++;
    if (i - from > MAX_SUBIDENTIFIER_OCTETS) {
      weirds.push({ name: "asn_oid_subidentifier_too_long", addl: String(i - from) });
      return "";
    }
    let v: number | bigint = 0;
    for (let j = from; j < i; j++) {
      const bits = d[j] & 0x7f;
      if (typeof v === "number" && v < SAFE_PREFIX) v = v * 128 + bits;
      else v = (BigInt(v) << 7n) | BigInt(bits);
    }
    if (first) {
      out = firstArcs(v);
      first = false;
    } else out += "." + String(v);
  }
  return out;
}

function firstArcs(v: number | bigint): string {
  if (typeof v === "bigint") return `2.${v - 80n}`;
  return v < 40 ? `0.${v}` : v < 80 ? `1.${v - 40}` : `2.${v - 80}`;
}

function hex(n: number): string {
  return n.toString(16).padStart(2, "0");
}
