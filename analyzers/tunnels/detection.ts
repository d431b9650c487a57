// Tunnels found by their payload rather than their port: Zeek tries Teredo's and AYIYA's protocol
// detection on every UDP datagram whose responder port no packet analyzer is registered for, and a
// datagram that passes goes to that analyzer. One detector serves every such connection; the first
// datagram that passes gives the connection an analyzer of its own, which sees only the datagrams
// that pass the same test.
import type { Connection, ConnectionAnalyzer } from "../conn/connection.ts";
import type { SessionHost } from "../conn/session-host.ts";
import { AyiyaAnalyzer, detectAyiya } from "./ayiya.ts";
import { detectTeredo, TeredoAnalyzer } from "./teredo.ts";
import type { UdpTunnelAnalyzer } from "./udp-tunnel.ts";

type Detect = (data: Uint8Array, off: number, len: number) => boolean;

/** A tunnel analyzer reached by detection: only datagrams that look like its protocol reach it. */
class DetectedTunnel implements ConnectionAnalyzer {
  readonly name: string;

  constructor(
    private readonly detect: Detect,
    private readonly analyzer: UdpTunnelAnalyzer,
  ) {
    this.name = analyzer.name;
  }

  deliver(conn: Connection, isOrig: boolean, data: Uint8Array, offset: number, length: number): void {
    if (this.detect(data, offset, length)) this.analyzer.deliver(conn, isOrig, data, offset, length);
  }
}

export class TunnelDetector implements ConnectionAnalyzer {
  readonly name = "tunnel-detection";

  constructor(private readonly host: SessionHost) {}

  deliver(conn: Connection, isOrig: boolean, data: Uint8Array, offset: number, length: number): void {
    // The cheap tests first: most datagrams are neither.
    let found: DetectedTunnel | undefined;
    if (detectAyiya(data, offset, length)) found = new DetectedTunnel(detectAyiya, new AyiyaAnalyzer(this.host));
    else if (detectTeredo(data, offset, length)) found = new DetectedTunnel(detectTeredo, new TeredoAnalyzer(this.host));
    if (found === undefined) return;
    conn.replaceAnalyzer(this, found);
    found.deliver(conn, isOrig, data, offset, length);
  }
}
