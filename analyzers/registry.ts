// Which application analyzers a new connection gets, by transport and responder port, as Zeek's
// analyzers register for their well-known ports (Zeek's Analyzer::register_for_ports). UDP tunnels
// are analyzers here too; a UDP connection on a port no tunnel has gets the tunnel detector.
import type { Connection, ConnectionAnalyzer } from "./conn/connection.ts";
import type { SessionHost } from "./conn/session-host.ts";
import type { TcpSession } from "./conn/tcp-session.ts";
import { DnsAnalyzer, DNS_UDP_PORTS, DNS_TCP_PORTS } from "./dns/analyzer.ts";
import { DhcpAnalyzer, DHCP_PORTS } from "./dhcp/analyzer.ts";
import { NtpAnalyzer, NTP_PORTS } from "./ntp/analyzer.ts";
import { NetbiosNameAnalyzer, NETBIOS_NS_PORTS } from "./netbios/name-analyzer.ts";
import { NetbiosDatagramAnalyzer, NETBIOS_DGM_PORTS } from "./netbios/datagram-analyzer.ts";
import { NetbiosSessionAnalyzer, NETBIOS_SSN_PORTS } from "./netbios/session-analyzer.ts";
import { SnmpAnalyzer, SNMP_PORTS } from "./snmp/analyzer.ts";
import { FtpAnalyzer, FTP_PORTS } from "./ftp/analyzer.ts";
import { VxlanAnalyzer, VXLAN_PORTS } from "./tunnels/vxlan.ts";
import { GeneveAnalyzer, GENEVE_PORTS } from "./tunnels/geneve.ts";
import { TeredoAnalyzer, TEREDO_PORTS } from "./tunnels/teredo.ts";
import { AyiyaAnalyzer, AYIYA_PORTS } from "./tunnels/ayiya.ts";
import { Gtpv1Analyzer, GTPV1_PORTS } from "./tunnels/gtpv1.ts";
import { GreOverUdpAnalyzer, GRE_UDP_PORTS } from "./tunnels/gre-over-udp.ts";
import { TunnelDetector } from "./tunnels/detection.ts";

interface PortAnalyzer {
  transport: "tcp" | "udp";
  ports: readonly number[];
  create(c: Connection, host: SessionHost): ConnectionAnalyzer;
  /** A tunnel (Zeek's packet analyzer under UDP): a connection on its port gets no tunnel detector. */
  tunnel?: boolean;
}

const PORT_ANALYZERS: PortAnalyzer[] = [
  { transport: "udp", ports: DNS_UDP_PORTS, create: (c, h) => new DnsAnalyzer(c, h) },
  { transport: "tcp", ports: DNS_TCP_PORTS, create: (c, h) => new DnsAnalyzer(c, h) },
  { transport: "udp", ports: DHCP_PORTS, create: (_c, h) => new DhcpAnalyzer(h) },
  { transport: "udp", ports: NTP_PORTS, create: () => new NtpAnalyzer() },
  // After DNS, which reads UDP 137 too and may flip the flow first (see NetbiosNameAnalyzer).
  { transport: "udp", ports: NETBIOS_NS_PORTS, create: (c, h) => new NetbiosNameAnalyzer(c, h) },
  { transport: "udp", ports: NETBIOS_DGM_PORTS, create: (_c, h) => new NetbiosDatagramAnalyzer(h) },
  { transport: "tcp", ports: NETBIOS_SSN_PORTS, create: (_c, h) => new NetbiosSessionAnalyzer(h) },
  { transport: "udp", ports: SNMP_PORTS, create: (_c, h) => new SnmpAnalyzer(h) },
  { transport: "tcp", ports: FTP_PORTS, create: (_c, h) => new FtpAnalyzer(h) },
  { transport: "udp", ports: VXLAN_PORTS, create: (_, h) => new VxlanAnalyzer(h), tunnel: true },
  { transport: "udp", ports: GENEVE_PORTS, create: (_, h) => new GeneveAnalyzer(h), tunnel: true },
  { transport: "udp", ports: TEREDO_PORTS, create: (_, h) => new TeredoAnalyzer(h), tunnel: true },
  { transport: "udp", ports: AYIYA_PORTS, create: (_, h) => new AyiyaAnalyzer(h), tunnel: true },
  { transport: "udp", ports: GTPV1_PORTS, create: (_, h) => new Gtpv1Analyzer(h), tunnel: true },
  { transport: "udp", ports: GRE_UDP_PORTS, create: (_, h) => new GreOverUdpAnalyzer(h), tunnel: true },
];

/** The analyzers of each port, in the order above, per transport: looked up once per new connection. */
const BY_PORT = { tcp: new Map<number, PortAnalyzer[]>(), udp: new Map<number, PortAnalyzer[]>() };
for (const pa of PORT_ANALYZERS) {
  const byPort = BY_PORT[pa.transport];
  for (const port of pa.ports) byPort.set(port, [...(byPort.get(port) ?? []), pa]);
}

/** One detector per host: it keeps no state of its own. */
const detectors = new WeakMap<SessionHost, TunnelDetector>();

function detectorOf(host: SessionHost): TunnelDetector {
  let detector = detectors.get(host);
  if (detector === undefined) detectors.set(host, (detector = new TunnelDetector(host)));
  return detector;
}

export function attachPortAnalyzers(c: Connection, host: SessionHost): void {
  let tunnel = false;
  const transport = c.transport;
  const list = transport === "udp" || transport === "tcp" ? BY_PORT[transport].get(c.respPort) : undefined;
  if (list !== undefined) {
    for (const pa of list) {
      c.addAnalyzer(pa.create(c, host));
      tunnel ||= pa.tunnel === true;
    }
  }
  if (transport === "udp" && !tunnel) c.addAnalyzer(detectorOf(host));
  if (c.transport === "tcp" && c.analyzers.some((a) => a.deliverStream)) {
    (c.session as TcpSession).enableStream(
      (isOrig, data) => {
        for (const a of c.analyzers) a.deliverStream?.(c, isOrig, data);
      },
      (isOrig) => {
        for (const a of c.analyzers) a.endOfStream?.(c, isOrig);
      },
    );
  }
}
