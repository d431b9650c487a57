// policy/conn/community-id-logging: the flow's Community ID v1 in conn.log, to find it in the logs
// of other tools (Suricata, Wireshark, ...).
import type { ConnLogExtension } from "../../base/conn.ts";
import { communityId } from "../../../analyzers/conn/community-id.ts";

export const communityIdLogging: ConnLogExtension = {
  columns: [{ name: "community_id", type: "string" }],
  values: (c) => [communityId(c.origAddr, c.respAddr, c.ipVersion, c.ipProto, c.origPort, c.respPort)],
};
