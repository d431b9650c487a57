// What the tunnel analyzers on UDP (VXLAN, Geneve, Teredo, AYIYA, GTPv1) share, as Zeek's packet
// analyzers for them do: the Tunnel::max_depth check (history X and a weird), the violation that
// ends the analyzer's work on the connection, and the hand-over of the inner frame to the host with
// the tunnel the connection is.
import { HIST_ANALYZER_LIMIT_REACHED, type Connection, type ConnectionAnalyzer } from "../conn/connection.ts";
import type { SessionHost } from "../conn/session-host.ts";
import { ConnectionTunnel, type TunnelType } from "./encapsulation.ts";

export abstract class UdpTunnelAnalyzer implements ConnectionAnalyzer {
  /** The service it confirms (conn.log). */
  abstract readonly name: string;
  /** Zeek's name of the analyzer: the source of its weirds. */
  protected abstract readonly source: string;
  /** A violation seen: Zeek's analyzer leaves the connection alone from then on. */
  protected violated = false;
  private readonly tunnel: ConnectionTunnel;
  /** Whether each side's last datagram was valid (Teredo and GTPv1 may wait for both to confirm). */
  private validOrig = false;
  private validResp = false;

  constructor(
    protected readonly host: SessionHost,
    type: TunnelType,
  ) {
    this.tunnel = new ConnectionTunnel(type);
  }

  abstract deliver(conn: Connection, isOrig: boolean, data: Uint8Array, offset: number, length: number): void;

  /** Tunnel::max_depth reached by the datagram: marks the history with X and reports it. */
  protected depthExceeded(conn: Connection): boolean {
    const encap = this.host.packetEncapsulation();
    if (encap === undefined || encap.length < this.host.options["Tunnel::max_depth"]) return false;
    conn.checkHistory(HIST_ANALYZER_LIMIT_REACHED, "X");
    this.host.packetWeird("exceeded_tunnel_max_depth", "", this.source);
    return true;
  }

  /** Records whether one side's datagram was valid encapsulation. */
  protected setValid(isOrig: boolean, valid: boolean): void {
    if (isOrig) this.validOrig = valid;
    else this.validResp = valid;
  }

  /** A valid datagram from one side confirms the protocol, or, with `delay`, once both sides sent one. */
  protected confirmValid(conn: Connection, isOrig: boolean, delay: boolean): void {
    this.setValid(isOrig, true);
    if (!delay || (this.validOrig && this.validResp)) conn.addService(this.name);
  }

  /** Hands the inner frame over, inside the tunnel this connection is. */
  protected forward(conn: Connection, data: Uint8Array, offset: number, length: number, linkType: number): void {
    this.host.decapsulate(this.tunnel.of(conn), data, offset, length, linkType);
  }
}
