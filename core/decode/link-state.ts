// The state the link-layer decoders share while they peel one frame: where the frame ends (an 802.3
// length field or a PPPoE payload length can end it early), why it was given up on, and whether it
// came in 802.2 LLC framing. One instance is reused for every frame.
import type { DeferredWeirds } from "./deferred-weirds.ts";

/** Link-layer outcomes other than "the IP header starts at this offset". */
export const NOT_IP = -1;
export const MALFORMED = -2;
export const UNKNOWN_LINK = -3;

/** Zeek's PacketAnalyzer::max_depth: how many headers deep a frame may nest before we give up. */
const MAX_LAYERS = 25;

export class LinkState {
  /** Offset in the frame buffer one past the last byte that belongs to this packet. */
  end = 0;
  /** Zeek's weird name when the decoder returned MALFORMED. */
  weird = "";
  /** The frame carried 802.2 LLC (802.3 length-field Ethernet, FDDI). */
  llc = false;
  private layers = 0;

  constructor(readonly notices: DeferredWeirds) {}

  reset(end: number): void {
    this.end = end;
    this.weird = "";
    this.llc = false;
    this.layers = 0;
  }

  /** Gives the frame up with Zeek's weird `name`; returns MALFORMED for the caller to pass on. */
  fail(name: string): number {
    this.weird = name;
    return MALFORMED;
  }

  /** Counts one more nested header; false once the nesting is beyond reason. */
  enter(): boolean {
    return ++this.layers <= MAX_LAYERS;
  }
}
