// `nsm events`: every event a script can handle, with its typed signature and its doc comment, read
// from the script API's declarations (scripts/nsm.d.ts, every `interface Events` in it, merged as
// TypeScript merges them) with the TypeScript compiler's parser. Nothing here is a copy of the
// declarations, so an event added there is listed at once.

import { readFileSync } from "node:fs";
import { join } from "node:path";
import { SCRIPTS_DIR } from "./catalog.ts";

export interface EventSignature {
  name: string;
  /** The parameters as declared: `c: Connection, is_orig: boolean`. */
  params: string;
  arity: number;
  doc: string;
}

export async function eventSignatures(file = join(SCRIPTS_DIR, "nsm.d.ts")): Promise<EventSignature[]> {
  const ts = (await import("typescript")).default;
  const source = ts.createSourceFile(file, readFileSync(file, "utf8"), ts.ScriptTarget.ES2022, true);
  const events: EventSignature[] = [];
  const visit = (node: import("typescript").Node): void => {
    if (ts.isInterfaceDeclaration(node) && node.name.text === "Events") {
      for (const member of node.members) {
        if (!ts.isPropertySignature(member) || !member.type || !ts.isTupleTypeNode(member.type)) continue;
        const params = member.type.elements.map((e) => e.getText(source).replace(/\s+/g, " ")).join(", ");
        const doc = ts
          .getJSDocCommentsAndTags(member)
          .map((d) => ts.getTextOfJSDocComment(d.comment) ?? "")
          .join(" ")
          .replace(/\s+/g, " ")
          .trim();
        events.push({ name: member.name.getText(source), params, arity: member.type.elements.length, doc });
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return events;
}

/** One line per event (`name(params)`), its doc comment indented under it; `filter` keeps names containing it. */
export function formatEvents(events: EventSignature[], filter?: string): string {
  return events
    .filter((e) => !filter || e.name.includes(filter))
    .map((e) => `${e.name}(${e.params})` + (e.doc ? `\n    ${e.doc}` : ""))
    .join("\n");
}
