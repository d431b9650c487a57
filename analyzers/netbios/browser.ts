// Browser announcements inside datagrams (MS-BRWS over MS-MAIL): the user data of a NetBIOS
// datagram is an SMB1 Transaction request writing to a mailslot; on \MAILSLOT\BROWSE its data is a
// browser message, and host, domain and local master announcements carry the server's name, OS
// version, server type flags and comment. Pure: bytes in, typed message (or nothing) out.
import type * as Api from "nsm";
import { ByteCursor, Truncated } from "./cursor.ts";

const SMB_HEADER_LENGTH = 32;
const SMB_COM_TRANSACTION = 0x25;
/** Word index of DataCount and DataOffset among a Transaction request's parameter words. */
const WORD_DATA_COUNT = 11;
const WORD_DATA_OFFSET = 12;
const WORD_SETUP_COUNT = 13;

export const BROWSE_MAILSLOT = "\\MAILSLOT\\BROWSE";

const COMMAND_NAMES: Record<number, string> = {
  1: "host_announcement", 2: "announcement_request", 8: "election_request", 9: "get_backup_list_request",
  10: "get_backup_list_response", 11: "become_backup", 12: "domain_announcement", 13: "master_announcement",
  14: "reset_browser_state", 15: "local_master_announcement",
};

const ANNOUNCEMENTS = new Set([1, 12, 15]);

/** MS-RAP's SV_TYPE bits, lowest first. */
const SERVER_TYPE_BITS: [number, string][] = [
  [0x00000001, "workstation"], [0x00000002, "server"], [0x00000004, "sql_server"], [0x00000008, "domain_controller"],
  [0x00000010, "backup_domain_controller"], [0x00000020, "time_source"], [0x00000040, "apple"], [0x00000080, "novell"],
  [0x00000100, "domain_member"], [0x00000200, "print_queue_server"], [0x00000400, "dialin_server"], [0x00000800, "unix_server"],
  [0x00001000, "nt_workstation"], [0x00002000, "wfw"], [0x00004000, "mfpn"], [0x00008000, "nt_server"],
  [0x00010000, "potential_browser"], [0x00020000, "backup_browser"], [0x00040000, "master_browser"],
  [0x00080000, "domain_master_browser"], [0x00100000, "osf"], [0x00200000, "vms"], [0x00400000, "windows_95_plus"],
  [0x00800000, "dfs"], [0x01000000, "cluster_nt"], [0x02000000, "terminal_server"], [0x04000000, "cluster_vs_nt"],
  [0x10000000, "dce"], [0x20000000, "alternate_transport"], [0x40000000, "local_list_only"], [0x80000000, "domain_enum"],
];

export function serverTypeNames(flags: number): string[] {
  return SERVER_TYPE_BITS.filter(([bit]) => (flags & bit) >>> 0 !== 0).map(([, name]) => name);
}

export interface MailslotMessage {
  mailslot: string;
  /** The browser command name, on \MAILSLOT\BROWSE. */
  command?: string;
  announcement?: Api.NetbiosBrowserAnnouncement;
}

/** The mailslot write in a datagram's user data; undefined when it is not one (or is cut short). */
export function parseMailslot(buf: Uint8Array, start: number, end: number): MailslotMessage | undefined {
  const c = new ByteCursor(buf, start, end);
  try {
    return readMailslot(c, start);
  } catch (e) {
    if (e instanceof Truncated) return undefined;
    throw e;
  }
}

function readMailslot(c: ByteCursor, smbStart: number): MailslotMessage | undefined {
  c.need(SMB_HEADER_LENGTH + 1, "");
  const b = c.buf;
  if (b[smbStart] !== 0xff || b[smbStart + 1] !== 0x53 || b[smbStart + 2] !== 0x4d || b[smbStart + 3] !== 0x42) return undefined;
  if (b[smbStart + 4] !== SMB_COM_TRANSACTION) return undefined;
  c.pos = smbStart + SMB_HEADER_LENGTH;
  const wordCount = c.u8("");
  const words = c.pos;
  c.skip(wordCount * 2, "");
  if (wordCount <= WORD_SETUP_COUNT) return undefined;
  const word = (i: number) => b[words + 2 * i] | (b[words + 2 * i + 1] << 8);
  const dataCount = word(WORD_DATA_COUNT);
  const dataOffset = word(WORD_DATA_OFFSET);
  if (wordCount < WORD_SETUP_COUNT + 1 + (word(WORD_SETUP_COUNT) & 0xff)) return undefined;
  c.skip(2, ""); // byte count
  const mailslot = c.cstring();
  const out: MailslotMessage = { mailslot };
  if (mailslot.toUpperCase() !== BROWSE_MAILSLOT || dataCount < 1) return out;
  const data = new ByteCursor(b, smbStart + dataOffset, Math.min(c.end, smbStart + dataOffset + dataCount));
  const command = data.u8("");
  out.command = COMMAND_NAMES[command] ?? `command-${command}`;
  if (ANNOUNCEMENTS.has(command)) out.announcement = readAnnouncement(data, out.command);
  return out;
}

/** MS-BRWS 2.2.1 (host), 2.2.12 (domain: the server name is the workgroup, the comment its master browser), 2.2.14 (local master). */
function readAnnouncement(c: ByteCursor, command: string): Api.NetbiosBrowserAnnouncement | undefined {
  if (c.remaining < 1 + 4 + 16 + 2 + 4 + 2 + 2) return undefined;
  const updateCount = c.u8("");
  const periodicity = c.u32le("");
  const nameBytes = c.latin1(16, "");
  const osMajor = c.u8("");
  const osMinor = c.u8("");
  const serverType = c.u32le("");
  const browserMajor = c.u8("");
  const browserMinor = c.u8("");
  c.skip(2, ""); // signature
  return {
    command,
    update_count: updateCount,
    periodicity: periodicity / 1000,
    server_name: nameBytes.replace(/\0.*$/s, ""),
    os_major: osMajor,
    os_minor: osMinor,
    server_type: serverType,
    server_type_names: serverTypeNames(serverType),
    browser_major: browserMajor,
    browser_minor: browserMinor,
    comment: c.cstring(),
  };
}
