// Turns a script file into code a host can run: esbuild bundles the script with its own relative
// imports into CommonJS, leaving `nsm` as the one external module (each host provides it). Node's
// modules are not resolvable, so a script that imports "fs" fails here with esbuild's message.
import { readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { build, buildSync, type BuildOptions } from "esbuild";
import { NsmError } from "../errors.ts";
import { PACKAGE_ROOT } from "./catalog.ts";
// Shared with build.mjs, which compiles the bundled scripts ahead. The source map is inline, so the
// code carries it wherever it goes: sandbox errors name lines of the source (source-lines.ts).
import TRANSPILE_OPTIONS from "./transpile-options.json" with { type: "json" };

const OPTIONS = TRANSPILE_OPTIONS as BuildOptions;

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

/** What build.mjs leaves in dist/scripts.json: each bundled script's code and the files it was made of. */
interface Precompiled {
  builtAt: number;
  scripts: Record<string, { code: string; inputs: string[] }>;
}

/**
 * The bundled scripts as the build compiled them, so that a run need not start esbuild for them
 * (about 70 ms of every start).
 */
export class PrecompiledScripts {
  private built: Precompiled | null | undefined;

  constructor(private readonly root: string) {}

  /** The code of the script at `path`; undefined without a build, or when a file it was made of changed since. */
  code(path: string): string | undefined {
    if (this.built === undefined) {
      try {
        this.built = JSON.parse(readFileSync(join(this.root, "dist", "scripts.json"), "utf8")) as Precompiled;
      } catch {
        this.built = null;
      }
    }
    const built = this.built;
    const entry = built?.scripts[relative(this.root, path)];
    if (built == null || entry === undefined) return undefined;
    for (const input of entry.inputs) {
      const mtime = statSync(join(this.root, input), { throwIfNoEntry: false })?.mtimeMs;
      if (mtime === undefined || mtime > built.builtAt) return undefined;
    }
    return entry.code;
  }
}

export const PRECOMPILED = new PrecompiledScripts(PACKAGE_ROOT);
