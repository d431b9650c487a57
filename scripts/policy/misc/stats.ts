// policy/misc/stats: stats.log, the sensor's health every Stats::report_interval (Zeek's
// misc/stats): memory, packets and bytes, events, connections per transport and timers over the
// interval. Zeek's columns for things nsm has no counterpart for (files, DNS requests, reassembly
// sizes) are left out. pkts_dropped counts what nsm let go under a flood (live); the capture reports
// no kernel drops, so pkts_link stays unset.
import { on, Log, networkTime, schedule, option, getNetStats, getConnStats, getProcStats, getEventStats, getTimerStats, readingLiveTraffic, currentTime } from "nsm";
import type { NetStats, ConnStats, EventStats, TimerStats } from "nsm";

const reportInterval = option("Stats::report_interval", 300);

Log.createStream("Stats::LOG", {
  path: "stats",
  columns: {
    ts: "time",
    peer: "string",
    mem: "count",
    pkts_proc: "count",
    bytes_recv: "count",
    pkts_dropped: "count",
    pkts_link: "count",
    pkt_lag: "interval",
    events_proc: "count",
    events_queued: "count",
    active_tcp_conns: "count",
    active_udp_conns: "count",
    active_icmp_conns: "count",
    tcp_conns: "count",
    udp_conns: "count",
    icmp_conns: "count",
    timers: "count",
    active_timers: "count",
  },
});

interface Snapshot {
  net: NetStats;
  conn: ConnStats;
  events: EventStats;
  timers: TimerStats;
}

function snapshot(): Snapshot {
  return { net: getNetStats(), conn: getConnStats(), events: getEventStats(), timers: getTimerStats() };
}

function checkStats(last: Snapshot): void {
  const now = snapshot();
  const live = readingLiveTraffic();
  Log.write("Stats::LOG", {
    ts: networkTime(),
    peer: "zeek",
    mem: Math.floor(getProcStats().mem / 1048576),
    pkts_proc: now.net.pkts_recvd - last.net.pkts_recvd,
    bytes_recv: now.net.bytes_recvd - last.net.bytes_recvd,
    pkts_dropped: live && now.net.pkts_dropped !== undefined ? now.net.pkts_dropped - (last.net.pkts_dropped ?? 0) : undefined,
    pkts_link: live && now.net.pkts_link !== undefined ? now.net.pkts_link - (last.net.pkts_link ?? 0) : undefined,
    pkt_lag: live ? Math.max(0, currentTime() - networkTime()) : undefined,
    events_proc: now.events.dispatched - last.events.dispatched,
    events_queued: now.events.queued - last.events.queued,
    active_tcp_conns: now.conn.num_tcp_conns,
    active_udp_conns: now.conn.num_udp_conns,
    active_icmp_conns: now.conn.num_icmp_conns,
    tcp_conns: now.conn.cumulative_tcp_conns - last.conn.cumulative_tcp_conns,
    udp_conns: now.conn.cumulative_udp_conns - last.conn.cumulative_udp_conns,
    icmp_conns: now.conn.cumulative_icmp_conns - last.conn.cumulative_icmp_conns,
    timers: now.timers.cumulative - last.timers.cumulative,
    active_timers: now.timers.current,
  });
  schedule(reportInterval, () => checkStats(now));
}

on("zeek_init", () => {
  const first = snapshot();
  schedule(reportInterval, () => checkStats(first));
});
