// weird.log: everything malformed or unexpected nsm meets, by Zeek's weird names. Like Zeek, a flood
// of one weird is sampled: the first 25 of a name (per connection, or per run for packet-level
// weirds) are logged, then one in every 1000.
import type { Connection } from "../analyzers/conn/connection.ts";
import { formatAddr } from "./net/address.ts";
import type { LogWriter } from "../logs/writer.ts";

const SAMPLING_THRESHOLD = 25;
const SAMPLING_RATE = 1000;

export class WeirdLog {
  private readonly counts = new Map<string, number>();
  private readonly perConnection = new WeakMap<Connection, Map<string, number>>();

  constructor(
    private readonly writer: LogWriter,
    private readonly clock: () => number,
  ) {}

  report(name: string, conn: Connection | undefined, addl?: string, source?: string): void {
    let counts = this.counts;
    if (conn) {
      counts = this.perConnection.get(conn) ?? new Map();
      this.perConnection.set(conn, counts);
    }
    const n = (counts.get(name) ?? 0) + 1;
    counts.set(name, n);
    if (n > SAMPLING_THRESHOLD && n % SAMPLING_RATE !== 0) return;
    this.writer.write([
      this.clock(),
      conn?.uid,
      conn && formatAddr(conn.origAddr, 0, conn.ipVersion),
      conn?.origPort,
      conn && formatAddr(conn.respAddr, 0, conn.ipVersion),
      conn?.respPort,
      name,
      addl,
      false,
      "zeek",
      source,
    ]);
  }
}
