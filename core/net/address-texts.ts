// The texts of the addresses connections are made with. A link shows the same hosts and MACs again
// and again, so each one's text is made once and shared by every connection that shows it: no
// formatting and no string of its own per connection. The cache is direct-mapped (a slot per hash,
// the newer address takes it): a look-up allocates nothing, and a scan cannot make it grow.
import { formatAddr, formatMac } from "./address.ts";

const SLOTS = 1 << 16;

/** Texts of addresses of up to 48 bits, held as a high 16-bit and a low 32-bit part. */
class TextSlots {
  private readonly high = new Int32Array(SLOTS);
  private readonly low = new Int32Array(SLOTS);
  private readonly texts: (string | undefined)[] = new Array<string | undefined>(SLOTS).fill(undefined);

  get(high: number, low: number): string | undefined {
    const slot = slotOf(high, low);
    return this.low[slot] === low && this.high[slot] === high ? this.texts[slot] : undefined;
  }

  /** Keeps `text` for the address, in place of whatever had its slot. */
  put(high: number, low: number, text: string): string {
    const slot = slotOf(high, low);
    this.high[slot] = high;
    this.low[slot] = low;
    this.texts[slot] = text;
    return text;
  }
}

function slotOf(high: number, low: number): number {
  return (low ^ (low >>> 15) ^ (high << 3)) & (SLOTS - 1);
}

/** IP addresses: IPv4 ones are cached; IPv6 ones are formatted each time (their key would cost as much). */
export class AddressTexts {
  private readonly v4 = new TextSlots();

  text(buf: Uint8Array, off: number, version: 4 | 6): string {
    if (version === 6) return formatAddr(buf, off, 6);
    const low = (buf[off] << 24) | (buf[off + 1] << 16) | (buf[off + 2] << 8) | buf[off + 3];
    return this.v4.get(0, low) ?? this.v4.put(0, low, formatAddr(buf, off, 4));
  }
}

/** MAC addresses of frames; undefined where the link has none (offset -1) or it is all zero (Zeek's none). */
export class MacTexts {
  private readonly slots = new TextSlots();

  text(frame: Uint8Array, off: number): string | undefined {
    if (off < 0) return undefined;
    const high = (frame[off] << 8) | frame[off + 1];
    const low = (frame[off + 2] << 24) | (frame[off + 3] << 16) | (frame[off + 4] << 8) | frame[off + 5];
    if (high === 0 && low === 0) return undefined;
    return this.slots.get(high, low) ?? this.slots.put(high, low, formatMac(frame, off));
  }
}
