// Loads scripts into the runtime: bundled ones natively, users' files in the sandbox (one QuickJS
// runtime each). A script that fails to load stops the run with the reason.
import type { ScriptRuntime } from "./runtime.ts";
import type { ScriptSource } from "./catalog.ts";
import { PRECOMPILED, transpileScriptSync } from "./loader.ts";
import { NativeHost } from "./native-host.ts";
import { SandboxHost, loadQuickJs, type SandboxLimits } from "./sandbox-host.ts";
import type { ScriptHost } from "./host.ts";
import { ScriptLoadError } from "./loader.ts";

export type SandboxSettings = Partial<SandboxLimits>;

export async function createHost(runtime: ScriptRuntime, source: ScriptSource, sandbox?: SandboxSettings): Promise<ScriptHost> {
  if (source.bundled) return new NativeHost(source.path, runtime);
  return new SandboxHost(source.path, runtime, await loadQuickJs(sandbox), sandbox);
}

export async function loadScripts(runtime: ScriptRuntime, sources: ScriptSource[], sandbox?: SandboxSettings): Promise<ScriptHost[]> {
  const hosts: ScriptHost[] = [];
  for (const source of sources) {
    const code = (source.bundled ? PRECOMPILED.code(source.path) : undefined) ?? transpileScriptSync(source.path);
    const host = await createHost(runtime, source, sandbox);
    try {
      runtime.add(host, code);
    } catch (e) {
      host.dispose();
      throw e instanceof ScriptLoadError ? e : new ScriptLoadError(`${source.path}: ${(e as Error).message}`);
    }
    hosts.push(host);
  }
  return hosts;
}
