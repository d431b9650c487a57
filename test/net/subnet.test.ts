import { describe, expect, it } from "vitest";
import { parseAddr } from "../../core/net/address.ts";
import { PRIVATE_ADDRESS_SPACE, Subnet, SubnetSet } from "../../core/net/subnet.ts";
import { Prng } from "../../bench/prng.ts";

/** The address bytes at a non-zero offset, as they sit inside a packet. */
function inPacket(text: string): { buf: Uint8Array; off: number; version: 4 | 6 } {
  const addr = parseAddr(text);
  const buf = new Uint8Array(addr.length + 7);
  buf.fill(0xee);
  buf.set(addr, 5);
  return { buf, off: 5, version: addr.length === 4 ? 4 : 6 };
}

const contains = (s: Subnet | SubnetSet, text: string) => {
  const { buf, off, version } = inPacket(text);
  return s.contains(buf, off, version);
};

describe("Subnet", () => {
  it.each([
    ["10.0.0.0/8", "10.0.0.0", true],
    ["10.0.0.0/8", "10.255.255.255", true],
    ["10.0.0.0/8", "11.0.0.0", false],
    ["10.0.0.0/8", "9.255.255.255", false],
    ["172.16.0.0/12", "172.31.255.255", true],
    ["172.16.0.0/12", "172.32.0.0", false],
    ["100.64.0.0/10", "100.127.0.1", true],
    ["100.64.0.0/10", "100.128.0.1", false],
    ["192.0.2.7/32", "192.0.2.7", true],
    ["192.0.2.7/32", "192.0.2.6", false],
    ["0.0.0.0/0", "203.0.113.9", true],
    ["255.255.255.255/32", "255.255.255.255", true],
    ["128.0.0.0/1", "200.1.1.1", true],
    ["128.0.0.0/1", "127.255.255.255", false],
    ["fe80::/10", "fe80::1", true],
    ["fe80::/10", "febf:ffff::1", true],
    ["fe80::/10", "fec0::1", false],
    ["2001:db8::/32", "2001:db8:ffff:ffff:ffff:ffff:ffff:ffff", true],
    ["2001:db8::/32", "2001:db9::", false],
    ["2001:db8:0:0:1::/80", "2001:db8::1:0:0:1", true],
    ["2001:db8:0:0:1::/80", "2001:db8::2:1:0:1", false],
    ["2001:db8:0:0:1::/79", "2001:db8:0:0:0:ffff::", true],
    ["2001:db8:0:0:1::/79", "2001:db8:0:0:2::", false],
    ["::1/128", "::1", true],
    ["::1/128", "::2", false],
    ["::/0", "ffff::1", true],
    ["[2002:a00::]/24", "2002:aff:1::", true],
    ["[2002:a00::]/24", "2002:b00::", false],
  ])("%s contains %s: %s", (subnet, addr, expected) => {
    expect(contains(Subnet.parse(subnet), addr)).toBe(expected);
  });

  it("never contains an address of the other version, or no address at all", () => {
    expect(contains(Subnet.parse("0.0.0.0/0"), "::1")).toBe(false);
    expect(contains(Subnet.parse("::/0"), "10.0.0.1")).toBe(false);
    // An IPv4-mapped IPv6 address is IPv6 on the wire: BPF's `net` does not match it either.
    expect(contains(Subnet.parse("10.0.0.0/8"), "::ffff:10.0.0.1")).toBe(false);
    expect(Subnet.parse("0.0.0.0/0").contains(new Uint8Array(4), 0, 0)).toBe(false);
  });

  it.each([
    ["10.0.0.0/8", "10.0.0.0/8"],
    ["10.1.2.3/8", "10.0.0.0/8"], // host bits cleared, as Zeek does
    ["192.168.1.77/23", "192.168.0.0/23"],
    ["[fe80::]/10", "fe80::/10"],
    ["2001:DB8::1/32", "2001:db8::/32"],
    ["::/0", "::/0"],
    ["::1/128", "::1/128"],
  ])("prints %s as %s", (input, expected) => {
    expect(Subnet.parse(input).toString()).toBe(expected);
  });

  it.each([
    ["10.0.0.0", "missing /prefix-length"],
    ["10.0.0.0/33", "prefix longer than 32"],
    ["fe80::/129", "prefix longer than 128"],
    ["10.0.0.0/x", "bad prefix length"],
    ["10.0.0/8", "bad address"],
    ["host/8", "bad address"],
  ])("refuses %j (%s)", (text, reason) => {
    expect(() => Subnet.parse(text)).toThrowError(`not a subnet: "${text}" (${reason})`);
  });
});

describe("SubnetSet", () => {
  it("answers membership over both versions and counts its members", () => {
    const set = new SubnetSet([Subnet.parse("10.0.0.0/8"), Subnet.parse("fc00::/7")]);
    set.add(Subnet.parse("192.168.0.0/16"));
    expect(set.size).toBe(3);
    expect(contains(set, "192.168.4.4")).toBe(true);
    expect(contains(set, "10.9.9.9")).toBe(true);
    expect(contains(set, "fd00::1")).toBe(true);
    expect(contains(set, "8.8.8.8")).toBe(false);
    expect(contains(set, "2001:db8::1")).toBe(false);
    expect(new SubnetSet().size).toBe(0);
    expect(contains(new SubnetSet(), "10.0.0.1")).toBe(false);
  });
});

describe("SubnetSet against its members one by one", () => {
  // Members of every prefix length, including those shorter than a byte, which span several first
  // bytes; addresses drawn near the members, so that many lie inside one.
  it("answers as asking every member would, over random subnets and addresses", () => {
    const rng = new Prng(11);
    const bytes = (n: number) => Uint8Array.from({ length: n }, () => rng.int(0, 255));
    for (let round = 0; round < 40; round++) {
      const members: Subnet[] = [];
      for (let i = 0; i < 12; i++) {
        const v6 = rng.int(0, 1) === 1;
        members.push(new Subnet(bytes(v6 ? 16 : 4), rng.int(0, v6 ? 128 : 32)));
      }
      const set = new SubnetSet(members);
      let wrong = 0;
      for (let i = 0; i < 2000; i++) {
        const near = members[rng.int(0, members.length - 1)].network();
        const addr = bytes(near.length);
        // Keep a random number of the member's leading bytes, so the address is often inside it.
        addr.set(near.subarray(0, rng.int(0, near.length)));
        const v = near.length === 4 ? 4 : 6;
        if (set.contains(addr, 0, v) !== members.some((m) => m.contains(addr, 0, v))) wrong++;
      }
      expect(wrong).toBe(0);
    }
  });
});

describe("PRIVATE_ADDRESS_SPACE (Zeek 9's Site::private_address_space)", () => {
  const set = SubnetSet.parse(PRIVATE_ADDRESS_SPACE);

  it("has Zeek's 42 subnets, each written as Zeek prints it", () => {
    expect(set.size).toBe(42);
    expect(PRIVATE_ADDRESS_SPACE.map((t) => Subnet.parse(t).toString())).toEqual([...PRIVATE_ADDRESS_SPACE]);
    expect(new Set(PRIVATE_ADDRESS_SPACE).size).toBe(42);
  });

  it.each([
    ["10.20.30.40", true],
    ["172.20.0.1", true],
    ["192.168.1.1", true],
    ["127.0.0.1", true],
    ["100.64.0.1", true],
    ["169.254.1.1", true],
    ["0.1.2.3", true],
    ["192.0.0.8", true],
    ["198.19.255.255", true],
    ["224.0.0.251", true], // mDNS: local network control block
    ["224.0.1.1", false], // outside 224.0.0.0/24
    ["239.255.255.250", true], // SSDP: administratively scoped
    ["240.0.0.1", true],
    ["255.255.255.255", true],
    ["8.8.8.8", false],
    ["141.142.228.5", false],
    ["172.32.0.1", false],
    ["::1", true],
    ["::", true],
    ["::2", false],
    ["fe80::1", true],
    ["fec0::1", true],
    ["fd12:3456::1", true],
    ["2001:db8::1", true],
    ["2002:a00::1", true], // 10.0.0.0 in 6to4
    ["2002:c0a8:101::1", true], // 192.168.1.1 in 6to4
    ["2002:808:808::1", false], // 8.8.8.8 in 6to4
    ["64:ff9b:1::1", true],
    ["2607:f8b0::1", false],
  ])("%s is private: %s", (addr, expected) => {
    expect(contains(set, addr)).toBe(expected);
  });
});
