// One BOOTP/DHCP message (RFC 2131 §2, RFC 2132) into Zeek's DHCP::Msg and DHCP::Options. Never
// throws: a message Zeek's analyzer cannot read (short of the fixed header, a wrong magic cookie, an
// option running past the end, no END option) is a failure naming its weird, which Zeek treats as
// an analyzer violation; smaller faults are weirds beside a message that still parses.
// Option overload (option 52) is followed as RFC 2131 §4.1 says: the options field first, then
// `file`, then `sname`; an overloaded field is then not a name (Zeek itself does not look there).
import type { DhcpMsg, DhcpOptions } from "nsm";
import { formatAddr } from "../../core/net/address.ts";
import {
  decodeOption, type DhcpWeird, formatHardwareAddr, OPT_END, OPT_MESSAGE_TYPE, OPT_OVERLOAD, OPT_PAD, u32, withoutTrailingNuls,
} from "./options.ts";

export type { DhcpWeird } from "./options.ts";

/** op, htype, hlen, hops, xid, secs, flags, four addresses, chaddr, sname, file (RFC 2131 Figure 1). */
const BOOTP_FIXED_LENGTH = 236;
const MAGIC_COOKIE = 0x63825363;

const XID = 4;
const SECS = 8;
const FLAGS = 10;
const CIADDR = 12;
const YIADDR = 16;
const SIADDR = 20;
const GIADDR = 24;
const CHADDR = 28;
const SNAME = 44;
const SNAME_LENGTH = 64;
const FILE = 108;
const FILE_LENGTH = 128;
const OPTIONS = BOOTP_FIXED_LENGTH + 4;

/** Option 52's values: which header fields carry options. */
const OVERLOAD_FILE = 1;
const OVERLOAD_SNAME = 2;

export type DhcpParseResult =
  | { ok: true; msg: DhcpMsg; options: DhcpOptions; weirds: DhcpWeird[] }
  | { ok: false; weirds: DhcpWeird[] };

/** Parses the message in buf[offset, offset + length). */
export function parseDhcpMessage(buf: Uint8Array, offset: number, length: number): DhcpParseResult {
  const weirds: DhcpWeird[] = [];
  const fail = (name: string, addl = ""): DhcpParseResult => {
    weirds.push({ name, addl });
    return { ok: false, weirds };
  };
  if (length < OPTIONS) return fail("DHCP_truncated_header", `${length} bytes`);
  const cookie = u32(buf, offset + BOOTP_FIXED_LENGTH);
  if (cookie !== MAGIC_COOKIE) return fail("DHCP_bad_cookie", `0x${cookie.toString(16)}`);

  const options: DhcpOptions = { options: [] };
  const walk = new OptionWalk(buf, options, weirds);
  const main = walk.run(offset + OPTIONS, offset + length);
  if (main === Walk.Truncated) return fail("DHCP_option_truncated", `option ${walk.code}`);
  if (main === Walk.NoEnd) return fail("DHCP_no_end_option");

  let sname = withoutTrailingNuls(buf, offset + SNAME, SNAME_LENGTH);
  let file = withoutTrailingNuls(buf, offset + FILE, FILE_LENGTH);
  if (walk.overload & OVERLOAD_FILE) {
    file = "";
    walk.overloaded(offset + FILE, FILE_LENGTH, "file");
  }
  if (walk.overload & OVERLOAD_SNAME) {
    sname = "";
    walk.overloaded(offset + SNAME, SNAME_LENGTH, "sname");
  }

  const msg: DhcpMsg = {
    op: buf[offset],
    m_type: walk.messageType,
    xid: u32(buf, offset + XID),
    secs: u16(buf, offset + SECS),
    flags: u16(buf, offset + FLAGS),
    ciaddr: formatAddr(buf, offset + CIADDR, 4),
    yiaddr: formatAddr(buf, offset + YIADDR, 4),
    siaddr: formatAddr(buf, offset + SIADDR, 4),
    giaddr: formatAddr(buf, offset + GIADDR, 4),
    chaddr: formatHardwareAddr(buf, offset + CHADDR, 16),
    sname,
    file_n: file,
  };
  return { ok: true, msg, options, weirds };
}

const enum Walk {
  Ended,
  Truncated,
  NoEnd,
}

/** Walks options (code, length, value; PAD and END alone) and decodes each into the record. */
class OptionWalk {
  /** The first message type option's value; 0 without one. */
  messageType = 0;
  /** Option 52's value, 0 without one. */
  overload = 0;
  /** The option being read when the walk stopped. */
  code = 0;
  private sawMessageType = false;

  constructor(
    private readonly buf: Uint8Array,
    private readonly opts: DhcpOptions,
    private readonly weirds: DhcpWeird[],
  ) {}

  run(p: number, end: number): Walk {
    const buf = this.buf;
    while (p < end) {
      const code = buf[p++];
      this.code = code;
      if (code === OPT_END) return Walk.Ended;
      this.opts.options.push(code);
      if (code === OPT_PAD) continue;
      if (p >= end || end - p - 1 < buf[p]) return Walk.Truncated;
      const len = buf[p++];
      this.option(code, p, len);
      p += len;
    }
    return Walk.NoEnd;
  }

  /** A header field given over to options by option 52: its own walk, its faults only weirds. */
  overloaded(start: number, length: number, field: string): void {
    const r = this.run(start, start + length);
    if (r === Walk.Truncated) this.weirds.push({ name: "DHCP_option_truncated", addl: `option ${this.code} in ${field}` });
  }

  private option(code: number, p: number, len: number): void {
    if (code === OPT_MESSAGE_TYPE) {
      if (!this.sawMessageType && len >= 1) {
        this.messageType = this.buf[p];
        this.sawMessageType = true;
      }
    } else if (code === OPT_OVERLOAD && len >= 1) {
      // Only the options field may say so (RFC 2131 §4.1): an overload option inside sname or file is ignored.
      if (this.overload === 0) this.overload = this.buf[p];
    }
    decodeOption(code, this.buf, p, len, this.opts, this.weirds);
  }
}

const u16 = (b: Uint8Array, o: number): number => (b[o] << 8) | b[o + 1];
