// NetBIOS first-level decoding (RFC 1001 §14.1): a 16-byte name spelled as 32 letters 'A'..'P', two
// per byte. Same result as Zeek's decode_netbios_name: the 16th byte (the suffix) is dropped, the
// name stops at the first byte that is not alphanumeric, punctuation, space or below 3, trailing
// spaces and NULs are removed; anything that is not such an encoding gives "".

export function decodeNetbiosName(encoded: string): string {
  if (encoded.length !== 32) return "";
  const bytes: number[] = [];
  for (let i = 0; i < 16; i++) {
    const hi = netbiosNibble(encoded.charCodeAt(2 * i));
    const lo = netbiosNibble(encoded.charCodeAt(2 * i + 1));
    if (hi < 0 || lo < 0) return "";
    const b = (hi << 4) | lo;
    if (!keepsNetbiosName(b)) break;
    bytes.push(b);
  }
  let length = Math.min(bytes.length, 15);
  while (length > 0 && (bytes[length - 1] === 0x20 || bytes[length - 1] === 0)) length--;
  return String.fromCharCode(...bytes.slice(0, length));
}

function netbiosNibble(c: number): number {
  const upper = c >= 0x61 && c <= 0x7a ? c - 0x20 : c;
  return upper >= 0x41 && upper <= 0x50 ? upper - 0x41 : -1;
}

// isalnum || ispunct || ' ' in the C locale, or \x00-\x02 (seen leading some names).
function keepsNetbiosName(b: number): boolean {
  return (b >= 0x20 && b <= 0x7e) || b < 3;
}
