// Bytes as Zeek's strings hold them: one character per byte (latin1), so a script sees exactly what
// was on the wire and the log writer can escape it as Zeek does.

/** The bytes [from, to) as a latin1 string. */
export function latin1(bytes: Uint8Array, from: number, to: number): string {
  let s = "";
  for (let i = from; i < to; i += 4096) {
    s += String.fromCharCode.apply(null, bytes.subarray(i, Math.min(to, i + 4096)) as unknown as number[]);
  }
  return s;
}
