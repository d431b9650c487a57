// The DHCP parser against messages laid out as the RFCs define them: the BOOTP header (RFC 2131
// §2), the options of RFC 2132 and their successors (relay agent information, RFC 3046/3993;
// client FQDN, RFC 4702; auto-configure, RFC 2563; WPAD 252), option overload (RFC 2131 §4.1), and
// Zeek's readings where Zeek has its own (trailing NULs, the MAC form of chaddr and client ids).
import { describe, expect, it } from "vitest";
import { parseDhcpMessage, type DhcpParseResult } from "../../analyzers/dhcp/parser.ts";
import type { DhcpOptions } from "nsm";
import { ACK, be32, bootp, DISCOVER, dhcp, END, INFORM, ip, OFFER, opt, PAD, REQUEST } from "./message-builder.ts";

function parse(bytes: Uint8Array): DhcpParseResult {
  return parseDhcpMessage(bytes, 0, bytes.length);
}

function parsed(bytes: Uint8Array) {
  const r = parse(bytes);
  if (!r.ok) throw new Error(`did not parse: ${r.weirds.map((w) => w.name).join(", ")}`);
  return r;
}

describe("the BOOTP header (RFC 2131 §2)", () => {
  const r = parsed(
    dhcp(ACK, {
      xid: 0xdeadbeef, secs: 3, flags: 0x8000, hops: 1,
      ciaddr: "10.0.0.9", yiaddr: "10.0.0.10", siaddr: "10.0.0.1", giaddr: "10.0.0.254",
      chaddr: "00:1b:21:aa:bb:cc", sname: "boot-server", file: "pxelinux.0",
    }),
  );

  it("reads every fixed field into Zeek's DHCP::Msg", () => {
    expect(r.msg).toEqual({
      op: 2, m_type: ACK, xid: 0xdeadbeef, secs: 3, flags: 0x8000,
      ciaddr: "10.0.0.9", yiaddr: "10.0.0.10", siaddr: "10.0.0.1", giaddr: "10.0.0.254",
      chaddr: "00:1b:21:aa:bb:cc", sname: "boot-server", file_n: "pxelinux.0",
    });
    expect(r.weirds).toEqual([]);
  });

  it("lists the options in order, pads included and END not", () => {
    const m = parsed(bootp({}, [...opt(53, DISCOVER), ...PAD, ...PAD, ...opt(12, "h"), ...END, ...PAD]));
    expect(m.options.options).toEqual([53, 0, 0, 12]);
    expect(parsed(bootp({}, [...END])).options.options).toEqual([]);
  });

  it("formats chaddr as Zeek's fmt_mac: six bytes, or eight when bytes 7 and 8 are set", () => {
    expect(parsed(dhcp(DISCOVER, { chaddr: [1, 2, 3, 4, 5, 6, 7, 8, 9] })).msg.chaddr).toBe("01:02:03:04:05:06:07:08");
    expect(parsed(dhcp(DISCOVER, { chaddr: [1, 2, 3, 4, 5, 6, 0, 0, 9] })).msg.chaddr).toBe("01:02:03:04:05:06");
  });

  it("drops trailing NULs of sname and file, and (as Zeek) a name of a single byte", () => {
    const m = parsed(dhcp(OFFER, { sname: [0x61, 0, 0x62], file: "x" }));
    expect(m.msg.sname).toBe("a\0b");
    expect(m.msg.file_n).toBe("");
  });

  it("has m_type 0 for BOOTP (no option 53)", () => {
    expect(parsed(bootp({}, [...opt(1, ip("255.255.255.0")), ...END])).msg.m_type).toBe(0);
  });

  it("takes the first message type when there are two", () => {
    expect(parsed(bootp({}, [...opt(53, REQUEST), ...opt(53, ACK), ...END])).msg.m_type).toBe(REQUEST);
  });
});

// Each option's value on the wire and the field of DHCP::Options it fills (RFC 2132 §3-§9 unless noted).
const OPTIONS: [string, number[], Partial<DhcpOptions>][] = [
  ["subnet mask (1)", opt(1, ip("255.255.255.0")), { subnet_mask: "255.255.255.0" }],
  ["time offset (2), signed", opt(2, be32(-18000 >>> 0)), { time_offset: -18000 }],
  ["routers (3)", opt(3, ip("10.0.0.1"), ip("10.0.0.2")), { routers: ["10.0.0.1", "10.0.0.2"] }],
  ["time servers (4)", opt(4, ip("10.0.0.3")), { time_servers: ["10.0.0.3"] }],
  ["name servers (5)", opt(5, ip("10.0.0.4")), { name_servers: ["10.0.0.4"] }],
  ["DNS servers (6)", opt(6, ip("9.9.9.9"), ip("1.1.1.1")), { dns_servers: ["9.9.9.9", "1.1.1.1"] }],
  ["host name (12)", opt(12, "laptop-7"), { host_name: "laptop-7" }],
  ["domain name (15), trailing NULs dropped", opt(15, "corp.example", 0, 0), { domain_name: "corp.example" }],
  ["forwarding (19)", opt(19, 1), { forwarding: true }],
  ["broadcast address (28)", opt(28, ip("10.0.0.255")), { broadcast: "10.0.0.255" }],
  ["NTP servers (42)", opt(42, ip("10.0.0.5")), { ntp_servers: ["10.0.0.5"] }],
  ["vendor specific (43), raw", opt(43, [1, 4, 0xc0, 0xa8, 0, 1]), { vendor: "\x01\x04\xc0\xa8\x00\x01" }],
  ["NetBIOS name servers (44)", opt(44, ip("10.0.0.6")), { nbns: ["10.0.0.6"] }],
  ["requested address (50)", opt(50, ip("10.0.0.77")), { addr_request: "10.0.0.77" }],
  ["lease time (51)", opt(51, be32(86400)), { lease: 86400 }],
  ["server identifier (54)", opt(54, ip("10.0.0.1")), { serv_addr: "10.0.0.1" }],
  ["parameter request list (55)", opt(55, [1, 3, 6, 15, 119, 252]), { param_list: [1, 3, 6, 15, 119, 252] }],
  ["message (56)", opt(56, "requested address not available"), { message: "requested address not available" }],
  ["maximum message size (57)", opt(57, [0x05, 0xdc]), { max_msg_size: 1500 }],
  ["renewal time T1 (58)", opt(58, be32(43200)), { renewal_time: 43200 }],
  ["rebinding time T2 (59)", opt(59, be32(75600)), { rebinding_time: 75600 }],
  ["vendor class (60)", opt(60, "MSFT 5.0"), { vendor_class: "MSFT 5.0" }],
  ["client identifier (61), Ethernet: a MAC", opt(61, 1, [0x00, 0x0b, 0x82, 0x01, 0xfc, 0x42]), { client_id: { hwtype: 1, hwaddr: "00:0b:82:01:fc:42" } }],
  ["client identifier (61), type 0: the bytes", opt(61, 0, "cisco-cc00.0ac4"), { client_id: { hwtype: 0, hwaddr: "cisco-cc00.0ac4" } }],
  ["user class (77)", opt(77, [4, 0x61, 0x62, 0x63, 0x64]), { user_class: "\x04abcd" }],
  [
    "client FQDN (81, RFC 4702): flags, RCODEs, the name as sent",
    opt(81, 0x01, 0, 0, "host.example.com"),
    { client_fqdn: { flags: 1, rcode1: 0, rcode2: 0, domain_name: "host.example.com" } },
  ],
  [
    "client FQDN (81) in wire form (E flag): kept as bytes",
    opt(81, 0x05, 255, 255, [4, 0x68, 0x6f, 0x73, 0x74, 0]),
    { client_fqdn: { flags: 5, rcode1: 255, rcode2: 255, domain_name: "\x04host\x00" } },
  ],
  [
    "relay agent information (82, RFC 3046 / 3993): circuit id, remote id, subscriber id",
    opt(82, opt(1, "eth0/1/2"), opt(2, [0x00, 0x1b, 0x21]), opt(6, "sub-42")),
    { sub_opt: [{ code: 1, value: "eth0/1/2" }, { code: 2, value: "\x00\x1b\x21" }, { code: 6, value: "sub-42" }] },
  ],
  ["auto-configure (116, RFC 2563)", opt(116, 0), { auto_config: false }],
  ["proxy auto-config URL (252): a trailing newline dropped", opt(252, "http://wpad/wpad.dat\n"), { auto_proxy_config: "http://wpad/wpad.dat" }],
  ["an option Zeek does not decode: listed only", opt(119, [3, 0x63, 0x6f, 0x6d, 0]), {}],
];

describe("options (RFC 2132 and successors)", () => {
  it.each(OPTIONS)("%s", (_name, bytes, expected) => {
    const r = parsed(dhcp(REQUEST, {}, bytes));
    expect(r.options).toEqual({ options: [53, bytes[0]], ...expected });
    expect(r.weirds).toEqual([]);
  });

  it("keeps the last value of an option sent twice, as Zeek does", () => {
    expect(parsed(dhcp(REQUEST, {}, opt(12, "one"), opt(12, "two"))).options.host_name).toBe("two");
  });

  it("reads an empty address list as an empty list", () => {
    expect(parsed(dhcp(ACK, {}, opt(3))).options.routers).toEqual([]);
  });

  it("ends a domain name at its last non-NUL byte, and (as Zeek) takes a one-byte name as empty", () => {
    expect(parsed(dhcp(ACK, {}, opt(15, "a\0b\0"))).options.domain_name).toBe("a\0b");
    expect(parsed(dhcp(ACK, {}, opt(15, "x"))).options.domain_name).toBe("");
  });
});

describe("option overload (RFC 2131 §4.1, RFC 2132 §9.3)", () => {
  it("reads options from file (1), then sname (2), after the options field; the fields are then no names", () => {
    const m = parsed(
      bootp({ file: [...opt(12, "from-file"), ...END], sname: [...opt(15, "from.sname"), ...END] }, [...opt(53, INFORM), ...opt(52, 3), ...END]),
    );
    expect(m.options.options).toEqual([53, 52, 12, 15]);
    expect(m.options.host_name).toBe("from-file");
    expect(m.options.domain_name).toBe("from.sname");
    expect([m.msg.sname, m.msg.file_n]).toEqual(["", ""]);
  });

  it("leaves sname a name when only file is overloaded", () => {
    const m = parsed(bootp({ file: [...opt(51, be32(600)), ...END], sname: "srv" }, [...opt(53, ACK), ...opt(52, 1), ...END]));
    expect(m.options.lease).toBe(600);
    expect([m.msg.sname, m.msg.file_n]).toEqual(["srv", ""]);
  });

  it("takes a message type from an overloaded field", () => {
    expect(parsed(bootp({ sname: [...opt(53, DISCOVER), ...END] }, [...opt(52, 2), ...END])).msg.m_type).toBe(DISCOVER);
  });

  it("calls an option running out of its field a weird, and keeps the rest", () => {
    const file = [...opt(12, "ok"), 60, 200, 1, 2];
    const r = parsed(bootp({ file }, [...opt(53, ACK), ...opt(52, 1), ...END]));
    expect(r.options.host_name).toBe("ok");
    expect(r.weirds).toEqual([{ name: "DHCP_option_truncated", addl: "option 60 in file" }]);
  });
});

describe("malformed messages: a weird, never a throw", () => {
  it("rejects a message shorter than the header and cookie", () => {
    const r = parse(dhcp(DISCOVER, {}).subarray(0, 239));
    expect(r).toEqual({ ok: false, weirds: [{ name: "DHCP_truncated_header", addl: "239 bytes" }] });
  });

  it("rejects a wrong magic cookie (RFC 2132 §2: 99.130.83.99)", () => {
    expect(parse(bootp({ cookie: 0 }, [...END]))).toEqual({ ok: false, weirds: [{ name: "DHCP_bad_cookie", addl: "0x0" }] });
  });

  it("rejects an option whose length runs past the message", () => {
    const r = parse(bootp({}, [...opt(53, DISCOVER), 12, 10, 0x61]));
    expect(r).toEqual({ ok: false, weirds: [{ name: "DHCP_option_truncated", addl: "option 12" }] });
    expect(parse(bootp({}, [...opt(53, DISCOVER), 12])).ok).toBe(false);
  });

  it("rejects options without END", () => {
    expect(parse(bootp({}, [...opt(53, DISCOVER)]))).toEqual({ ok: false, weirds: [{ name: "DHCP_no_end_option", addl: "" }] });
  });

  it.each([
    ["a lease of two bytes: not decoded", opt(51, [0, 1]), {}, "option 51 length 2"],
    ["a mask of five bytes: the first four", opt(1, [255, 255, 0, 0, 9]), { subnet_mask: "255.255.0.0" }, "option 1 length 5"],
    ["routers of six bytes: the whole addresses", opt(3, ip("10.0.0.1"), [10, 0]), { routers: ["10.0.0.1"] }, "option 3 length 6"],
    ["an empty client identifier", opt(61), {}, "option 61 length 0"],
    ["a client FQDN shorter than its flags and RCODEs", opt(81, 1, 0), {}, "option 81 length 2"],
    ["an empty message type", opt(53), {}, "option 53 length 0"],
  ])("%s", (_name, bytes, expected, addl) => {
    const r = parsed(bootp({}, [...bytes, ...END]));
    expect(r.options).toEqual({ options: [bytes[0]], ...expected });
    expect(r.weirds).toEqual([{ name: "DHCP_option_bad_length", addl }]);
  });

  it("keeps the relay sub-options before one that overruns the option", () => {
    const r = parsed(dhcp(REQUEST, {}, opt(82, opt(1, "port-1"), [2, 9, 1])));
    expect(r.options.sub_opt).toEqual([{ code: 1, value: "port-1" }]);
    expect(r.weirds).toEqual([{ name: "DHCP_relay_agent_sub_option_truncated", addl: "sub-option 2" }]);
  });

  it("reads only inside [offset, offset + length) of a larger buffer", () => {
    const msg = dhcp(DISCOVER, {}, opt(12, "inside"));
    const buf = new Uint8Array(msg.length + 40).fill(0x01);
    buf.set(msg, 20);
    expect(parseDhcpMessage(buf, 20, msg.length)).toEqual(parse(msg));
    // The END byte cut off: the bytes after the message must not stand in for it.
    expect(parseDhcpMessage(buf, 20, msg.length - 1).ok).toBe(false);
  });
});
