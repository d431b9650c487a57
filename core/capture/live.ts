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
 * Handles whose open failed after libpcap created them. cap's destructor would stop a poll handle it
 * never started (a crash when the garbage collector runs it), so they are kept for the life of the
 * process; at most a few, one per failed open.
 */
const failedHandles: CapHandle[] = [];

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

export class LiveCapture {
  readonly linkType: number;
  private closed = false;

  private constructor(
    private readonly cap: CapHandle,
    linkType: number,
  ) {
    this.linkType = linkType;
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
    const linkType = LINK_TYPES[linkName];
    if (linkType === undefined) {
      cap.close();
      throw new NsmError("NSM_ERR_LINK_TYPE", `cannot decode packets from ${opts.iface}: ${linkName} (supported: Ethernet, Linux cooked "any", raw IP, BSD null)`);
    }
    const frame: RawFrame = { ts: 0, data: buffer, offset: 0, caplen: 0, wirelen: 0, linkType };
    cap.on("packet", (nbytes: number) => {
      frame.ts = clock.now();
      frame.caplen = nbytes;
      frame.wirelen = nbytes;
      onFrame(frame);
    });
    return new LiveCapture(cap, linkType);
  }

  /** Stops capturing; no frame is delivered after this returns. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.cap.removeAllListeners("packet");
    this.cap.close();
  }
}

/** cap.open with libpcap's error turned into the user's problem, named. */
function openOrExplain(binding: CapBinding, cap: CapHandle, opts: LiveCaptureOptions, buffer: Buffer): string {
  try {
    return cap.open(opts.iface, opts.filter, opts.bufferSize, buffer);
  } catch (e) {
    failedHandles.push(cap);
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
  try {
    probe.open(opts.iface, "", opts.bufferSize, buffer);
    probe.close();
    return true;
  } catch {
    failedHandles.push(probe);
    return false;
  }
}
