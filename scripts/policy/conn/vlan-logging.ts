// policy/conn/vlan-logging: the outer and inner VLAN ids of the connection in conn.log.
import { on, Log } from "nsm";

Log.extend("Conn::LOG", { vlan: "int", inner_vlan: "int" });

on("connection_state_remove", (c) => {
  c.conn!.vlan = c.vlan;
  c.conn!.inner_vlan = c.inner_vlan;
});
