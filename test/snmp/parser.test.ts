// SNMP messages → Zeek's events and records: every PDU type of RFC 1157 and RFC 3416 in v1, v2c
// and v3, every value type of a binding, the v3 cases Zeek tells apart (plaintext, encrypted,
// unknown scoped PDU), unknown versions and PDUs, and messages that cannot be read (a weird and no
// event). Messages are built with the encoder in ber-builder.ts.
import { describe, expect, it } from "vitest";
import { parseSnmpMessage } from "../../analyzers/snmp/parser.ts";
import { binding, community, int, NULL, octets, oid, pdu, scopedPdu, seq, tlv, uint, v3, type Bytes } from "./ber-builder.ts";

const parse = (b: Bytes) => parseSnmpMessage(Uint8Array.from(b), 0, b.length);
const SYS_DESCR = "1.3.6.1.2.1.1.1.0";

describe("v1 and v2c", () => {
  it.each([
    [0xa0, "snmp_get_request"],
    [0xa1, "snmp_get_next_request"],
    [0xa2, "snmp_response"],
    [0xa3, "snmp_set_request"],
    [0xa6, "snmp_inform_request"],
    [0xa7, "snmp_trapV2"],
    [0xa8, "snmp_report"],
  ])("PDU 0x%s is %s", (tag, name) => {
    const r = parse(community(1, "public", pdu(tag, 1234, [binding(SYS_DESCR, NULL)], 2, 1)));
    expect(r.failure).toBeUndefined();
    expect(r.headerRead).toBe(true);
    expect(r.event).toEqual({
      name,
      header: { version: 1, v2: { community: "public" } },
      pdu: { request_id: 1234, error_status: 2, error_index: 1, bindings: [{ oid: SYS_DESCR, value: { tag: 5 } }] },
    });
  });

  it("reads a v1 trap (RFC 1157 4.1.6)", () => {
    const trap = tlv(0xa4, oid("1.3.6.1.4.1.31337.0"), tlv(0x40, [192, 0, 2, 7]), int(6), int(17), uint(4200, 0x43), seq(binding("1.3.6.1.2.1.2.1.0", int(33))));
    expect(parse(community(0, "public", trap)).event).toEqual({
      name: "snmp_trap",
      header: { version: 0, v1: { community: "public" } },
      pdu: {
        enterprise: "1.3.6.1.4.1.31337.0",
        agent: "192.0.2.7",
        generic_trap: 6,
        specific_trap: 17,
        time_stamp: 4200,
        bindings: [{ oid: "1.3.6.1.2.1.2.1.0", value: { tag: 2, signed: 33 } }],
      },
    });
  });

  it("reads a get-bulk request (RFC 3416 4.2.3)", () => {
    const bulk = tlv(0xa5, int(77), int(1), int(10), seq(binding("1.3.6.1.2.1.1.3", NULL), binding("1.3.6.1.2.1.2.2.1.2", NULL)));
    const r = parse(community(1, "private", bulk));
    expect(r.event).toMatchObject({ name: "snmp_get_bulk_request", pdu: { request_id: 77, non_repeaters: 1, max_repetitions: 10 } });
    expect(r.event && "pdu" in r.event && r.event.pdu.bindings.map((b) => b.oid)).toEqual(["1.3.6.1.2.1.1.3", "1.3.6.1.2.1.2.2.1.2"]);
  });

  it("decodes every value type into its member", () => {
    const values: [Bytes, object][] = [
      [int(-5), { tag: 0x02, signed: -5 }],
      [octets("B6300\xff"), { tag: 0x04, octets: "B6300\xff" }],
      [NULL, { tag: 0x05 }],
      [oid("1.3.6.1.4.1.8072.3.2.10"), { tag: 0x06, oid: "1.3.6.1.4.1.8072.3.2.10" }],
      [tlv(0x40, [10, 0, 0, 1]), { tag: 0x40, address: "10.0.0.1" }],
      [tlv(0x40, [10, 0, 0]), { tag: 0x40, address: "::" }],
      [uint(4294967295, 0x41), { tag: 0x41, unsigned: 4294967295 }],
      [uint(1000, 0x42), { tag: 0x42, unsigned: 1000 }],
      [uint(123456, 0x43), { tag: 0x43, unsigned: 123456 }],
      [octets("\x9f\x78\x04\x3f\x80\x00\x00", 0x44), { tag: 0x44, octets: "\x9f\x78\x04\x3f\x80\x00\x00" }],
      [uint(18446744073709551615n, 0x46), { tag: 0x46, unsigned: 18446744073709551615n }],
      [[0x80, 0x00], { tag: 0x80 }],
      [[0x81, 0x00], { tag: 0x81 }],
      [[0x82, 0x00], { tag: 0x82 }],
      // A constructed OCTET STRING: its segments joined.
      [tlv(0x24, octets("ab"), octets("cd")), { tag: 0x24, octets: "abcd" }],
      // Any other type: its content as sent.
      [seq(int(1)), { tag: 0x30, octets: "\x02\x01\x01" }],
    ];
    const r = parse(community(1, "public", pdu(0xa2, 1, values.map(([v], i) => binding(`1.3.6.1.2.1.1.${i}.0`, v)))));
    expect(r.failure).toBeUndefined();
    const pdus = r.event && "pdu" in r.event ? r.event.pdu.bindings.map((b) => b.value) : [];
    expect(pdus).toEqual(values.map(([, want]) => want));
  });
});

describe("v3 (RFC 3412, USM of RFC 3414)", () => {
  it("reads the header, the USM parameters and a plaintext scoped PDU", () => {
    const r = parse(v3({ msgId: 42, flags: 5, user: "alice", scoped: scopedPdu(pdu(0xa0, 9, [binding(SYS_DESCR, NULL)]), "\x80\x00\x1f\x88\x04abcd", "ctx") }));
    expect(r.event?.name).toBe("snmp_get_request");
    const header = r.event && "header" in r.event ? r.event.header : undefined;
    expect(header?.version).toBe(3);
    expect(header?.v3).toMatchObject({
      id: 42,
      max_size: 65507,
      flags: 5,
      auth_flag: true,
      priv_flag: false,
      reportable_flag: true,
      security_model: 3,
      pdu_context: { engine_id: "\x80\x00\x1f\x88\x04abcd", name: "ctx" },
      user_security_parameters: {
        AuthoritativeEngineID: "\x80\x00\x1f\x88\x04abcd",
        AuthoritativeEngineBoots: 7,
        AuthoritativeEngineTime: 1234,
        UserName: "alice",
        AuthenticationParameters: "",
        PrivacyParameters: "",
      },
    });
    expect(header?.v3?.security_params.charCodeAt(0)).toBe(0x30);
  });

  it("recognises an encrypted scoped PDU, with no USM fields (as Zeek raises it)", () => {
    const r = parse(v3({ flags: 7, scoped: octets("\x13\x37ciphertext") }));
    expect(r.event?.name).toBe("snmp_encrypted_pdu");
    const v = r.event && "header" in r.event ? r.event.header.v3 : undefined;
    expect(v).toMatchObject({ auth_flag: true, priv_flag: true });
    expect(v?.user_security_parameters).toBeUndefined();
    expect(v?.pdu_context).toBeUndefined();
    expect(r.headerRead).toBe(true);
  });

  it("raises the encrypted PDU's event even when the datagram was cut short, with a weird", () => {
    const whole = v3({ flags: 7, scoped: octets("0123456789abcdef") });
    const r = parse(whole.slice(0, whole.length - 6));
    expect(r.event?.name).toBe("snmp_encrypted_pdu");
    expect(r.failure).toBe("snmp_length_exceeds_data");
  });

  it("names an unknown scoped PDU by its tag", () => {
    expect(parse(v3({ scoped: tlv(0x02, [1]) })).event).toMatchObject({ name: "snmp_unknown_scoped_pdu", tag: 0x02 });
  });

  it("fails when the USM parameters are not a USM sequence", () => {
    const msg = seq(int(3), seq(int(1), int(65507), octets("\x04"), int(3)), octets("\x02\x01\x00"), scopedPdu(pdu(0xa0, 1, [])));
    const r = parse(msg);
    expect(r.event).toBeUndefined();
    expect(r.failure).toBe("snmp_unexpected_tag");
  });
});

describe("what Zeek does not know", () => {
  it("raises snmp_unknown_header_version for version 2 (SNMPv2u)", () => {
    const r = parse(community(2, "x", pdu(0xa0, 1, [])));
    expect(r.event).toEqual({ name: "snmp_unknown_header_version", version: 2 });
    expect(r.headerRead).toBe(true);
  });

  it("raises snmp_unknown_pdu for a PDU tag outside 0xa0-0xa8", () => {
    expect(parse(community(1, "public", tlv(0xa9, int(1)))).event).toMatchObject({ name: "snmp_unknown_pdu", tag: 0xa9 });
  });
});

describe("messages that cannot be read", () => {
  const good = community(1, "public", pdu(0xa0, 5, [binding(SYS_DESCR, NULL), binding("1.3.6.1.2.1.1.5.0", NULL)]));

  it("a cut-off datagram: a weird, the header still read, no event", () => {
    for (let cut = 14; cut < good.length; cut++) {
      const r = parse(good.slice(0, cut));
      expect(r.event, `cut at ${cut}`).toBeUndefined();
      expect(r.failure, `cut at ${cut}`).toMatch(/^snmp_(length_exceeds_data|truncated_pdu)$/);
      expect(r.headerRead).toBe(true);
    }
  });

  it("not SNMP at all: no header", () => {
    const r = parse([0x16, 0x03, 0x01, 0x00, 0x05]);
    expect(r.headerRead).toBe(false);
    expect(r.failure).toBe("snmp_unexpected_tag");
  });

  it("a request id wider than nine octets (Zeek refuses it)", () => {
    const wide = community(1, "public", tlv(0xa0, tlv(0x02, new Array(10).fill(1)), int(0), int(0), seq()));
    const r = parse(wide);
    expect(r.event).toBeUndefined();
    expect(r.failure).toBe("snmp_integer_too_wide");
    expect(r.failureAddl).toBe("10");
  });

  it("an overlong OID sub-identifier: Zeek's net weird and an empty OID, the message still read", () => {
    const overlong = seq(tlv(0x06, [0x2b, ...new Array(10).fill(0x80), 0x00]), NULL);
    const r = parse(community(0, "public", tlv(0xa0, int(1), int(0), int(0), seq(overlong))));
    expect(r.netWeirds).toEqual([{ name: "asn_oid_subidentifier_too_long", addl: "11" }]);
    expect(r.event).toMatchObject({ name: "snmp_get_request", pdu: { bindings: [{ oid: "", value: { tag: 5 } }] } });
  });
});
