// policy/conn/vlan-logging: the outer and inner VLAN ids of the connection's first packet.
import type { ConnLogExtension } from "../../base/conn.ts";

export const vlanLogging: ConnLogExtension = {
  columns: [
    { name: "vlan", type: "int" },
    { name: "inner_vlan", type: "int" },
  ],
  values: (c) => [c.vlan >= 0 ? c.vlan : undefined, c.innerVlan >= 0 ? c.innerVlan : undefined],
};
