// The BER reader against the encodings X.690 gives (lengths 8.1.3, integers 8.3, constructed
// strings 8.7.3, identifiers 8.1.2.4, object identifiers 8.19.5) and against input that lies:
// lengths past the data, the indefinite form, nesting past the limit, cut-off elements.
import { describe, expect, it } from "vitest";
import { BerReader, BerWeird, decodeOid, decodeSigned, decodeUnsigned, MAX_DEPTH, type NetWeird } from "../../analyzers/snmp/ber.ts";

const reader = (bytes: number[]) => new BerReader(Uint8Array.from(bytes), 0, bytes.length);
const bytes = (hex: string) => Uint8Array.from(hex.match(/../g)!.map((h) => parseInt(h, 16)));

describe("lengths (X.690 8.1.3)", () => {
  it.each([
    ["short form 38", [0x04, 0x26, ...new Array(38).fill(0x61)], 38],
    ["long form 201 (0x81 0xC9)", [0x04, 0x81, 0xc9, ...new Array(201).fill(0x61)], 201],
    ["long form, a redundant leading zero octet", [0x04, 0x82, 0x00, 0x05, 1, 2, 3, 4, 5], 5],
    ["long form 256 (0x82 0x01 0x00)", [0x04, 0x82, 0x01, 0x00, ...new Array(256).fill(0)], 256],
  ])("%s", (_name, input, length) => {
    const r = reader(input);
    expect(r.header()).toBe(true);
    expect(r.contentEnd - r.contentStart).toBe(length);
    expect(r.contentEnd).toBe(input.length);
  });

  it.each([
    ["a length past the data", [0x04, 0x05, 0x41], BerWeird.lyingLength],
    ["a long-form length past the data", [0x30, 0x84, 0x7f, 0xff, 0xff, 0xff, 0x02, 0x01, 0x00], BerWeird.lyingLength],
    ["the indefinite form", [0x30, 0x80, 0x02, 0x01, 0x00, 0x00, 0x00], BerWeird.indefiniteLength],
    ["more length octets than any datagram needs", [0x04, 0x85, 0, 0, 0, 0, 1, 0x41], BerWeird.oversizedHeader],
    ["an identifier alone", [0x30], BerWeird.truncated],
    ["long-form length octets cut off", [0x04, 0x82, 0x01], BerWeird.truncated],
  ])("fails on %s", (_name, input, weird) => {
    const r = reader(input);
    expect(r.header()).toBe(false);
    expect(r.failure).toBe(weird);
    // A failed reader stays failed and reads nothing more.
    expect(r.octets()).toBe("");
    expect(r.more).toBe(false);
  });

  it("keeps a nested element's length inside its parent's", () => {
    // The SEQUENCE holds 3 octets; the INTEGER inside claims 4.
    const r = reader([0x30, 0x03, 0x02, 0x04, 0x01, 0x02, 0x03, 0x04]);
    r.enter(0x30);
    expect(r.signed()).toBe(0);
    expect(r.failure).toBe(BerWeird.lyingLength);
  });
});

describe("identifiers (X.690 8.1.2)", () => {
  it("reads a high tag number in several octets", () => {
    // Context-specific, primitive, tag number 128: 0x9f 0x81 0x00.
    const r = reader([0x9f, 0x81, 0x00, 0x01, 0xaa]);
    expect(r.header()).toBe(true);
    expect(r.tag).toBe(0x9f);
    expect(r.tagNumber).toBe(128);
    expect(r.contentEnd - r.contentStart).toBe(1);
  });

  it("names a tag it did not expect", () => {
    const r = reader([0x04, 0x01, 0x00]);
    expect(r.signed()).toBe(0);
    expect(r.failure).toBe(BerWeird.unexpectedTag);
    expect(r.failureAddl).toBe("0x04 for 0x02");
  });
});

describe("integers (X.690 8.3)", () => {
  it.each([
    ["00", 0],
    ["7f", 127],
    ["0080", 128],
    ["0100", 256],
    ["80", -128],
    ["ff7f", -129],
    ["ff", -1],
    ["7fffffff", 2147483647],
    ["80000000", -2147483648],
    ["00ffffffffffffffff", 18446744073709551615n],
    ["8000000000000000", -9223372036854775808n],
    ["001fffffffffffff", Number.MAX_SAFE_INTEGER],
    ["0020000000000000", 2n ** 53n],
    ["01000000000000000000000000", 2n ** 96n],
  ])("two's complement %s is %s", (hex, value) => {
    const b = bytes(hex);
    expect(decodeSigned(b, 0, b.length)).toBe(value);
  });

  it.each([
    ["ff", 255],
    ["dd", 221],
    ["00ffffffff", 4294967295],
    ["00ffffffffffffffff", 18446744073709551615n],
    ["", 0],
  ])("unsigned %s is %s", (hex, value) => {
    const b = hex === "" ? new Uint8Array(0) : bytes(hex);
    expect(decodeUnsigned(b, 0, b.length)).toBe(value);
  });
});

describe("object identifiers (X.690 8.19)", () => {
  const decode = (hex: string) => {
    const weirds: NetWeird[] = [];
    const b = bytes(hex);
    return { oid: decodeOid(b, 0, b.length, weirds), weirds };
  };

  it.each([
    ["883703", "2.999.3"], // X.690 8.19.5's own example
    ["2a864886f70d", "1.2.840.113549"],
    ["2b06010201010100", "1.3.6.1.2.1.1.1.0"],
    ["00", "0.0"],
    ["2b8f7f", "1.3.2047"],
    // A ten-octet sub-identifier: 2^63 + 5, exactly.
    ["2b81808080808080808005", "1.3.9223372036854775813"],
  ])("%s is %s", (hex, dotted) => {
    expect(decode(hex)).toEqual({ oid: dotted, weirds: [] });
  });

  it("gives Zeek's weird and no OID for a sub-identifier over ten octets", () => {
    // The corpus trace snmp-oid-subidentifier-too-long.pcap: 1.3, then eleven octets.
    expect(decode("2b8080808080808080808000")).toEqual({ oid: "", weirds: [{ name: "asn_oid_subidentifier_too_long", addl: "11" }] });
  });

  it("gives no OID for empty content or a last octet that promises more", () => {
    expect(decode("2b86").oid).toBe("");
    expect(decodeOid(new Uint8Array(0), 0, 0, [])).toBe("");
  });
});

describe("strings (X.690 8.7)", () => {
  it("reads a primitive OCTET STRING as bytes", () => {
    expect(reader([0x04, 0x08, 0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef]).octets()).toBe("\x01\x23\x45\x67\x89\xab\xcd\xef");
  });

  it("joins the segments of a constructed one (8.7.3.2's example, definite lengths)", () => {
    const r = reader([0x24, 0x0c, 0x04, 0x04, 0x01, 0x23, 0x45, 0x67, 0x04, 0x04, 0x89, 0xab, 0xcd, 0xef]);
    expect(r.octets()).toBe("\x01\x23\x45\x67\x89\xab\xcd\xef");
    expect(r.ok).toBe(true);
  });

  it("joins nested segments, and stops at the nesting limit", () => {
    const nest = (depth: number): number[] => (depth === 0 ? [0x04, 0x01, 0x41] : [0x24, ...lenOf(nest(depth - 1)), ...nest(depth - 1)]);
    const lenOf = (b: number[]) => [b.length];
    expect(reader(nest(3)).octets()).toBe("A");
    const deep = reader(nest(MAX_DEPTH + 1));
    expect(deep.octets()).toBe("");
    expect(deep.failure).toBe(BerWeird.nestingTooDeep);
  });

  it("refuses a segment of another type", () => {
    const r = reader([0x24, 0x03, 0x02, 0x01, 0x00]);
    expect(r.octets()).toBe("");
    expect(r.failure).toBe(BerWeird.unexpectedTag);
  });
});

describe("windows", () => {
  it("never reads outside [start, end) of a shared buffer", () => {
    const buf = Uint8Array.from([0xff, 0x04, 0x02, 0x41, 0x42, 0x43, 0xff]);
    const r = new BerReader(buf, 1, 4);
    expect(r.octets()).toBe("");
    expect(r.failure).toBe(BerWeird.lyingLength);
  });
});
