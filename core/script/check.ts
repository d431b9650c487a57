// `nsm check FILE.ts`: type-checks a script against the script API (scripts/nsm.d.ts) with the
// TypeScript compiler, without running it. Returns one line per problem, as tsc prints them.
import { join } from "node:path";
import { SCRIPTS_DIR } from "./catalog.ts";

export async function checkScript(file: string): Promise<string[]> {
  const ts = (await import("typescript")).default;
  const options: import("typescript").CompilerOptions = {
    strict: true,
    noEmit: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    allowImportingTsExtensions: true,
    types: [],
    lib: ["lib.es2022.d.ts"],
    paths: { nsm: [join(SCRIPTS_DIR, "nsm.d.ts")] },
  };
  const program = ts.createProgram([file], options);
  const diagnostics = ts.getPreEmitDiagnostics(program);
  return diagnostics.map((d) => {
    const message = ts.flattenDiagnosticMessageText(d.messageText, "\n");
    if (!d.file || d.start === undefined) return `error TS${d.code}: ${message}`;
    const { line, character } = d.file.getLineAndCharacterOfPosition(d.start);
    return `${d.file.fileName}:${line + 1}:${character + 1} - error TS${d.code}: ${message}`;
  });
}
