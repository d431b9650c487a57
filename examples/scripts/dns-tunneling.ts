// DNS tunnelling: tools such as iodine and dnscat2 carry data in query names, encoded (base32,
// base64, hex) into long labels under a domain the attacker controls. Such names are long and, once
// the parent domain is set aside, close to random: their Shannon entropy per character is high,
// where names people and CDNs use repeat letters and words. Each query whose name is long enough
// and random enough is written to dns_tunneling.log, with the count of such queries the client has
// sent under the same parent domain so far (one is noise; hundreds are a channel). Host names
// people choose stay near 4 bits per character however long they get; base32 and base64 payloads
// climb toward 5 and 6. Hex-encoded channels (dnscat2) carry at most 4: lower min_entropy to 3.6
// to see them, and expect more long names of the ordinary kind.
//
//   nsm -r trace.pcap examples/scripts/dns-tunneling.ts --set DnsTunneling::min_length=60
import { on, Log, option, networkTime } from "nsm";

/** Names shorter than this (in bytes, dots included) are never reported. */
const MIN_LENGTH = option("DnsTunneling::min_length", 52);
/** Bits per character of the labels left of the parent domain, at or above which a long name is reported. */
const MIN_ENTROPY = option("DnsTunneling::min_entropy", 4.2);
/** How many labels make the parent domain ("example.com": 2). */
const DOMAIN_LABELS = option("DnsTunneling::domain_labels", 2);

Log.createStream("DnsTunneling::LOG", {
  path: "dns_tunneling",
  columns: {
    ts: "time",
    uid: "string",
    id: "conn_id",
    query: "string",
    qtype: "count",
    length: "count", // bytes of the whole name
    entropy: "double", // bits per character of the part left of `domain`
    domain: "string",
    count: "count", // reported queries from this client under this domain, this one included
  },
});

/** Reported queries per client and parent domain. */
const seen = new Map<string, number>();

/** Shannon entropy of the characters of `s`, in bits per character. */
function entropy(s: string): number {
  const counts = new Map<string, number>();
  for (const ch of s) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  let bits = 0;
  for (const n of counts.values()) {
    const p = n / s.length;
    bits -= p * Math.log2(p);
  }
  return bits;
}

on("dns_request", (c, msg, query, qtype) => {
  // Standard queries only; NetBIOS names are encoded by design.
  if (msg.opcode !== 0 || msg.is_netbios || query.length < MIN_LENGTH) return;
  const labels = query.split(".");
  if (labels.length <= DOMAIN_LABELS) return;
  const domain = labels.slice(-DOMAIN_LABELS).join(".");
  const payload = labels.slice(0, -DOMAIN_LABELS).join("");
  const bits = entropy(payload);
  if (bits < MIN_ENTROPY) return;
  const key = `${c.id.orig_h} ${domain}`;
  const count = (seen.get(key) ?? 0) + 1;
  seen.set(key, count);
  Log.write("DnsTunneling::LOG", {
    ts: networkTime(),
    uid: c.uid,
    id: c.id,
    query,
    qtype,
    length: query.length,
    entropy: Math.round(bits * 1000) / 1000,
    domain,
    count,
  });
});
