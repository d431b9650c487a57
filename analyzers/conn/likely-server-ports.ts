// Ports are kept as one number, port | transport << 16, so a set lookup costs nothing on the hot path.
// The default `likely_server_ports` is what Zeek's default scripts register: the server ports of every
// protocol analyzer and tunnel decoder it loads (each protocol script adds its own in Zeek).

export const PORT_TCP = 0;
export const PORT_UDP = 1 << 16;
export const PORT_ICMP = 2 << 16;

const TRANSPORTS: Record<string, number> = { tcp: PORT_TCP, udp: PORT_UDP, icmp: PORT_ICMP };

/** "53/udp" → 53 | PORT_UDP; undefined when the text is not a port. */
export function parsePort(text: string): number | undefined {
  const m = /^(\d{1,5})\/(tcp|udp|icmp)$/i.exec(text.trim());
  if (!m || Number(m[1]) > 65535) return undefined;
  return Number(m[1]) | TRANSPORTS[m[2].toLowerCase()];
}

const TCP = [
  135, 20000, 53, 79, 21, 2811, 80, 81, 631, 1080, 3128, 8000, 8080, 8888, 143, 6666, 6667, 6668, 6669, 88,
  389, 3268, 502, 1883, 1434, 3306, 5432, 3389, 6379, 139, 445, 25, 587, 22, 443, 465, 563, 585, 614, 636,
  989, 990, 992, 993, 995, 5223, 514, 5222, 5269,
];
const UDP = [
  5072, 6081, 4754, 2152, 2123, 3544, 4789, 67, 4011, 20000, 53, 137, 5353, 5355, 88, 389, 123, 443, 1812,
  3389, 5060, 161, 162, 514,
];

export const DEFAULT_LIKELY_SERVER_PORTS: readonly number[] = [...TCP.map((p) => p | PORT_TCP), ...UDP.map((p) => p | PORT_UDP)];
