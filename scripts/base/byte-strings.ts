// Protocol fields that carry arbitrary bytes (names, community strings, FTP arguments) reach scripts
// as byte strings: one char a byte, codes 0 to 255. A log writes a string as UTF-8, so a byte string
// that is not plain ASCII goes to the log as the bytes it stands for, which the writer escapes as
// Zeek does. A module the base and policy scripts share, not a script of its own.

const NON_ASCII = /[^\x00-\x7f]/;

/** Does the byte string hold anything but ASCII? */
export function isBinary(s: string | undefined): s is string {
  return s !== undefined && NON_ASCII.test(s);
}

/** A byte string as a log row should hold it: itself when it is ASCII, else its bytes. */
export function loggable<T extends string | undefined>(s: T): T | Uint8Array {
  return isBinary(s) ? Uint8Array.from(s, (ch) => ch.charCodeAt(0)) : s;
}
