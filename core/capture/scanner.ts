// What the capture formats share: the read buffer the reader fills and a format's scanner walks, the
// shape of a scanner, the limits past which a record is corruption rather than data, and the wording
// of the one sentence that says where and why a capture broke.

/** A packet's captured length above this is corruption (libpcap's own ceiling for a savefile). */
export const MAX_CAPLEN = 262144;

/** A pcapng block above this is corruption (libpcap's ceiling); the read buffer holds one whole. */
export const MAX_BLOCK = 16 * 1024 * 1024;

/** The reader's buffer: `base` is the input offset of bytes[0], so messages can name file offsets. */
export interface ReadBuffer {
  readonly bytes: Uint8Array;
  readonly view: DataView;
  base: number;
}

export interface CaptureScanner {
  packets: number;
  /** Captured bytes delivered (sum of caplen). */
  bytes: number;
  /** Set when the input is corrupt: the sentence readCapture reports; scanning stops there. */
  broken: string | undefined;
  /** Delivers every complete record in bytes[pos, end); returns where the first incomplete one starts. */
  scan(pos: number, end: number): number;
  /** Says why the input ended inside the record starting at pos, given end - pos bytes of it. */
  describeCut(pos: number, end: number): string;
}

/** "at byte 1234 in packet 7" for a packet record, "at byte 1234, after packet 6" for anything else. */
export function placeOf(offset: number, packets: number, inPacket: boolean): string {
  if (inPacket) return `at byte ${offset} in packet ${packets + 1}`;
  return packets === 0 ? `at byte ${offset}, before the first packet` : `at byte ${offset}, after packet ${packets}`;
}
