// Zeek's btest snmp-addr: prints every IpAddress value of every response's bindings.
import { on, print } from "nsm";

on("snmp_response", (_c, _is_orig, _h, pdu) => {
  for (const b of pdu.bindings) if (b.value.address !== undefined) print(b.value.address);
});
