// NTP on port 123, only as far as conn.log needs it: a server-mode message from the originator (or a
// client-mode one from the responder) means the capture saw the reply first, so the connection is
// flipped once, as Zeek's NTP analyzer does.
import type { Connection, ConnectionAnalyzer } from "../conn/connection.ts";

export const NTP_PORTS: readonly number[] = [123];

const MODE_CLIENT = 3;
const MODE_SERVER = 4;
/** Modes 1-5 carry the 48-byte standard message. */
const STANDARD_LENGTH = 48;

export class NtpAnalyzer implements ConnectionAnalyzer {
  readonly name = "ntp";
  private flipped = false;

  deliver(conn: Connection, isOrig: boolean, data: Uint8Array, offset: number, length: number): void {
    if (length < 1) return;
    const mode = data[offset] & 7;
    if (mode >= 1 && mode <= 5 && length < STANDARD_LENGTH) return;
    conn.addService(this.name);
    if (!this.flipped && ((mode === MODE_SERVER && isOrig) || (mode === MODE_CLIENT && !isOrig))) {
      conn.flipRoles();
      this.flipped = true;
    }
  }
}
