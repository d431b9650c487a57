// Raising the NetBIOS events, typed by scripts/nsm.d.ts: an event goes out only when a loaded script
// handles it (callers whose arguments cost something to build check `handles` first).
import type * as Api from "nsm";
import type { Connection } from "../conn/connection.ts";

export type NetbiosEvent = Extract<keyof Api.Events, `netbios_${string}`>;
type ArgsAfterConnection<E extends NetbiosEvent> = Api.Events[E] extends [Api.Connection, ...infer Rest] ? Rest : never;

export function raise<E extends NetbiosEvent>(conn: Connection, event: E, ...args: ArgsAfterConnection<E>): void {
  if (conn.events.handles(event)) conn.events.raise(event, [conn, ...args]);
}
