// Hot reload: watches users' scripts (chokidar) and, when one changes (or on reloadAll, nsm -i's
// SIGHUP), transpiles it and loads it into a fresh host. The swap happens between two events (this runs between packets, never inside an
// event), the new version's zeek_init runs, and log files stay open. A version that fails to
// transpile or to load leaves the old one running, and says why.
import { watch, type FSWatcher } from "chokidar";
import type { ScriptRuntime } from "./runtime.ts";
import type { ScriptHost } from "./host.ts";
import { transpileScript } from "./loader.ts";
import { createHost, type SandboxSettings } from "./load.ts";

export class ScriptReloader {
  private readonly watcher: FSWatcher | undefined;
  /** Reloads in flight, so a run can wait for them before it ends. */
  private pending = Promise.resolve();

  constructor(
    private readonly runtime: ScriptRuntime,
    private readonly hosts: Map<string, ScriptHost>,
    private readonly sandbox: SandboxSettings | undefined,
    private readonly notice: (line: string) => void,
    /** Watch the files; without it, scripts reload only on reloadAll(). */
    watchFiles = true,
  ) {
    // chokidar never reports ready for an empty list.
    if (!watchFiles || hosts.size === 0) return;
    this.watcher = watch([...hosts.keys()], { ignoreInitial: true });
    this.watcher.on("change", (path) => this.queue(path));
  }

  private queue(path: string): Promise<void> {
    this.pending = this.pending.then(() => this.reload(path));
    return this.pending;
  }

  /** Reloads every script, one after the other; resolves when all are done. */
  reloadAll(): Promise<void> {
    for (const path of this.hosts.keys()) void this.queue(path);
    return this.pending;
  }

  get size(): number {
    return this.hosts.size;
  }

  /** Resolves once the watcher is watching. */
  ready(): Promise<void> {
    const w = this.watcher;
    return w ? new Promise((resolve) => w.once("ready", () => resolve())) : Promise.resolve();
  }

  async reload(path: string): Promise<void> {
    const prev = this.hosts.get(path);
    if (!prev) return;
    const started = performance.now();
    let next: ScriptHost | undefined;
    try {
      const code = await transpileScript(path);
      next = await createHost(this.runtime, { path, bundled: false }, this.sandbox);
      this.runtime.replace(prev, next, code);
      this.hosts.set(path, next);
      this.notice(`reloaded ${path} in ${(performance.now() - started).toFixed(1)} ms`);
    } catch (e) {
      next?.dispose();
      this.runtime.report(path, "error", `reload failed, the previous version keeps running: ${(e as Error).message}`);
    }
  }

  async close(): Promise<void> {
    await this.pending;
    await this.watcher?.close();
  }
}
