// Top talkers: the originators that moved the most bytes, hour by hour of network time.
//
//   nsm -r trace.pcap examples/scripts/top-talkers.ts --set TopTalkers::top=5
//
// Each connection counts for its originator (id.orig_h) when it ends: its IP bytes in both
// directions, headers included, which is what it cost the wire. Periods are aligned to multiples of
// the interval (whole hours by default), and a connection belongs to the period in which nsm removed
// it. When a period is over, its `top` busiest originators go to top_talkers.log, ranked, and the
// count starts again; when the input ends, the last, partial period is written the same way.
import { on, Log, option, schedule, networkTime, type Addr, type Time } from "nsm";

/** Length of a period, in seconds ("--set TopTalkers::interval=30min" works too). */
const INTERVAL = option("TopTalkers::interval", 3600);
/** How many originators each period reports. */
const TOP = option("TopTalkers::top", 10);

Log.createStream("TopTalkers::LOG", {
  path: "top_talkers",
  columns: {
    ts: "time", // start of the period
    period: "interval", // its length: INTERVAL, or less for the last one
    rank: "count", // 1 = the busiest
    host: "addr",
    bytes: "count", // IP bytes of its connections, both directions
    connections: "count",
  },
});

interface Tally {
  bytes: number;
  connections: number;
}

/** Per originator, the connections removed in the current period. */
let tallies = new Map<Addr, Tally>();
/** Start of the current period; unset until the first connection ends. */
let periodStart: Time | undefined;

function periodOf(t: Time): Time {
  return Math.floor(t / INTERVAL) * INTERVAL;
}

/** Writes the period's top originators, busiest first (ties by address, so runs repeat exactly). */
function report(length: number): void {
  const ranked = [...tallies].sort(([ha, a], [hb, b]) => b.bytes - a.bytes || (ha < hb ? -1 : 1));
  ranked.slice(0, TOP).forEach(([host, t], i) => {
    Log.write("TopTalkers::LOG", { ts: periodStart, period: length, rank: i + 1, host, bytes: t.bytes, connections: t.connections });
  });
  tallies = new Map();
}

/**
 * The period is over. Timers fire with the first packet at or after their time, so network time may
 * already be periods further on after a quiet spell: the next period is the one that holds now.
 */
function endPeriod(): void {
  report(INTERVAL);
  periodStart = periodOf(networkTime());
  schedule(periodStart + INTERVAL - networkTime(), endPeriod);
}

on("connection_state_remove", (c) => {
  if (periodStart === undefined) {
    periodStart = periodOf(networkTime());
    schedule(periodStart + INTERVAL - networkTime(), endPeriod);
  }
  const host = c.id.orig_h;
  let t = tallies.get(host);
  if (t === undefined) tallies.set(host, (t = { bytes: 0, connections: 0 }));
  t.bytes += c.orig.num_bytes_ip + c.resp.num_bytes_ip;
  t.connections++;
});

// Every connection has been removed by now (nsm flushes them at end of input, as Zeek does).
on("zeek_done", () => {
  if (periodStart !== undefined && tallies.size > 0) report(networkTime() - periodStart);
});
