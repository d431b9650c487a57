// The connection events Zeek raises, as the analyzers raise them; the script runtime implements
// this and hands each event to the scripts that handle it (and to nobody else).
import type { Connection } from "./connection.ts";

export interface ConnectionEvents {
  newConnection(c: Connection): void;
  established(c: Connection): void;
  attempt(c: Connection): void;
  rejected(c: Connection): void;
  finished(c: Connection): void;
  halfFinished(c: Connection): void;
  reset(c: Connection): void;
  partial(c: Connection): void;
  timeout(c: Connection): void;
  flipped(c: Connection): void;
  stateRemove(c: Connection): void;
  contentGap(c: Connection, isOrig: boolean, seq: number, length: number): void;
  confirmation(c: Connection, analyzer: string): void;
  weird(name: string, c: Connection | undefined, addl: string, source: string): void;
  /** Does any script handle this protocol event? Analyzers check before building its arguments. */
  handles(event: string): boolean;
  /**
   * Raises a protocol event (dns_request, dhcp_message, ...) with Zeek's arguments; a Connection
   * among them is turned into the record scripts see.
   */
  raise(event: string, args: unknown[]): void;
}

/** For runs and tests with no scripts listening. */
export const NO_EVENTS: ConnectionEvents = {
  newConnection() {},
  established() {},
  attempt() {},
  rejected() {},
  finished() {},
  halfFinished() {},
  reset() {},
  partial() {},
  timeout() {},
  flipped() {},
  stateRemove() {},
  contentGap() {},
  confirmation() {},
  weird() {},
  handles: () => false,
  raise() {},
};
