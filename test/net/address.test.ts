import { describe, expect, it } from "vitest";
import { formatAddr, formatMac, parseAddr } from "../../core/net/address.ts";

const v6 = (text: string) => formatAddr(parseAddr(text), 0, 6);

describe("formatAddr", () => {
  it("writes IPv4 as a dotted quad, at any offset", () => {
    const buf = Uint8Array.from([9, 9, 192, 168, 0, 255, 9]);
    expect(formatAddr(buf, 2, 4)).toBe("192.168.0.255");
    expect(formatAddr(Uint8Array.from([0, 0, 0, 0]), 0, 4)).toBe("0.0.0.0");
  });

  // Expected texts are what Zeek's own formatter (IPAddr::AsString over zeek_inet_ntop6, built
  // from zeek/zeek a13de64 and run on each input) prints; the first rows are RFC 5952's examples.
  it.each([
    ["2001:0db8:0000:0000:0000:0000:0000:0001", "2001:db8::1"], // RFC 5952 4.1: no leading zeros
    ["2001:db8:0:0:0:0:2:1", "2001:db8::2:1"], // 4.2.1: longest run shortened
    ["2001:db8:0:1:1:1:1:1", "2001:db8:0:1:1:1:1:1"], // 4.2.2: one zero group stays
    ["2001:0:0:1:0:0:0:1", "2001:0:0:1::1"], // 4.2.3: the longer run wins
    ["2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1"], // 4.2.3: the first run on a tie
    ["2001:DB8::AbCd", "2001:db8::abcd"], // 4.3: lower case
    ["::", "::"],
    ["::1", "::1"],
    ["1::", "1::"],
    ["1:0:0:0:0:0:0:0", "1::"],
    ["0:0:0:0:0:1:0:0", "::1:0:0"],
    ["1:2:3:4:5:6:7:8", "1:2:3:4:5:6:7:8"],
    ["1:0:2:3:4:5:6:7", "1:0:2:3:4:5:6:7"],
    ["fe80::200:86ff:fe05:80da", "fe80::200:86ff:fe05:80da"],
    // Zeek keeps IPv4 as IPv4-mapped IPv6 and prints those as plain IPv4.
    ["::ffff:1.2.3.4", "1.2.3.4"],
    ["::ffff:0:0", "0.0.0.0"],
    // IPv4-compatible and IPv4-translated forms end in a dotted quad.
    ["::1.2.3.4", "::1.2.3.4"],
    ["0:0:0:0:0:0:1:0", "::0.1.0.0"],
    ["::ffff:0:1.2.3.4", "::ffff:0:1.2.3.4"],
    ["::2", "::2"],
    // Other embeddings are plain hex.
    ["0:0:0:0:1:ffff:1.2.3.4", "::1:ffff:102:304"],
    ["64:ff9b::1.2.3.4", "64:ff9b::102:304"],
  ])("writes %s as %s", (input, expected) => {
    expect(v6(input)).toBe(expected);
  });

  it("reads the 16 bytes at the offset given", () => {
    const buf = new Uint8Array(20);
    buf.set(parseAddr("2001:db8::7"), 3);
    expect(formatAddr(buf, 3, 6)).toBe("2001:db8::7");
  });
});

describe("parseAddr", () => {
  it.each([
    ["10.1.2.3", [10, 1, 2, 3]],
    ["255.255.255.255", [255, 255, 255, 255]],
    ["0.0.0.0", [0, 0, 0, 0]],
  ])("reads IPv4 %s", (text, bytes) => {
    expect([...parseAddr(text)]).toEqual(bytes);
  });

  it.each([
    ["::", "00000000000000000000000000000000"],
    ["::1", "00000000000000000000000000000001"],
    ["fe80::", "fe800000000000000000000000000000"],
    ["2001:db8:0:0:1:0:0:1", "20010db8000000000001000000000001"],
    ["2001:DB8::1:2", "20010db8000000000000000000010002"],
    ["::ffff:192.0.2.1", "00000000000000000000ffffc0000201"],
    ["1:2:3:4:5:6:1.2.3.4", "00010002000300040005000601020304"],
    ["1:2:3:4:5:6:7::", "00010002000300040005000600070000"],
  ])("reads IPv6 %s", (text, hex) => {
    expect(Buffer.from(parseAddr(text)).toString("hex")).toBe(hex);
  });

  it.each([
    "", "1.2.3", "1.2.3.4.5", "256.1.1.1", "01.2.3.4", "1.2.3.-4", "a.b.c.d", "1.2.3.4 ",
    ":::", "1::2::3", "1:2:3:4:5:6:7:8:9", "1:2:3:4:5:6:7", "12345::", "g::1", "fe80::1%eth0",
    "::1.2.3", "1.2.3.4::", "::1.2.3.4:5", "1:2:3:4:5:6:7:1.2.3.4", "[::1]",
  ])("refuses %j with an error naming it", (text) => {
    expect(() => parseAddr(text)).toThrowError(`not an IP address: "${text}"`);
  });

  it("round-trips through formatAddr", () => {
    for (const text of ["10.0.0.1", "2001:db8::1", "fe80::1:2", "::1.2.3.4", "1::"]) {
      const bytes = parseAddr(text);
      expect(formatAddr(bytes, 0, bytes.length === 4 ? 4 : 6)).toBe(text);
    }
  });
});

describe("formatMac", () => {
  it("writes six lower-case hex pairs from the offset", () => {
    const buf = Uint8Array.from([0xff, 0x00, 0x11, 0x22, 0xaa, 0xbb, 0x0c, 0xee]);
    expect(formatMac(buf, 1)).toBe("00:11:22:aa:bb:0c");
  });
});
