// policy/conn/community-id-logging: the flow's Community ID v1 in conn.log, to find the same flow
// in the logs of other tools (Suricata, Wireshark, ...).
import { on, Log, communityId } from "nsm";

Log.extend("Conn::LOG", { community_id: "string" });

on("connection_state_remove", (c) => {
  c.conn!.community_id = communityId(c);
});
