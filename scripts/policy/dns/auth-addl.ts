// policy/dns/auth-addl: the authority and additional records of each reply in dns.log (`auth`,
// `addl`), as Zeek's protocols/dns/auth-addl does. base/dns keeps their summaries; this shows them.
// Zeek reads those sections only when asked (dns_skip_all_auth=F, dns_skip_all_addl=F, which
// loading this policy implies): every record of every reply then costs an event.
import { Log } from "nsm";

Log.extend("DNS::LOG", { auth: "set[string]", addl: "set[string]" });
