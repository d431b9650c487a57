// The data-channel addresses FTP commands and replies announce, read as Zeek's parse_ftp_port,
// parse_eftp_port, parse_ftp_pasv and parse_ftp_epsv read them: PORT and 227 carry
// "h1,h2,h3,h4,p1,p2" (RFC 959), EPRT and 229 carry "|proto|addr|port|" with any delimiter (RFC 2428).
import { formatAddr, parseAddr } from "../../../core/net/address.ts";

/** Zeek's ftp_port record. An EPSV reply names no host: `h` is "::" then. */
export interface FtpPort {
  h: string;
  p: number;
  valid: boolean;
}

const INVALID: FtpPort = { h: "0.0.0.0", p: 0, valid: false };

/** C's %d as sscanf reads it: blanks, a sign, digits. */
const NUMBER = "[ \\t\\n\\v\\f\\r]*([+-]?\\d+)";
const SIX_NUMBERS = new RegExp(`^${NUMBER},${NUMBER},${NUMBER},${NUMBER},${NUMBER},${NUMBER}`);

/** "h1,h2,h3,h4,p1,p2" at the start of `s`, each 0..255; what follows does not matter. */
export function parseFtpPort(s: string): FtpPort {
  const m = s.length >= 11 ? SIX_NUMBERS.exec(s) : null;
  if (m === null) return INVALID;
  const b = m.slice(1).map(Number);
  if (b.some((n) => n < 0 || n > 255)) return INVALID;
  return { h: b.slice(0, 4).join("."), p: (b[4] << 8) | b[5], valid: true };
}

/** A 227 reply: the numbers after "(", else after "PORT ", else the digits before the first comma. */
export function parseFtpPasv(s: string): FtpPort {
  if (s.length === 0) return INVALID;
  let at = s.indexOf("(");
  if (at >= 0) return parseFtpPort(s.slice(at + 1));
  at = s.indexOf("PORT");
  if (at >= 0) return parseFtpPort(s.slice(at + 5));
  at = s.indexOf(",");
  if (at < 0) return INVALID;
  while (at > 0 && isDigit(s[at - 1])) at--;
  return parseFtpPort(s.slice(at));
}

/** A 229 reply: the "(|||port|)" part. */
export function parseFtpEpsv(s: string): FtpPort {
  const at = s.indexOf("(");
  return at < 0 ? { h: "::", p: 0, valid: false } : parseEftpPort(s.slice(at + 1));
}

/**
 * "<d>proto<d>addr<d>port<d>" with any delimiter <d>. As in Zeek, an address that parses makes the
 * result valid again even after a bad protocol number; an empty address leaves "::".
 */
export function parseEftpPort(s: string): FtpPort {
  let i = skipSpaces(s, 0);
  if (i >= s.length) return { h: "::", p: 0, valid: false };
  const delimiter = s[i++];
  let h = "::";
  let p = 0;
  let valid = true;
  const proto = strtol(s, i);
  if (s[proto.end] !== delimiter) valid = false;
  i = proto.end < s.length ? proto.end + 1 : proto.end;
  if (i < s.length && s[i] !== delimiter) {
    let end = s.indexOf(delimiter, i);
    if (end < 0) end = s.length;
    const addr = parseAddress(s.slice(i, end));
    valid = addr !== undefined;
    if (addr !== undefined) h = addr;
  }
  const at = s.indexOf(delimiter, i);
  if (at >= 0) {
    const port = strtol(s, at + 1);
    if (s[port.end] !== delimiter) valid = false;
    if (port.value < 0 || port.value > 65535) valid = false;
    else p = port.value;
  }
  return { h, p, valid };
}

function parseAddress(text: string): string | undefined {
  try {
    const bytes = parseAddr(text);
    return formatAddr(bytes, 0, bytes.length === 4 ? 4 : 6);
  } catch {
    return undefined;
  }
}

/** C's strtol in base 10: blanks, a sign, digits; `end` is where it stopped (the start when no digits). */
function strtol(s: string, from: number): { value: number; end: number } {
  const m = /^[ \t\n\v\f\r]*[+-]?\d+/.exec(s.slice(from));
  return m === null ? { value: 0, end: from } : { value: Number(m[0].trim()), end: from + m[0].length };
}

function skipSpaces(s: string, i: number): number {
  while (i < s.length && " \t\n\v\f\r".includes(s[i])) i++;
  return i;
}

function isDigit(ch: string): boolean {
  return ch >= "0" && ch <= "9";
}
