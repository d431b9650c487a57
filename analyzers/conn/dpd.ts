// Zeek's DPD framework on an analyzer violation (base/frameworks/analyzer/dpd.zeek): unless the
// connection already carried more than DPD::ignore_violations_after payload bytes, the analyzer is
// disabled and its protocol leaves conn.log's service. Analyzers share this so the rule is one.
import type { Connection } from "./connection.ts";
import type { Options } from "../../core/options.ts";

/** True when the violation disables the analyzer `name` (the caller stops analysing); its service is removed then. */
export function violationDisables(conn: Connection, name: string, options: Options): boolean {
  const after = options["DPD::ignore_violations_after"];
  if (after > 0 && conn.session.size(true) + conn.session.size(false) > after) return false;
  conn.removeService(name);
  return true;
}
