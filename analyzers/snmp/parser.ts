// One SNMP datagram → the event Zeek raises for it, with its records in the shapes of
// scripts/nsm.d.ts. Messages v1 and v2c (RFC 1157, 1901: version, community, PDU) and v3 (RFC
// 3412: header data, security parameters, read as the USM's for model 3 (RFC 3414), then a
// scoped PDU in clear or encrypted). PDUs of RFC 1157 and RFC 3416. Never throws: a failure is a
// weird's name; Zeek raises no event for a message it could not read to the end of its PDU.
import type * as Api from "nsm";
import { BerReader, BerTag, BerWeird, type NetWeird } from "./ber.ts";

export const enum PduTag {
  GET_REQUEST = 0xa0,
  GET_NEXT_REQUEST = 0xa1,
  RESPONSE = 0xa2,
  SET_REQUEST = 0xa3,
  TRAP = 0xa4,
  GET_BULK_REQUEST = 0xa5,
  INFORM_REQUEST = 0xa6,
  TRAP_V2 = 0xa7,
  REPORT = 0xa8,
}

const enum AppTag {
  IP_ADDRESS = 0x40,
  COUNTER32 = 0x41,
  UNSIGNED32 = 0x42,
  TIMETICKS = 0x43,
  OPAQUE = 0x44,
  COUNTER64 = 0x46,
}

const CONSTRUCTED = 0x20;
const STRING_TYPES: ReadonlySet<number> = new Set([BerTag.OCTET_STRING, AppTag.OPAQUE]);

const NO_SUCH_OBJECT = 0x80;
const NO_SUCH_INSTANCE = 0x81;
const END_OF_MIB_VIEW = 0x82;

const VERSION_1 = 0;
const VERSION_2C = 1;
const VERSION_3 = 3;
const SECURITY_MODEL_USM = 3;
/** Zeek refuses an integer field wider than nine octets (a 64-bit value and its sign octet). */
const MAX_INTEGER_OCTETS = 9;

/** The event of a message, with its arguments after the connection and is_orig. */
export type SnmpEvent =
  | { name: "snmp_get_request" | "snmp_get_next_request" | "snmp_response" | "snmp_set_request" | "snmp_trapV2" | "snmp_inform_request" | "snmp_report"; header: Api.SnmpHeader; pdu: Api.SnmpPdu }
  | { name: "snmp_trap"; header: Api.SnmpHeader; pdu: Api.SnmpTrapPdu }
  | { name: "snmp_get_bulk_request"; header: Api.SnmpHeader; pdu: Api.SnmpBulkPdu }
  | { name: "snmp_unknown_pdu" | "snmp_unknown_scoped_pdu"; header: Api.SnmpHeader; tag: number }
  | { name: "snmp_encrypted_pdu"; header: Api.SnmpHeader }
  | { name: "snmp_unknown_header_version"; version: number };

export interface SnmpParseResult {
  /** The message's event; undefined when it could not be read. */
  event: SnmpEvent | undefined;
  /** The header was read: from the responder, Zeek confirms the protocol on it. */
  headerRead: boolean;
  /** Why reading stopped (a weird's name), and its detail. */
  failure: string | undefined;
  failureAddl: string;
  /** Weirds Zeek reports outside the connection (asn_oid_subidentifier_too_long). */
  netWeirds: NetWeird[];
}

const COMMON_PDUS: ReadonlyMap<number, Extract<SnmpEvent, { pdu: Api.SnmpPdu }>["name"]> = new Map([
  [PduTag.GET_REQUEST, "snmp_get_request"],
  [PduTag.GET_NEXT_REQUEST, "snmp_get_next_request"],
  [PduTag.RESPONSE, "snmp_response"],
  [PduTag.SET_REQUEST, "snmp_set_request"],
  [PduTag.INFORM_REQUEST, "snmp_inform_request"],
  [PduTag.TRAP_V2, "snmp_trapV2"],
  [PduTag.REPORT, "snmp_report"],
] as const);

export function parseSnmpMessage(data: Uint8Array, offset: number, length: number): SnmpParseResult {
  const start = Math.max(0, Math.min(offset, data.length));
  const end = Math.max(start, Math.min(offset + Math.max(0, length), data.length));
  const p = new MessageParser(new BerReader(data, start, end));
  const event = p.message();
  const r = p.r;
  if (r.ok && r.overrun !== "") {
    // The message read to its end within the data: Zeek raises its event; the length still lied.
    return { event, headerRead: p.headerRead, failure: BerWeird.lyingLength, failureAddl: r.overrun, netWeirds: p.netWeirds };
  }
  return { event: r.ok ? event : undefined, headerRead: p.headerRead, failure: r.failure, failureAddl: r.failureAddl, netWeirds: p.netWeirds };
}

class MessageParser {
  headerRead = false;
  readonly netWeirds: NetWeird[] = [];

  constructor(readonly r: BerReader) {}

  message(): SnmpEvent | undefined {
    const r = this.r;
    r.enter(BerTag.SEQUENCE, true);
    const version = this.count();
    if (!r.ok) return undefined;
    switch (version) {
      case VERSION_1:
      case VERSION_2C: {
        const community = r.octets();
        if (!r.ok) return undefined;
        this.headerRead = true;
        const header: Api.SnmpHeader = version === VERSION_1 ? { version, v1: { community } } : { version, v2: { community } };
        return this.pdu(header);
      }
      case VERSION_3:
        return this.v3();
      default:
        this.headerRead = true;
        return { name: "snmp_unknown_header_version", version };
    }
  }

  private v3(): SnmpEvent | undefined {
    const r = this.r;
    const global = r.enter(BerTag.SEQUENCE);
    const id = this.count();
    const max_size = this.count();
    const flagOctets = r.octets();
    const security_model = this.count();
    r.leave(global);
    const security_params = r.octets();
    if (!r.ok) return undefined;
    const flags = flagOctets.length > 0 ? flagOctets.charCodeAt(0) : 0;
    const v3: Api.SnmpHeaderV3 = {
      id,
      max_size,
      flags,
      auth_flag: (flags & 1) !== 0,
      priv_flag: (flags & 2) !== 0,
      reportable_flag: (flags & 4) !== 0,
      security_model,
      security_params,
    };
    const usm = security_model === SECURITY_MODEL_USM ? this.usm(security_params) : undefined;
    if (!r.ok) return undefined;
    const header: Api.SnmpHeader = { version: VERSION_3, v3 };
    const next = r.peekTag();
    if (next === BerTag.SEQUENCE) {
      r.enter(BerTag.SEQUENCE);
      const engine_id = r.octets();
      const name = r.octets();
      if (!r.ok) return undefined;
      v3.pdu_context = { engine_id, name };
      if (usm !== undefined) v3.user_security_parameters = usm;
      this.headerRead = true;
      return this.pdu(header);
    }
    // Zeek raises these while the header is still being read, before it has the USM's fields, and
    // reads no further than the element's identifier and length.
    if (!r.header(true)) return undefined;
    this.headerRead = true;
    if (next === BerTag.OCTET_STRING) return { name: "snmp_encrypted_pdu", header };
    return { name: "snmp_unknown_scoped_pdu", header, tag: next };
  }

  /** The USM's parameters, a BER sequence inside the msgSecurityParameters octets (RFC 3414 2.4). */
  private usm(params: string): Api.SnmpUserSecurityParameters | undefined {
    const bytes = Uint8Array.from(params, (ch) => ch.charCodeAt(0));
    const u = new MessageParser(new BerReader(bytes, 0, bytes.length));
    const ur = u.r;
    ur.enter(BerTag.SEQUENCE);
    const AuthoritativeEngineID = ur.octets();
    const AuthoritativeEngineBoots = u.count();
    const AuthoritativeEngineTime = u.count();
    const UserName = ur.octets();
    const AuthenticationParameters = ur.octets();
    const PrivacyParameters = ur.octets();
    if (!ur.ok) {
      this.r.fail(ur.failure!, `USM: ${ur.failureAddl}`);
      return undefined;
    }
    return { AuthoritativeEngineID, AuthoritativeEngineBoots, AuthoritativeEngineTime, UserName, AuthenticationParameters, PrivacyParameters };
  }

  private pdu(header: Api.SnmpHeader): SnmpEvent | undefined {
    const r = this.r;
    if (!r.header()) return undefined;
    const tag = r.tag;
    const common = COMMON_PDUS.get(tag);
    if (common === undefined && tag !== PduTag.TRAP && tag !== PduTag.GET_BULK_REQUEST) return { name: "snmp_unknown_pdu", header, tag };
    r.into();
    if (common !== undefined) {
      const request_id = this.int();
      const error_status = this.count();
      const error_index = this.count();
      const bindings = this.bindings();
      return r.ok ? { name: common, header, pdu: { request_id, error_status, error_index, bindings } } : undefined;
    }
    if (tag === PduTag.TRAP) {
      const enterprise = r.oid(this.netWeirds);
      const agent = r.expect(AppTag.IP_ADDRESS) ? this.address() : "";
      const generic_trap = this.count();
      const specific_trap = this.int();
      const time_stamp = this.count(AppTag.TIMETICKS);
      const bindings = this.bindings();
      return r.ok ? { name: "snmp_trap", header, pdu: { enterprise, agent, generic_trap, specific_trap, time_stamp, bindings } } : undefined;
    }
    const request_id = this.int();
    const non_repeaters = this.count();
    const max_repetitions = this.count();
    const bindings = this.bindings();
    return r.ok ? { name: "snmp_get_bulk_request", header, pdu: { request_id, non_repeaters, max_repetitions, bindings } } : undefined;
  }

  private bindings(): Api.SnmpBinding[] {
    const r = this.r;
    const out: Api.SnmpBinding[] = [];
    const list = r.enter(BerTag.SEQUENCE);
    while (r.more) {
      const binding = r.enter(BerTag.SEQUENCE);
      const oid = r.oid(this.netWeirds);
      const value = this.value();
      r.leave(binding);
      if (!r.ok) break;
      out.push({ oid, value });
    }
    r.leave(list);
    return out;
  }

  /** A binding's value (RFC 1155 and RFC 3416 ObjectSyntax, and the v2 exceptions). */
  private value(): Api.SnmpObjectValue {
    const r = this.r;
    if (!r.header()) return { tag: 0 };
    const tag = r.tag;
    switch (tag) {
      case BerTag.NULL:
      case NO_SUCH_OBJECT:
      case NO_SUCH_INSTANCE:
      case END_OF_MIB_VIEW:
        r.skip();
        return { tag };
      case BerTag.OBJECT_IDENTIFIER:
        return { tag, oid: r.oidContent(this.netWeirds) };
      case BerTag.INTEGER:
        return { tag, signed: r.signedContent() };
      case AppTag.COUNTER32:
      case AppTag.UNSIGNED32:
      case AppTag.TIMETICKS:
      case AppTag.COUNTER64:
        return { tag, unsigned: r.unsignedContent() };
      case AppTag.IP_ADDRESS:
        return { tag, address: this.address() };
      default:
        // OCTET STRING and Opaque may come in segments; any other type's content is given as it is.
        return { tag, octets: STRING_TYPES.has(tag & ~CONSTRUCTED) ? r.stringContent() : r.rawContent() };
    }
  }

  /** The element just read as an IPv4 address; Zeek gives "::" for any other length. */
  private address(): string {
    const r = this.r;
    const s = r.stringContent();
    if (s.length !== 4) return "::";
    return `${s.charCodeAt(0)}.${s.charCodeAt(1)}.${s.charCodeAt(2)}.${s.charCodeAt(3)}`;
  }

  /** A field whose range has negative values (request-id, specific-trap): signed, at most nine octets. */
  int(tag: number = BerTag.INTEGER): number {
    return this.narrowField(this.r.signed(tag));
  }

  /**
   * A field whose range is non-negative (counts, error status and index, msgID, engine boots and
   * time, ...): read as unsigned, as Zeek reads them, so a sender that leaves out the sign octet
   * (the corpus's v3 trace encodes 221 as the single octet 0xdd) still reads right.
   */
  count(tag: number = BerTag.INTEGER): number {
    return this.narrowField(this.r.unsigned(tag));
  }

  private narrowField(v: number | bigint): number {
    const r = this.r;
    const width = r.contentEnd - r.contentStart;
    if (r.ok && width > MAX_INTEGER_OCTETS) r.fail("snmp_integer_too_wide", String(width));
    return Number(v);
  }
}
