// Bundled policy scripts by the names a Zeek user loads them with.
import type { ConnLogExtension } from "../base/conn.ts";
import { macLogging } from "./conn/mac-logging.ts";
import { vlanLogging } from "./conn/vlan-logging.ts";
import { communityIdLogging } from "./conn/community-id-logging.ts";

export const policyScripts: Record<string, ConnLogExtension> = {
  "policy/conn/mac-logging": macLogging,
  "policy/conn/vlan-logging": vlanLogging,
  "policy/conn/community-id-logging": communityIdLogging,
};
