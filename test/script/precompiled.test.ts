// The bundled scripts the build compiles ahead (dist/scripts.json, made by build.mjs before the tests):
// the same code the loader makes at run time, and never used once a file it was made of changed.
import { describe, expect, it } from "vitest";
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PRECOMPILED, PrecompiledScripts, transpileScriptSync } from "../../core/script/loader.ts";
import { BASE_SCRIPTS, POLICY_SCRIPTS, SCRIPTS_DIR } from "../../core/script/catalog.ts";

/** Code without its trailing source map, whose paths depend on where esbuild was told to write. */
const withoutMap = (code: string) => code.replace(/\/\/# sourceMappingURL=.*\s*$/, "");

describe("precompiled bundled scripts", () => {
  it("are what the loader makes of each base and policy script", () => {
    const paths = [...BASE_SCRIPTS.map((s) => join(SCRIPTS_DIR, s)), ...POLICY_SCRIPTS.map((s) => join(SCRIPTS_DIR, s + ".ts"))];
    for (const path of paths) {
      const code = PRECOMPILED.code(path);
      expect(code, path).toBeDefined();
      expect(withoutMap(code!), path).toBe(withoutMap(transpileScriptSync(path)));
    }
  });

  it("are used only while every file they were made of is older than the build", () => {
    const root = mkdtempSync(join(tmpdir(), "nsm-precompiled-"));
    mkdirSync(join(root, "dist"));
    mkdirSync(join(root, "scripts"));
    const builtAt = Date.now();
    writeFileSync(
      join(root, "dist", "scripts.json"),
      JSON.stringify({ builtAt, scripts: { "scripts/a.ts": { code: "compiled a", inputs: ["scripts/a.ts", "scripts/shared.ts"] } } }),
    );
    for (const f of ["a.ts", "shared.ts"]) {
      writeFileSync(join(root, "scripts", f), "");
      utimesSync(join(root, "scripts", f), new Date(builtAt - 60_000), new Date(builtAt - 60_000));
    }
    expect(new PrecompiledScripts(root).code(join(root, "scripts", "a.ts"))).toBe("compiled a");
    expect(new PrecompiledScripts(root).code(join(root, "scripts", "other.ts"))).toBeUndefined();

    utimesSync(join(root, "scripts", "shared.ts"), new Date(builtAt + 60_000), new Date(builtAt + 60_000));
    expect(new PrecompiledScripts(root).code(join(root, "scripts", "a.ts"))).toBeUndefined();
    rmSync(root, { recursive: true, force: true });
  });

  it("are not used without a build", () => {
    const root = mkdtempSync(join(tmpdir(), "nsm-precompiled-"));
    expect(new PrecompiledScripts(root).code(join(root, "scripts", "a.ts"))).toBeUndefined();
    rmSync(root, { recursive: true, force: true });
  });
});
