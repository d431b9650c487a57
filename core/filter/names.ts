// The service and protocol names a filter may use instead of numbers. libpcap asks the system's
// services and protocols databases; nsm keeps a small fixed table so a filter means the same on
// every machine. Ports follow the IANA registry as Debian's netbase /etc/services lists them: a
// name registered for one transport only matches that transport ("port http" is TCP port 80,
// exactly as tcpdump reads it there); proto 0 means TCP, UDP and SCTP alike.

export const PORT_NAMES: ReadonlyMap<string, { port: number; proto: 0 | 6 | 17 }> = new Map([
  ["ftp-data", { port: 20, proto: 6 }],
  ["ftp", { port: 21, proto: 6 }],
  ["ssh", { port: 22, proto: 6 }],
  ["telnet", { port: 23, proto: 6 }],
  ["smtp", { port: 25, proto: 6 }],
  ["domain", { port: 53, proto: 0 }],
  ["bootps", { port: 67, proto: 17 }],
  ["bootpc", { port: 68, proto: 17 }],
  ["tftp", { port: 69, proto: 17 }],
  ["http", { port: 80, proto: 6 }],
  ["kerberos", { port: 88, proto: 0 }],
  ["pop3", { port: 110, proto: 6 }],
  ["ntp", { port: 123, proto: 17 }],
  ["netbios-ns", { port: 137, proto: 17 }],
  ["netbios-dgm", { port: 138, proto: 17 }],
  ["netbios-ssn", { port: 139, proto: 6 }],
  ["snmp", { port: 161, proto: 0 }],
  ["snmp-trap", { port: 162, proto: 0 }],
  ["ldap", { port: 389, proto: 0 }],
  ["https", { port: 443, proto: 0 }],
  ["microsoft-ds", { port: 445, proto: 6 }],
  ["syslog", { port: 514, proto: 17 }],
  ["mdns", { port: 5353, proto: 17 }],
]);

/** IP protocol names for `proto NAME` / `ip proto \NAME` (IANA protocol numbers). */
export const PROTOCOL_NUMBERS: ReadonlyMap<string, number> = new Map([
  ["icmp", 1],
  ["igmp", 2],
  ["tcp", 6],
  ["udp", 17],
  ["gre", 47],
  ["esp", 50],
  ["ah", 51],
  ["icmp6", 58],
  ["pim", 103],
  ["vrrp", 112],
  ["sctp", 132],
]);
