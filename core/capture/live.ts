// Live capture from a network interface through libpcap (the `cap` binding): the filter is compiled
// by libpcap and runs in the kernel, the link types cap reports map to the decoder's DLT numbers, and
// the errors a user meets (no such interface, no permission, a bad filter) become one clear line.
// cap hands over no timestamp and one shared buffer per packet: each frame is stamped on arrival by
// LiveClock and handed on at once, and nothing keeps the buffer past the callback.
import { createRequire } from "node:module";
import type { EventEmitter } from "node:events";
import { BadFilterError, NsmError } from "../errors.ts";
import { LinkType, type RawFrame } from "../packet.ts";

interface CapHandle extends EventEmitter {
  open(device: string, filter: string, bufferSize: number, buffer: Buffer): string;
  close(): void;
}

interface CapBinding {
  Cap: { new (): CapHandle; deviceList(): { name: string }[] };
}

/** cap's names for the link types it knows (anything else is "Unknown linktype N"). */
const LINK_TYPES: Record<string, number> = {
  ETHERNET: LinkType.EN10MB,
  LINKTYPE_LINUX_SLL: LinkType.LINUX_SLL,
  RAW: LinkType.RAW,
  NULL: LinkType.NULL,
  IEEE802_11_RADIO: LinkType.IEEE802_11_RADIO,
};

/**
 * Handles that were opened, or whose open failed half-way, are kept for the life of the process: the
 * garbage collector would run cap's destructor, which stops a poll handle that was never started (a
 * failed open) or frees one libuv still lists (a closed capture; cap never uv_close()s it). Either
 * crashes. There are at most a few: one per open.
 */
const keptHandles: CapHandle[] = [];

/** cap sets libpcap's snapshot length to 65535, so a frame always fits this buffer whole. */
const SNAPLEN = 65535;

/**
 * Wall-clock time read from a monotonic clock: the wall clock is read once at start, and every later
 * reading adds the monotonic time elapsed since. Time never steps backwards when the system clock is
 * set, and each reading is a plain number (no allocation per packet). performance.now() is Node's
 * view of the same monotonic source as process.hrtime, in fractional milliseconds.
 */
export class LiveClock {
  private readonly wallAtStart = Date.now() / 1000;
  private readonly monoAtStart = performance.now();

  /** Seconds since the epoch. */
  now(): number {
    return this.wallAtStart + (performance.now() - this.monoAtStart) / 1000;
  }
}

export interface LiveCaptureOptions {
  iface: string;
  /** pcap-filter expression compiled by libpcap ("" for none). */
  filter: string;
  /** Bytes of kernel buffer for packets waiting to be read (libpcap's buffer size). */
  bufferSize: number;
}

/** How often the event loop proves it gets turns, and how long without one counts as starved. */
const HEARTBEAT_MS = 100;
const STARVED_MS = 300;
/** Packets between two looks at the heartbeat. */
const CHECK_EVERY = 256;

export class LiveCapture {
  readonly linkType: number;
  /**
   * Packets nsm let go unanalysed to get the event loop a turn under a flood (see shedding). Drops in
   * the kernel's buffer are not known: cap does not report them.
   */
  dropped = 0;
  private closed = false;
  private lastTurn = performance.now();
  /**
   * cap reads packets in a loop until libpcap's buffer is empty: under a flood it never is, and the
   * event loop (signals, the idle tick, script reloads) would never run. When the loop has had no
   * turn for STARVED_MS, frames are let go unanalysed, which empties the buffer in a moment and ends
   * cap's loop; the next turn of the event loop ends the shedding.
   */
  private shedding = false;
  private readonly heartbeat: NodeJS.Timeout;

  private constructor(
    private readonly cap: CapHandle,
    buffer: Buffer,
    linkType: number,
    clock: LiveClock,
    onFrame: (frame: RawFrame) => void,
  ) {
    this.linkType = linkType;
    this.heartbeat = setInterval(() => {
      this.lastTurn = performance.now();
      this.shedding = false;
    }, HEARTBEAT_MS);
    const frame: RawFrame = { ts: 0, data: buffer, offset: 0, caplen: 0, wirelen: 0, linkType };
    let sinceCheck = 0;
    cap.on("packet", (nbytes: number) => {
      if (this.shedding) {
        this.dropped++;
        return;
      }
      frame.ts = clock.now();
      frame.caplen = nbytes;
      frame.wirelen = nbytes;
      onFrame(frame);
      if (++sinceCheck === CHECK_EVERY) {
        sinceCheck = 0;
        this.shedding = performance.now() - this.lastTurn > STARVED_MS;
      }
    });
  }

  /** Opens the interface and starts delivering frames to `onFrame`; throws a clear NsmError when it cannot. */
  static open(opts: LiveCaptureOptions, clock: LiveClock, onFrame: (frame: RawFrame) => void): LiveCapture {
    const binding = createRequire(import.meta.url)("cap") as CapBinding;
    const names = binding.Cap.deviceList().map((d) => d.name);
    // Checked first: libpcap would also print a warning of its own for a missing interface.
    if (!names.includes(opts.iface)) {
      throw new NsmError("NSM_ERR_NO_INTERFACE", `no interface named "${opts.iface}" (interfaces: ${names.join(", ")})`);
    }
    const buffer = Buffer.alloc(SNAPLEN);
    const cap = new binding.Cap();
    const linkName = openOrExplain(binding, cap, opts, buffer);
    keptHandles.push(cap);
    const linkType = LINK_TYPES[linkName];
    if (linkType === undefined) {
      cap.close();
      throw new NsmError("NSM_ERR_LINK_TYPE", `cannot decode packets from ${opts.iface}: ${linkName} (supported: Ethernet, Linux cooked "any", raw IP, BSD null)`);
    }
    return new LiveCapture(cap, buffer, linkType, clock, onFrame);
  }

  /** Stops capturing; no frame is delivered after this returns. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.heartbeat);
    this.cap.removeAllListeners("packet");
    this.cap.close();
  }
}

/** cap.open with libpcap's error turned into the user's problem, named. */
function openOrExplain(binding: CapBinding, cap: CapHandle, opts: LiveCaptureOptions, buffer: Buffer): string {
  try {
    return cap.open(opts.iface, opts.filter, opts.bufferSize, buffer);
  } catch (e) {
    keptHandles.push(cap);
    const why = (e as Error).message;
    if (/not permitted|permission/i.test(why)) {
      throw new NsmError(
        "NSM_ERR_CAPTURE_PERMISSION",
        `no permission to capture on ${opts.iface} (${why}): run as root, or give node the capabilities CAP_NET_RAW and CAP_NET_ADMIN`,
      );
    }
    if (/no such device/i.test(why)) throw new NsmError("NSM_ERR_NO_INTERFACE", `no interface named "${opts.iface}" (${why})`);
    // The filter is compiled after the interface is activated: if the interface opens without it,
    // the filter was the problem.
    if (opts.filter !== "" && opensWithoutFilter(binding, opts, buffer)) {
      throw new BadFilterError(`libpcap cannot compile the filter "${opts.filter}": ${why.replace(/^can't parse filter expression: /, "")}`);
    }
    throw new NsmError("NSM_ERR_CAPTURE", `cannot capture on ${opts.iface}: ${why}`);
  }
}

function opensWithoutFilter(binding: CapBinding, opts: LiveCaptureOptions, buffer: Buffer): boolean {
  const probe = new binding.Cap();
  keptHandles.push(probe);
  try {
    probe.open(opts.iface, "", opts.bufferSize, buffer);
    probe.close();
    return true;
  } catch {
    return false;
  }
}
