// policy/misc/capture-loss: capture_loss.log, an estimate of how much traffic the capture missed
// (Zeek's misc/capture-loss). A TCP ack for data that was never seen means a packet went missing
// somewhere between the wire and nsm; the share of such acks among all acks over an interval is the
// estimate, since the capture itself reports no drops. The first report comes after
// CaptureLoss::initial_watch_interval, later ones every CaptureLoss::watch_interval.
import { Log, networkTime, on, option, schedule, getGapStats } from "nsm";

const watchInterval = option("CaptureLoss::watch_interval", 15 * 60);
const initialWatchInterval = option("CaptureLoss::initial_watch_interval", 60);

Log.createStream("CaptureLoss::LOG", {
  path: "capture_loss",
  columns: { ts: "time", ts_delta: "interval", peer: "string", gaps: "count", acks: "count", percent_lost: "double" },
});

function takeMeasurement(lastTs: number, lastAcks: number, lastGaps: number): void {
  // Network time was not known yet when the first measurement was scheduled: start the interval now.
  if (lastTs === 0) {
    const t = networkTime();
    schedule(initialWatchInterval, () => takeMeasurement(t, 0, 0));
    return;
  }
  const now = networkTime();
  const g = getGapStats();
  const acks = g.ack_events - lastAcks;
  const gaps = g.gap_events - lastGaps;
  Log.write("CaptureLoss::LOG", {
    ts: now,
    ts_delta: now - lastTs,
    peer: "zeek",
    gaps,
    acks,
    percent_lost: acks === 0 ? 0 : (100 * gaps) / acks,
  });
  schedule(watchInterval, () => takeMeasurement(now, g.ack_events, g.gap_events));
}

on("zeek_init", () => {
  const t = networkTime();
  schedule(initialWatchInterval, () => takeMeasurement(t, 0, 0));
});
