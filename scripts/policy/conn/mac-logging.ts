// policy/conn/mac-logging: the link-layer addresses of both sides in conn.log.
import { on, Log } from "nsm";

Log.extend("Conn::LOG", { orig_l2_addr: "string", resp_l2_addr: "string" });

on("connection_state_remove", (c) => {
  c.conn!.orig_l2_addr = c.orig.l2_addr;
  c.conn!.resp_l2_addr = c.resp.l2_addr;
});
