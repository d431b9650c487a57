// policy/dns/log-original-query-case: the question as it was sent, letter case included, in
// dns.log's `original_query` (`query` is lower-cased), as Zeek's protocols/dns/log-original-query-case.
import { on, Log } from "nsm";

Log.extend("DNS::LOG", { original_query: "string" });

on(
  "dns_request",
  (c, msg, _query, _qtype, _qclass, originalQuery) => {
    // Only standard queries are tracked.
    if (msg.opcode === 0 && c.dns !== undefined) c.dns.original_query = originalQuery;
  },
  { priority: 5 },
);
