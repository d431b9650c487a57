// The NetBIOS datagram service message (RFC 1002 4.4): a 10-byte header (type, flags, datagram id,
// source address and port), then for direct and broadcast datagrams the length and fragment offset,
// the source and destination names and the user data (most often an SMB mailslot message); for an
// error, its code; for a datagram query, the destination name. Pure: bytes in, typed message out.
import type * as Api from "nsm";
import { ByteCursor, Truncated } from "./cursor.ts";
import { readNetbiosName } from "./name.ts";

export const enum DgmType {
  DirectUnique = 0x10,
  DirectGroup = 0x11,
  Broadcast = 0x12,
  Error = 0x13,
  QueryRequest = 0x14,
  PositiveQueryResponse = 0x15,
  NegativeQueryResponse = 0x16,
}

const TYPE_NAMES: Record<number, string> = {
  0x10: "direct_unique", 0x11: "direct_group", 0x12: "broadcast", 0x13: "error", 0x14: "query_request",
  0x15: "positive_query_response", 0x16: "negative_query_response",
};

/** RFC 1002 4.4.3. */
export const DGM_ERROR_NAMES: Record<number, string> = {
  0x82: "DESTINATION_NAME_NOT_PRESENT", 0x83: "INVALID_SOURCE_NAME_FORMAT", 0x84: "INVALID_DESTINATION_NAME_FORMAT",
};

const SOURCE_NODE_TYPES = ["B", "P", "M", "NBDD"] as const;

export interface DatagramWeird {
  name: string;
  addl?: string;
}

export interface ParsedDatagram {
  /** Undefined when not even the header was there. */
  dgm?: Api.NetbiosDatagram;
  /** Where the user data lies in the buffer (direct and broadcast datagrams that parsed). */
  userData?: { start: number; end: number };
  weirds: DatagramWeird[];
}

export function parseDatagram(buf: Uint8Array, offset: number, length: number): ParsedDatagram {
  const out: ParsedDatagram = { weirds: [] };
  const c = new ByteCursor(buf, offset, offset + length);
  try {
    readDatagram(c, out);
  } catch (e) {
    if (!(e instanceof Truncated)) throw e;
    out.weirds.push({ name: e.reason });
  }
  return out;
}

function readDatagram(c: ByteCursor, out: ParsedDatagram): void {
  c.need(10, "truncated_netbios_message");
  const type = c.u8("");
  const flags = c.u8("");
  const dgm: Api.NetbiosDatagram = {
    msg_type: type,
    msg_type_name: TYPE_NAMES[type] ?? `type-0x${type.toString(16)}`,
    dgm_id: c.u16(""),
    more: (flags & 0x01) !== 0,
    first: (flags & 0x02) !== 0,
    node_type: SOURCE_NODE_TYPES[(flags >> 2) & 3],
    src_addr: c.ipv4(""),
    src_port: c.u16(""),
  };
  out.dgm = dgm;
  switch (type) {
    case DgmType.DirectUnique:
    case DgmType.DirectGroup:
    case DgmType.Broadcast: {
      const dgmLength = c.u16("truncated_netbios_message");
      dgm.packet_offset = c.u16("truncated_netbios_message");
      dgm.dgm_length = dgmLength;
      // dgm_length counts the names and the user data: what follows the header.
      if (dgmLength > c.remaining) {
        out.weirds.push({ name: "excess_netbios_hdr_len", addl: `(${dgmLength} > ${c.remaining})` });
      } else if (dgmLength < c.remaining) {
        out.weirds.push({ name: "deficit_netbios_hdr_len", addl: `(${dgmLength} < ${c.remaining})` });
        c.end = c.pos + dgmLength;
      }
      dgm.src_name = readNetbiosName(c);
      dgm.dst_name = readNetbiosName(c);
      dgm.user_data_len = c.remaining;
      out.userData = { start: c.pos, end: c.end };
      return;
    }
    case DgmType.Error: {
      const code = c.u8("truncated_netbios_message");
      dgm.error_code = code;
      dgm.error_name = DGM_ERROR_NAMES[code] ?? `error-0x${code.toString(16)}`;
      return;
    }
    case DgmType.QueryRequest:
    case DgmType.PositiveQueryResponse:
    case DgmType.NegativeQueryResponse:
      dgm.dst_name = readNetbiosName(c);
      return;
    default:
      out.weirds.push({ name: "unknown_netbios_type", addl: `0x${type.toString(16)}` });
  }
}
