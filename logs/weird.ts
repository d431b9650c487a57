// weird.log's columns as Zeek writes them (corpus: scripts.base.protocols.snmp.oid-subidentifier-too-long/weird.log).
// ts, uid and id.* are unset for a weird that belongs to no connection; `peer` names the Zeek node.

import type { LogSchema } from "./schema.ts";

export const weirdSchema: LogSchema = {
  path: "weird",
  columns: [
    { name: "ts", type: "time" },
    { name: "uid", type: "string" },
    { name: "id.orig_h", type: "addr" },
    { name: "id.orig_p", type: "port" },
    { name: "id.resp_h", type: "addr" },
    { name: "id.resp_p", type: "port" },
    { name: "name", type: "string" },
    { name: "addl", type: "string" },
    { name: "notice", type: "bool" },
    { name: "peer", type: "string" },
    { name: "source", type: "string" },
  ],
};
