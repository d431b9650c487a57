// Which scripts a run loads: the base scripts always (they write the logs), bundled policy scripts
// named on the command line, and users' script files. Bundled scripts ship as TypeScript source in
// the package's scripts/ folder and run natively; a user's file runs in the sandbox.
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { UnknownScriptError } from "../errors.ts";

export const BASE_SCRIPTS = ["base/conn.ts", "base/weird.ts", "base/dns.ts", "base/dhcp.ts", "base/netbios.ts", "base/snmp.ts", "base/ftp.ts", "base/tunnels.ts"];

export const POLICY_SCRIPTS = [
  "policy/conn/mac-logging",
  "policy/conn/vlan-logging",
  "policy/conn/community-id-logging",
  "policy/dns/auth-addl",
  "policy/dns/log-original-query-case",
  "policy/netbios/host-inventory",
  "policy/dhcp/sub-opts",
  "policy/snmp/varbinds",
  "policy/snmp/default-communities",
  "policy/misc/stats",
  "policy/misc/capture-loss",
];

/** Loaded in live mode whether named or not: the sensor's health logs (stats.log, capture_loss.log). */
export const LIVE_POLICY_SCRIPTS = ["policy/misc/stats", "policy/misc/capture-loss"];

/** Core options a bundled policy changes when it is loaded (Zeek's `redef` in the policy). */
export const POLICY_REDEFS: Record<string, string[]> = {
  "policy/dns/auth-addl": ["dns_skip_all_auth=F", "dns_skip_all_addl=F"],
};

export interface ScriptSource {
  path: string;
  /** Bundled with nsm and trusted: runs natively. */
  bundled: boolean;
  /** Core options the script changes (bundled policies). */
  redefs?: string[];
}

/** The package root: the nearest folder above this module whose package.json is nsm's. */
function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const pkg = join(dir, "package.json");
    if (existsSync(pkg) && JSON.parse(readFileSync(pkg, "utf8")).name === "nsm") return dir;
    const up = dirname(dir);
    if (up === dir) throw new Error("cannot find nsm's package root");
    dir = up;
  }
}

export const PACKAGE_ROOT = packageRoot();
export const SCRIPTS_DIR = join(PACKAGE_ROOT, "scripts");

/** A command-line script argument: a bundled policy by name, or a script file of the user's. */
export function resolveScript(arg: string): ScriptSource {
  const name = arg.replace(/\.(ts|zeek)$/, "");
  if (POLICY_SCRIPTS.includes(name)) return { path: join(SCRIPTS_DIR, name + ".ts"), bundled: true, redefs: POLICY_REDEFS[name] };
  if (/\.(ts|js|mts|mjs)$/.test(arg) && existsSync(arg)) return { path: resolve(arg), bundled: false };
  throw new UnknownScriptError(`no bundled script named "${arg}" and no such script file (bundled: ${POLICY_SCRIPTS.join(", ")})`);
}

export function baseScripts(): ScriptSource[] {
  return BASE_SCRIPTS.map((s) => ({ path: join(SCRIPTS_DIR, s), bundled: true }));
}
