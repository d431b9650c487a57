// weird.log as Zeek's weird framework writes it (base/frameworks/notice/weird.zeek): a weird name is
// logged once per connection, and once outside any connection, for ten minutes; names Zeek logs per
// originator are logged once per originator for a day; names it ignores never; and the checksum
// weirds, never silenced as repeats, are still limited per originator.
import { describe, expect, it } from "vitest";
import { frameAt, runPipeline, type TimedFrame } from "../fixtures/pipeline.ts";

const udp = (ts: number, sport: number, opts: { src?: string; badChecksum?: boolean; payload?: number[] } = {}): TimedFrame =>
  frameAt(ts, { src: opts.src ?? "10.0.0.1", dst: "10.0.0.2", proto: "udp", sport, dport: 9999, payload: Uint8Array.from(opts.payload ?? [1, 2, 3]), badChecksum: opts.badChecksum });

/** A UDP datagram whose length field says 4 bytes more than the IP packet holds. */
function lengthMismatch(ts: number, sport: number, src = "10.0.0.1"): TimedFrame {
  const f = udp(ts, sport, { src });
  const frame = Uint8Array.from(f.frame);
  const udpLen = 14 + 20 + 4;
  const len = (frame[udpLen] << 8) | frame[udpLen + 1];
  frame[udpLen] = (len + 4) >> 8;
  frame[udpLen + 1] = (len + 4) & 0xff;
  frame[udpLen + 2] = 0; // no checksum: it would fail first
  frame[udpLen + 3] = 0;
  return { ts, frame };
}

/** An IPv4 header cut short: a weird outside any connection. */
const truncatedIp = (ts: number): TimedFrame => ({ ts, frame: udp(ts, 1000).frame.slice(0, 14 + 12) });

const dnsStub = (ts: number, sport: number): TimedFrame =>
  frameAt(ts, { src: "10.0.0.1", dst: "10.0.0.53", proto: "udp", sport, dport: 53, payload: Uint8Array.from([1, 2, 3]) });

const names = (frames: TimedFrame[]) => runPipeline(frames).rows("weird").map((r) => [r.ts, r.name, r["id.orig_h"], r["id.orig_p"]]);

describe("weird.log's repeats, as Zeek's weird framework", () => {
  it("logs a per-originator weird once per originator, whatever the connection", () => {
    expect(names([lengthMismatch(1, 1000), lengthMismatch(2, 1001), lengthMismatch(3, 1000, "10.0.0.3")])).toEqual([
      ["1.000000", "UDP_datagram_length_mismatch", "10.0.0.1", "1000"],
      ["3.000000", "UDP_datagram_length_mismatch", "10.0.0.3", "1000"],
    ]);
  });

  it("limits the checksum weirds per originator too, though they are never silenced as repeats", () => {
    const rows = names([udp(1, 1000, { badChecksum: true }), udp(2, 1000, { badChecksum: true }), udp(3, 1001, { src: "10.0.0.3", badChecksum: true })]);
    expect(rows).toEqual([
      ["1.000000", "bad_UDP_checksum", "10.0.0.1", "1000"],
      ["3.000000", "bad_UDP_checksum", "10.0.0.3", "1001"],
    ]);
  });

  it("logs a weird once per connection for ten minutes of network time", () => {
    const rows = names([dnsStub(1, 1000), dnsStub(2, 1000), dnsStub(3, 1001), dnsStub(700, 1000)]);
    expect(rows.map((r) => [r[0], r[3]])).toEqual([["1.000000", "1000"], ["3.000000", "1001"], ["700.000000", "1000"]]);
    expect(new Set(rows.map((r) => r[1])).size).toBe(1);
  });

  it("logs a weird outside any connection once for ten minutes", () => {
    expect(names([truncatedIp(1), truncatedIp(2), truncatedIp(599), truncatedIp(602)])).toEqual([
      ["1.000000", "truncated_IP", "-", "-"],
      ["602.000000", "truncated_IP", "-", "-"],
    ]);
  });
});
