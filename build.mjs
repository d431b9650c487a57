// Bundles the TypeScript sources into dist/ for the `nsm` bin and the benchmark (esbuild: ~100 ms).
import { build } from "esbuild";

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
