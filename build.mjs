// Bundles the TypeScript sources into dist/ for the `nsm` bin and the benchmark (esbuild: ~100 ms),
// and compiles the bundled scripts into dist/scripts.json, with the files each is made of, so that a
// run starts without transpiling them (core/script/loader.ts checks they are still current).
import { readdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { build } from "esbuild";
import TRANSPILE_OPTIONS from "./core/script/transpile-options.json" with { type: "json" };

await build({
  entryPoints: { cli: "core/cli.ts", bench: "bench/bench.ts" },
  outdir: "dist",
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  packages: "external",
  sourcemap: true,
  logLevel: "warning",
});

const builtAt = Date.now();
const entryPoints = ["base", "policy"].flatMap((dir) =>
  readdirSync(join("scripts", dir), { recursive: true, encoding: "utf8" })
    .filter((f) => f.endsWith(".ts"))
    .map((f) => join("scripts", dir, f)),
);
const { outputFiles, metafile } = await build({ ...TRANSPILE_OPTIONS, entryPoints, outdir: "dist/scripts", outbase: ".", metafile: true });
const scripts = {};
for (const file of outputFiles) {
  const out = Object.entries(metafile.outputs).find(([path]) => resolve(path) === file.path)[1];
  scripts[out.entryPoint] = { code: file.text, inputs: Object.keys(out.inputs) };
}
writeFileSync("dist/scripts.json", JSON.stringify({ builtAt, scripts }));
