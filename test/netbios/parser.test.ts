// The three NetBIOS parsers on messages built as RFC 1002 (and MS-BRWS) lay them out: names in
// first-level encoding with scopes and pointers, every name-service opcode and both kinds of answer,
// node status tables, datagrams of each type with their browser announcements, and the session
// service's framing across deliveries.
import { describe, expect, it } from "vitest";
import { ByteCursor } from "../../analyzers/netbios/cursor.ts";
import { readNetbiosName } from "../../analyzers/netbios/name.ts";
import { parseNameServiceMessage, type NsMessage } from "../../analyzers/netbios/name-service.ts";
import { parseDatagram } from "../../analyzers/netbios/datagram.ts";
import { parseMailslot } from "../../analyzers/netbios/browser.ts";
import { SessionFramer, decodedCalledName, parseSessionRequest, parseSessionResponse } from "../../analyzers/netbios/session.ts";
import { concatBytes } from "../fixtures/frames.ts";
import {
  announcement, datagram, encodeName, mailslotWrite, nbEntries, nodeStatusRdata, nsHeader, question, record, sessionMessage,
} from "./message-builder.ts";

function ns(bytes: Buffer): NsMessage {
  const r = parseNameServiceMessage(bytes, 0, bytes.length);
  if (!r.ok) throw new Error(r.reason);
  return r.message;
}

describe("NetBIOS names", () => {
  it("decodes RFC 1001 14.1's example: FRED is EGFCEFEECACA..., its scope NETBIOS.COM", () => {
    const wire = Buffer.from("\x20EGFCEFEECACACACACACACACACACACACA\x07NETBIOS\x03COM\x00", "latin1");
    expect(encodeName("FRED", 0x20, "NETBIOS.COM")).toEqual(wire);
    const c = new ByteCursor(wire, 0, wire.length);
    expect(readNetbiosName(c)).toEqual({ name: "FRED", suffix: 0x20, scope: "NETBIOS.COM" });
    expect(c.pos).toBe(wire.length);
  });

  it.each([
    ["a letter outside A-P", Buffer.from("\x20EGFCEFEECACACACACACACACACACACACQ\x00", "latin1"), "netbios_bad_name_encoding"],
    ["a first label that is not 32 letters", Buffer.from("\x04EGFC\x00", "latin1"), "netbios_bad_name_length"],
    ["a name cut short", encodeName("FRED", 0).subarray(0, 20), "netbios_name_truncated"],
    ["a pointer where none may be", Buffer.from([0xc0, 0x0c]), "netbios_bad_name_pointer"],
    ["no label at all", Buffer.from([0]), "netbios_empty_name"],
  ])("stops at %s", (_what, wire, reason) => {
    expect(() => readNetbiosName(new ByteCursor(wire, 0, wire.length))).toThrow(reason);
  });

  it("follows a pointer to an earlier name and stops at a loop", () => {
    const msg = concatBytes(Buffer.alloc(12), encodeName("HOST", 0x00), [0xc0, 12]);
    const c = new ByteCursor(msg, 46, msg.length);
    expect(readNetbiosName(c, 0)).toMatchObject({ name: "HOST", suffix: 0 });
    expect(c.pos).toBe(48);
    const loop = Buffer.from([0xc0, 0]);
    expect(() => readNetbiosName(new ByteCursor(loop, 0, 2), 0)).toThrow("netbios_name_pointer_loop");
  });

  it("drops the NULs that pad the node status wildcard", () => {
    const wire = encodeName("*", 0, "", 0);
    expect(readNetbiosName(new ByteCursor(wire, 0, wire.length))).toEqual({ name: "*", suffix: 0, scope: "" });
  });
});

describe("name service messages", () => {
  it("a broadcast query: opcode, flags, question", () => {
    const m = ns(concatBytes(nsHeader({ id: 0x1234, nm: "DB", qd: 1 }), question(encodeName("WORKGROUP", 0x1d))));
    expect(m.msg).toMatchObject({ trans_id: 0x1234, opcode: 0, opcode_name: "query", is_response: false, RD: true, broadcast: true, rcode: 0 });
    expect(m.questions).toEqual([{ name: { name: "WORKGROUP", suffix: 0x1d, scope: "" }, qtype: 0x20 }]);
  });

  it("a positive answer: NB entries with group bit and owner node type", () => {
    const rdata = nbEntries([{ addr: "10.0.0.5", ont: 3 }, { addr: "10.0.0.6", group: true, ont: 1 }]);
    const m = ns(concatBytes(nsHeader({ id: 7, response: true, nm: "AD", an: 1 }), record(encodeName("FILESRV", 0x20), 0x20, 300000, rdata)));
    expect(m.msg).toMatchObject({ is_response: true, AA: true, rcode: 0 });
    expect(m.records).toEqual([{
      name: { name: "FILESRV", suffix: 0x20, scope: "" }, rr_type: 0x20, ttl: 300000,
      entries: [{ addr: "10.0.0.5", is_group: false, node_type: "H" }, { addr: "10.0.0.6", is_group: true, node_type: "P" }],
    }]);
  });

  it("a negative answer carries the rcode (NAM_ERR) and no addresses", () => {
    const m = ns(concatBytes(nsHeader({ id: 8, response: true, nm: "AD", rcode: 3, an: 1 }), record(encodeName("NOPE", 0), 0x20, 0, Buffer.alloc(0))));
    expect([m.msg.rcode, m.records[0].entries]).toEqual([3, []]);
  });

  it.each([
    [5, "registration"], [6, "release"], [8, "refresh"], [9, "refresh"], [15, "multihomed_registration"],
  ])("opcode %i is %s; its additional record (by pointer) holds the address", (opcode, name) => {
    const m = ns(concatBytes(nsHeader({ id: 9, opcode, nm: "DB", qd: 1, ar: 1 }), question(encodeName("HOST", 0)),
      record([0xc0, 12], 0x20, 300000, nbEntries([{ addr: "192.168.1.9" }]))));
    expect(m.msg.opcode_name).toBe(name);
    expect(m.records[0]).toMatchObject({ name: { name: "HOST", suffix: 0 }, entries: [{ addr: "192.168.1.9", is_group: false, node_type: "B" }] });
  });

  it("a WACK's RDATA is the request's flags, not an address", () => {
    const m = ns(concatBytes(nsHeader({ id: 10, response: true, opcode: 7, nm: "A", an: 1 }), record(encodeName("HOST", 0), 0x20, 2, Buffer.from([0x28, 0x10]))));
    expect([m.msg.opcode_name, m.records[0].ttl, m.records[0].entries]).toEqual(["wack", 2, []]);
  });

  it("a node status reply: every name with its flags, and the unit id", () => {
    const rdata = nodeStatusRdata([
      { name: "SERVER", suffix: 0x00, flags: 0x0400 },
      { name: "WORKGROUP", suffix: 0x00, flags: 0x8400 },
      { name: "SERVER", suffix: 0x20, flags: 0x6600 },
    ], [0x52, 0x54, 0x00, 0x12, 0x34, 0x56]);
    const m = ns(concatBytes(nsHeader({ id: 11, response: true, nm: "A", an: 1 }), record(encodeName("*", 0, "", 0), 0x21, 0, rdata)));
    expect(m.nodeStatus!.name).toEqual({ name: "*", suffix: 0, scope: "" });
    expect(m.nodeStatus!.status.unit_id).toBe("52:54:00:12:34:56");
    expect(m.nodeStatus!.status.names).toEqual([
      { name: "SERVER", suffix: 0, is_group: false, node_type: "B", deregistering: false, conflict: false, active: true, permanent: false },
      { name: "WORKGROUP", suffix: 0, is_group: true, node_type: "B", deregistering: false, conflict: false, active: true, permanent: false },
      { name: "SERVER", suffix: 0x20, is_group: false, node_type: "H", deregistering: false, conflict: false, active: true, permanent: true },
    ]);
  });

  it.each([
    ["a header cut short", Buffer.alloc(5), "netbios_ns_truncated_header"],
    ["a record cut short", concatBytes(nsHeader({ id: 1, an: 1 }), encodeName("X", 0), [0, 0x20]), "netbios_ns_truncated_record"],
    ["RDATA cut short", concatBytes(nsHeader({ id: 1, an: 1 }), encodeName("X", 0), [0, 0x20, 0, 1, 0, 0, 0, 0, 0, 6, 1]), "netbios_ns_truncated_rdata"],
  ])("reports %s", (_what, bytes, reason) => {
    expect(parseNameServiceMessage(bytes, 0, bytes.length)).toEqual({ ok: false, reason });
  });
});

describe("datagrams and browser announcements", () => {
  const host = announcement({ command: 1, serverName: "FILESRV", osMajor: 6, osMinor: 1, serverType: 0x00051003, comment: "Samba 4" });

  it("a direct group datagram to \\MAILSLOT\\BROWSE with a host announcement", () => {
    const bytes = datagram({ type: 0x11, id: 0x4242, srcIp: "10.0.0.5", src: encodeName("FILESRV", 0x00), dst: encodeName("WORKGROUP", 0x1d), userData: mailslotWrite("\\MAILSLOT\\BROWSE", host) });
    const r = parseDatagram(bytes, 0, bytes.length);
    expect(r.weirds).toEqual([]);
    expect(r.dgm).toMatchObject({
      msg_type: 0x11, msg_type_name: "direct_group", dgm_id: 0x4242, more: false, first: true, node_type: "B", src_addr: "10.0.0.5", src_port: 138,
      src_name: { name: "FILESRV", suffix: 0 }, dst_name: { name: "WORKGROUP", suffix: 0x1d },
    });
    const ms = parseMailslot(bytes, r.userData!.start, r.userData!.end)!;
    expect(ms.mailslot).toBe("\\MAILSLOT\\BROWSE");
    expect(ms.command).toBe("host_announcement");
    expect(ms.announcement).toEqual({
      command: "host_announcement", update_count: 1, periodicity: 720, server_name: "FILESRV", os_major: 6, os_minor: 1,
      server_type: 0x00051003, server_type_names: ["workstation", "server", "nt_workstation", "potential_browser", "master_browser"],
      browser_major: 15, browser_minor: 1, comment: "Samba 4",
    });
  });

  it("fragments: the M and F flags; the node type of the source", () => {
    const bytes = datagram({ type: 0x12, id: 1, flags: 0x01 | (2 << 2), srcIp: "10.0.0.5", src: encodeName("A", 0), dst: encodeName("B", 0) });
    expect(parseDatagram(bytes, 0, bytes.length).dgm).toMatchObject({ msg_type_name: "broadcast", more: true, first: false, node_type: "M" });
  });

  it("an error datagram's code, a datagram query's name", () => {
    const err = datagram({ type: 0x13, id: 2, srcIp: "10.0.0.1", errorCode: 0x82 });
    expect(parseDatagram(err, 0, err.length).dgm).toMatchObject({ msg_type_name: "error", error_code: 0x82, error_name: "DESTINATION_NAME_NOT_PRESENT" });
    const q = datagram({ type: 0x14, id: 3, srcIp: "10.0.0.1", dst: encodeName("PRINTER", 0x20) });
    expect(parseDatagram(q, 0, q.length).dgm).toMatchObject({ msg_type_name: "query_request", dst_name: { name: "PRINTER", suffix: 0x20 } });
  });

  it.each([
    ["a length beyond the datagram", { dgmLength: 500 }, "excess_netbios_hdr_len"],
    ["a length short of the datagram", { dgmLength: 68 }, "deficit_netbios_hdr_len"],
  ])("weirds on %s", (_what, extra, weird) => {
    const bytes = datagram({ type: 0x10, id: 4, srcIp: "10.0.0.1", src: encodeName("A", 0), dst: encodeName("B", 0), userData: Buffer.alloc(10), ...extra });
    expect(parseDatagram(bytes, 0, bytes.length).weirds.map((w) => w.name)).toContain(weird);
  });

  it("an unknown type and a header cut short", () => {
    const unknown = Buffer.from([0x20, 2, 0, 1, 10, 0, 0, 1, 0, 138]);
    expect(parseDatagram(unknown, 0, unknown.length).weirds).toEqual([{ name: "unknown_netbios_type", addl: "0x20" }]);
    expect(parseDatagram(unknown, 0, 6).weirds).toEqual([{ name: "truncated_netbios_message" }]);
  });

  it("other mailslots and non-SMB user data are not browser messages", () => {
    const other = mailslotWrite("\\MAILSLOT\\NET\\NETLOGON", host);
    expect(parseMailslot(other, 0, other.length)).toEqual({ mailslot: "\\MAILSLOT\\NET\\NETLOGON" });
    expect(parseMailslot(Buffer.from("hello"), 0, 5)).toBeUndefined();
  });
});

describe("session service", () => {
  const collect = () => {
    const got: [number, string][] = [];
    const framer = new SessionFramer((t, d, o, l) => got.push([t, Buffer.from(d.subarray(o, o + l)).toString("latin1")]));
    return { got, framer };
  };

  it("cuts a stream into messages however it is split, keepalives (no payload) included", () => {
    const stream = concatBytes(sessionMessage(0x85, []), sessionMessage(0x00, Buffer.from("\xffSMBabcdef", "latin1")), sessionMessage(0x00, Buffer.from("xyz")));
    for (const step of [1, 3, 7, stream.length]) {
      const { got, framer } = collect();
      for (let i = 0; i < stream.length; i += step) framer.feed(stream.subarray(i, i + step));
      expect(got, `pieces of ${step}`).toEqual([[0x85, ""], [0, "\xffSMBabcdef"], [0, "xyz"]]);
      expect(framer.pendingCut()).toBeUndefined();
    }
  });

  it("hands on a message cut short at the end of the stream, saying how short", () => {
    const { got, framer } = collect();
    framer.feed(concatBytes([0, 0, 0, 50], Buffer.from("partial")));
    expect(framer.pendingCut()).toEqual({ have: 7, size: 50 });
    framer.flush();
    expect(got).toEqual([[0, "partial"]]);
  });

  it("reads the length extension bit (17-bit lengths)", () => {
    const { got, framer } = collect();
    framer.feed(sessionMessage(0, Buffer.alloc(70000, 0x61)));
    expect(got[0][1].length).toBe(70000);
  });

  it("a session request's called and calling names; Zeek's decoding of the called name", () => {
    const payload = concatBytes(encodeName("FILESRV", 0x20), encodeName("CLIENT", 0x00));
    expect(parseSessionRequest(payload, 0, payload.length)).toEqual({
      called: { name: "FILESRV", suffix: 0x20, scope: "" }, calling: { name: "CLIENT", suffix: 0, scope: "" },
    });
    expect(decodedCalledName(payload, 0, payload.length)).toBe("FILESRV         ");
    expect(parseSessionRequest(payload, 0, 20)).toBe("netbios_name_truncated");
  });

  it("negative and retarget responses", () => {
    expect(parseSessionResponse(0x83, Buffer.from([0x82]), 0, 1)).toEqual({ msg_type: 0x83, accepted: false, error_code: 0x82, error_name: "CALLED_NAME_NOT_PRESENT" });
    expect(parseSessionResponse(0x84, Buffer.from([10, 0, 0, 9, 0, 139]), 0, 6)).toEqual({ msg_type: 0x84, accepted: false, retarget_addr: "10.0.0.9", retarget_port: 139 });
    expect(parseSessionResponse(0x82, Buffer.alloc(0), 0, 0)).toEqual({ msg_type: 0x82, accepted: true });
  });
});
