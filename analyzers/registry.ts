// Which application analyzers a new connection gets, by transport and responder port, as Zeek's
// analyzers register for their well-known ports (Zeek's Analyzer::register_for_ports).
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

interface PortAnalyzer {
  transport: "tcp" | "udp";
  ports: readonly number[];
  create(c: Connection, host: SessionHost): ConnectionAnalyzer;
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
];

export function attachPortAnalyzers(c: Connection, host: SessionHost): void {
  for (const pa of PORT_ANALYZERS) {
    if (pa.transport === c.transport && pa.ports.includes(c.respPort)) c.analyzers.push(pa.create(c, host));
  }
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
