// Log rotation as Zeek does it: rotations fall on multiples of the interval counted from local
// midnight (Zeek's log_rotate_base_time "0:00"), and a closed file is renamed with its open and
// close times in the form Zeek's archiver_rotation_format_func gives for zeek-archiver:
// `conn__2026-11-22-07-00-00__2026-11-22-08-00-00__.log` (times in local time, Zeek's
// default_rotation_date_format). zeek-archiver files it as `2026-11-22/conn.07:00:00-08:00:00.log.gz`.
import { existsSync, renameSync } from "node:fs";
import { join } from "node:path";
import { metaTimestamp } from "./tsv-format.ts";

/** The first rotation time after `t` (seconds since the epoch) for an interval in seconds. */
export function nextRotation(t: number, interval: number): number {
  const midnight = new Date(t * 1000);
  midnight.setHours(0, 0, 0, 0);
  const base = midnight.getTime() / 1000;
  return base + (Math.floor((t - base) / interval) + 1) * interval;
}

/** The rotated file's base name: `path__OPEN__CLOSE__`, plus `log_suffix=N__` when that name is taken. */
export function rotatedBasename(path: string, open: number, close: number, suffix = 0): string {
  const stamp = (t: number) => metaTimestamp(new Date(t * 1000));
  const base = `${path}__${stamp(open)}__${stamp(close)}__`;
  return suffix === 0 ? base : `${base}log_suffix=${suffix}__`;
}

/**
 * Renames `<dir>/<path>.log` (already closed) to its rotated name; never over an existing file, so two
 * files closed within the same second both survive. Returns the new file name.
 */
export function renameRotated(dir: string, path: string, open: number, close: number): string | undefined {
  const file = join(dir, `${path}.log`);
  if (!existsSync(file)) return undefined;
  let target = "";
  for (let suffix = 0; target === "" || existsSync(target); suffix++) target = join(dir, rotatedBasename(path, open, close, suffix) + ".log");
  renameSync(file, target);
  return target;
}
