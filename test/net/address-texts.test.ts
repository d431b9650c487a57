import { describe, expect, it } from "vitest";
import { AddressTexts, MacTexts } from "../../core/net/address-texts.ts";
import { formatAddr, formatMac } from "../../core/net/address.ts";

/** More addresses than the cache has slots, so that many of them share a slot. */
const MANY = 200_000;

function v4(i: number): Uint8Array {
  return new Uint8Array([10 + (i >>> 24), (i >>> 16) & 255, (i >>> 8) & 255, i & 255]);
}

describe("address texts", () => {
  it("gives every IPv4 address its own text, whatever shares its slot, in any order of look-up", () => {
    const texts = new AddressTexts();
    let wrong = 0;
    for (let i = 0; i < MANY; i++) if (texts.text(v4(i * 7919), 0, 4) !== formatAddr(v4(i * 7919), 0, 4)) wrong++;
    for (let i = MANY - 1; i >= 0; i -= 3) if (texts.text(v4(i * 7919), 0, 4) !== formatAddr(v4(i * 7919), 0, 4)) wrong++;
    expect(wrong).toBe(0);
  });

  it("reads the address at its offset, and formats IPv6 as Zeek writes it", () => {
    const texts = new AddressTexts();
    const buf = new Uint8Array([9, 9, 192, 0, 2, 1]);
    expect(texts.text(buf, 2, 4)).toBe("192.0.2.1");
    const v6 = new Uint8Array(16);
    v6.set([0x20, 0x01, 0x0d, 0xb8], 0);
    v6[15] = 1;
    expect(texts.text(v6, 0, 6)).toBe("2001:db8::1");
  });

  it("returns the same string object for an address seen again: connections share it", () => {
    const texts = new AddressTexts();
    const a = texts.text(v4(5), 0, 4);
    expect(texts.text(v4(5), 0, 4)).toBe(a);
  });

  it("tells MACs apart by all 48 bits, and has none for a missing or all-zero address", () => {
    const macs = new MacTexts();
    const frame = new Uint8Array(12);
    let wrong = 0;
    for (let i = 0; i < MANY; i++) {
      // The same low four bytes under different high two bytes, and the reverse.
      frame.set([i & 255, (i >> 8) & 255, 0xaa, 0xbb, (i >> 16) & 255, 7], 0);
      if (macs.text(frame, 0) !== formatMac(frame, 0)) wrong++;
    }
    expect(wrong).toBe(0);
    frame.set([0x00, 0x11, 0x22, 0x33, 0x44, 0x55], 6);
    expect(macs.text(frame, 6)).toBe("00:11:22:33:44:55");
    expect(macs.text(frame, -1)).toBeUndefined();
    expect(macs.text(new Uint8Array(6), 0)).toBeUndefined();
  });
});
