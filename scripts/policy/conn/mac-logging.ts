// policy/conn/mac-logging: the link-layer addresses of both sides in conn.log.
import type { ConnLogExtension } from "../../base/conn.ts";

export const macLogging: ConnLogExtension = {
  columns: [
    { name: "orig_l2_addr", type: "string" },
    { name: "resp_l2_addr", type: "string" },
  ],
  values: (c) => [c.origL2, c.respL2],
};
