// Zeek's weird sampling: the first 25 of a weird name (per connection, or per run for weirds outside
// any connection) are raised, then one in every 1000, so a flood of one weird cannot flood the logs.
import type { Connection } from "../analyzers/conn/connection.ts";

const SAMPLING_THRESHOLD = 25;
const SAMPLING_RATE = 1000;

export class WeirdSampler {
  private readonly counts = new Map<string, number>();
  private readonly perConnection = new WeakMap<Connection, Map<string, number>>();

  permit(name: string, conn: Connection | undefined): boolean {
    let counts = this.counts;
    if (conn) {
      counts = this.perConnection.get(conn) ?? new Map();
      this.perConnection.set(conn, counts);
    }
    const n = (counts.get(name) ?? 0) + 1;
    counts.set(name, n);
    return n <= SAMPLING_THRESHOLD || n % SAMPLING_RATE === 0;
  }
}
