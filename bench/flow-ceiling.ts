// A ceiling for nsm's figure: the least a flow tracker in one JS thread can do and still write a
// conn.log-like line per flow. It reads and decodes as the floor does, finds each packet's flow in
// nsm's flow table, counts packets and bytes per direction, ends a flow after 10 s idle and writes
// one line of 20 tab-separated fields for it, in 64 KiB chunks. It keeps no TCP state, verifies no
// checksum, parses no DNS, raises no event and runs no script: everything Zeek's semantics add is
// missing, so no design of nsm on this thread can be faster than this on the same capture.
import { openSync, closeSync, rmSync, writeSync } from "node:fs";
import { readCapture } from "../core/capture/reader.ts";
import { PacketDecoder } from "../core/decode/decoder.ts";
import { Packet } from "../core/packet.ts";
import { FlowKey, FlowTable } from "../core/flow-table.ts";
import { AddressTexts } from "../core/net/address-texts.ts";
import { UidGenerator } from "../core/uid.ts";
import { formatFixed6 } from "../logs/numbers.ts";

export interface CeilingRun {
  packets: number;
  flows: number;
  seconds: number;
}

const IDLE_SECONDS = 10;
const CHUNK_UNITS = 64 * 1024;

class Flow {
  last: number;
  origPkts = 0;
  respPkts = 0;
  origBytes = 0;
  respBytes = 0;
  /** Flows in creation order, for expiry. */
  next: Flow | undefined = undefined;

  constructor(
    readonly key: string,
    readonly serial: number,
    readonly uid: string,
    readonly origH: string,
    readonly respH: string,
    readonly origP: number,
    readonly respP: number,
    readonly proto: number,
    readonly origFirst: boolean,
    readonly start: number,
  ) {
    this.last = start;
  }
}

class Tracker {
  private readonly table = new FlowTable<Flow>();
  private readonly texts = new AddressTexts();
  private readonly uids = new UidGenerator();
  private readonly key = new FlowKey();
  private oldest: Flow | undefined;
  private newest: Flow | undefined;
  flows = 0;
  private readonly fields = new Array<string>(20).fill("");
  private pending = "";
  private readonly bytes = Buffer.allocUnsafe(3 * CHUNK_UNITS);

  constructor(private readonly fd: number) {}

  packet(pkt: Packet): void {
    const k = this.key.of(pkt, pkt.proto, pkt.srcPort, pkt.dstPort, false);
    let f = this.table.find(k.codes, k.length);
    if (f === undefined) f = this.start(pkt, k.text(), k.srcFirst);
    f.last = pkt.ts;
    if (k.srcFirst === f.origFirst) {
      f.origPkts++;
      f.origBytes += pkt.ipLen;
    } else {
      f.respPkts++;
      f.respBytes += pkt.ipLen;
    }
  }

  /** Ends every flow idle since `now - IDLE_SECONDS` (checked in creation order, as a cheap timer). */
  expire(now: number): void {
    for (let f = this.oldest; f !== undefined && f.last + IDLE_SECONDS <= now; f = this.oldest) {
      this.oldest = f.next;
      if (this.oldest === undefined) this.newest = undefined;
      this.table.delete(f);
      this.write(f);
    }
  }

  finish(): void {
    this.expire(Infinity);
    this.drain();
  }

  private start(pkt: Packet, key: string, srcFirst: boolean): Flow {
    const v = pkt.ipVersion as 4 | 6;
    const f = new Flow(key, this.flows++, this.uids.next(), this.texts.text(pkt.ip, pkt.srcOff, v), this.texts.text(pkt.ip, pkt.dstOff, v), pkt.srcPort, pkt.dstPort, pkt.proto, srcFirst, pkt.ts);
    this.table.add(f);
    if (this.newest === undefined) this.oldest = this.newest = f;
    else this.newest = this.newest.next = f;
    return f;
  }

  private write(f: Flow): void {
    const x = this.fields;
    x[0] = formatFixed6(f.start);
    x[1] = f.uid;
    x[2] = f.origH;
    x[3] = "" + f.origP;
    x[4] = f.respH;
    x[5] = "" + f.respP;
    x[6] = f.proto === 6 ? "tcp" : f.proto === 17 ? "udp" : "icmp";
    x[7] = "-";
    x[8] = formatFixed6(f.last - f.start);
    x[9] = "" + f.origBytes;
    x[10] = "" + f.respBytes;
    x[11] = "OTH";
    x[12] = "-";
    x[13] = "-";
    x[14] = "0";
    x[15] = "-";
    x[16] = "" + f.origPkts;
    x[17] = "" + f.respPkts;
    x[18] = "-";
    x[19] = "" + f.proto;
    const line = x.join("\t") + "\n";
    if (this.pending.length + line.length > CHUNK_UNITS) this.drain();
    this.pending += line;
  }

  private drain(): void {
    writeSync(this.fd, this.bytes, 0, this.bytes.write(this.pending, 0, "utf8"));
    this.pending = "";
  }
}

/** One run of the minimal tracker over `path`, its lines written to `logPath` (removed after). */
export async function measureFlowCeiling(path: string, logPath: string): Promise<CeilingRun> {
  const fd = openSync(logPath, "w");
  try {
    const decoder = new PacketDecoder({ weird: () => {}, skipChecksum: () => true });
    const pkt = new Packet();
    const tracker = new Tracker(fd);
    const started = performance.now();
    const result = await readCapture(path, (frame) => {
      tracker.expire(frame.ts);
      if (decoder.decode(frame, pkt)) tracker.packet(pkt);
    });
    tracker.finish();
    return { packets: result.packets, flows: tracker.flows, seconds: (performance.now() - started) / 1000 };
  } finally {
    closeSync(fd);
    rmSync(logPath, { force: true });
  }
}
