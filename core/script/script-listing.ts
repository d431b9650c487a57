// `nsm scripts`: the bundled scripts, each with the first clause of its own header comment, so the
// list can never disagree with the scripts themselves.

import { readFileSync } from "node:fs";
import { join } from "node:path";
import { BASE_SCRIPTS, POLICY_SCRIPTS, SCRIPTS_DIR } from "./catalog.ts";

export interface ScriptEntry {
  name: string;
  description: string;
}

/** The header comment's first sentence, without a leading "name:" that repeats the script's name, up to its first colon clause. */
export function describeScript(name: string, source: string): string {
  const header: string[] = [];
  for (const line of source.split("\n")) {
    const m = /^\s*\/\/\s?(.*)$/.exec(line);
    if (!m) break;
    header.push(m[1].trim());
  }
  const text = header.join(" ");
  const sentence = text.split(/\.(?:\s|$)/)[0];
  const clauses = sentence.split(": ");
  if (clauses[0] === name) clauses.shift();
  // A log name ("conn.log") introduces what follows: keep it with its clause.
  return clauses[0]?.endsWith(".log") && clauses.length > 1 ? `${clauses[0]}: ${clauses[1]}` : (clauses[0] ?? "");
}

function entries(names: string[]): ScriptEntry[] {
  return names.map((name) => ({ name, description: describeScript(name, readFileSync(join(SCRIPTS_DIR, name + ".ts"), "utf8")) }));
}

export function listScripts(): { base: ScriptEntry[]; policy: ScriptEntry[] } {
  return { base: entries(BASE_SCRIPTS.map((s) => s.replace(/\.ts$/, ""))), policy: entries(POLICY_SCRIPTS) };
}

export function formatScriptList(): string {
  const { base, policy } = listScripts();
  const width = Math.max(...[...base, ...policy].map((e) => e.name.length)) + 2;
  const rows = (list: ScriptEntry[]) => list.map((e) => `  ${e.name.padEnd(width)}${e.description}`);
  return [
    "Base scripts (always loaded; they write the logs):",
    ...rows(base),
    "",
    "Policy scripts (load one by naming it: nsm -r trace.pcap policy/conn/mac-logging):",
    ...rows(policy),
  ].join("\n");
}
