// policy/dhcp/sub-opts: the relay agent information a DHCP relay added (option 82, RFC 3046) in
// dhcp.log, as Zeek's protocols/dhcp/sub-opts does: the circuit id, the remote id and the
// subscriber id (RFC 3993) of the transaction's last message that carried them.
import { on, Log } from "nsm";

Log.extend("DHCP::LOG", { circuit_id: "string", agent_remote_id: "string", subscriber_id: "string" });

const CIRCUIT_ID = 1;
const REMOTE_ID = 2;
const SUBSCRIBER_ID = 6;

on(
  "dhcp_message",
  (c, _isOrig, _msg, options) => {
    const info = c.dhcp;
    if (info === undefined || options.sub_opt === undefined) return;
    for (const sub of options.sub_opt) {
      if (sub.code === CIRCUIT_ID) info.circuit_id = sub.value;
      else if (sub.code === REMOTE_ID) info.agent_remote_id = sub.value;
      else if (sub.code === SUBSCRIBER_ID) info.subscriber_id = sub.value;
    }
  },
  { priority: -6 },
);
