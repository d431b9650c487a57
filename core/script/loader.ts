// Turns a script file into code a host can run: esbuild bundles the script with its own relative
// imports into CommonJS, leaving `nsm` as the one external module (each host provides it). Node's
// modules are not resolvable, so a script that imports "fs" fails here with esbuild's message.
import { build, buildSync, type BuildOptions } from "esbuild";
import { NsmError } from "../errors.ts";

const OPTIONS: BuildOptions = {
  bundle: true,
  format: "cjs",
  platform: "neutral",
  target: "es2022",
  external: ["nsm"],
  write: false,
  logLevel: "silent",
  // Inline, so the code carries it wherever it goes: sandbox errors name lines of the source (source-lines.ts).
  sourcemap: "inline",
  sourcesContent: false,
};

export class ScriptLoadError extends NsmError {
  constructor(message: string) {
    super("NSM_ERR_SCRIPT_LOAD", message);
  }
}

function failure(path: string, e: unknown): ScriptLoadError {
  const errors = (e as { errors?: { text: string; location?: { line: number; column: number } | null }[] }).errors;
  const first = errors?.[0];
  const where = first?.location ? `:${first.location.line}:${first.location.column}` : "";
  return new ScriptLoadError(`${path}${where}: ${first?.text ?? (e as Error).message}`);
}

export function transpileScriptSync(path: string): string {
  try {
    return buildSync({ ...OPTIONS, entryPoints: [path] }).outputFiles![0].text;
  } catch (e) {
    throw failure(path, e);
  }
}

export async function transpileScript(path: string): Promise<string> {
  try {
    return (await build({ ...OPTIONS, entryPoints: [path] })).outputFiles![0].text;
  } catch (e) {
    throw failure(path, e);
  }
}
