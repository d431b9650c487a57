// Frames that arrive before a run is ready for them (a live capture is opened before the scripts
// load, so that a bad interface fails before anything is written): kept as copies, since a capture
// source reuses its buffer, up to a bound in bytes past which they are counted as dropped.
import type { RawFrame } from "../packet.ts";

export class HeldFrames {
  private frames: RawFrame[] = [];
  private bytes = 0;
  /** Frames that did not fit. */
  dropped = 0;

  constructor(private readonly maxBytes: number) {}

  hold(frame: RawFrame): void {
    if (this.bytes + frame.caplen > this.maxBytes) {
      this.dropped++;
      return;
    }
    this.frames.push({ ...frame, data: frame.data.slice(frame.offset, frame.offset + frame.caplen), offset: 0 });
    this.bytes += frame.caplen;
  }

  /** The time of the first frame held, if any. */
  get firstTime(): number | undefined {
    return this.frames[0]?.ts;
  }

  /** Hands every held frame over in arrival order, and lets them go. */
  release(to: (frame: RawFrame) => void): void {
    const frames = this.frames;
    this.frames = [];
    this.bytes = 0;
    for (const f of frames) to(f);
  }
}
