// Script errors should name the line of the user's TypeScript, not of the JavaScript esbuild made of
// it: the loader leaves the source map inline at the end of the code, and this turns the sandbox's
// "at line N" (a line of that code) into "at FILE:LINE" of the source.
import { SourceMap } from "node:module";

const INLINE_MAP = /\/\/# sourceMappingURL=data:application\/json;base64,([A-Za-z0-9+/=]+)\s*$/;
const AT_LINE = / at line (\d+)$/;

export class SourceLines {
  private constructor(private readonly map: SourceMap | undefined) {}

  /** The map carried by transpiled code; code without one keeps its own line numbers. */
  static of(code: string): SourceLines {
    const m = INLINE_MAP.exec(code);
    if (!m) return new SourceLines(undefined);
    try {
      return new SourceLines(new SourceMap(JSON.parse(Buffer.from(m[1], "base64").toString("utf8"))));
    } catch {
      return new SourceLines(undefined);
    }
  }

  /** "Error: boom at line 7" → "Error: boom at user.ts:5"; other messages as they are. */
  locate(message: string): string {
    const m = AT_LINE.exec(message);
    if (!m || !this.map) return message;
    // The last mapping on the generated line: the statement that line belongs to.
    const entry = this.map.findEntry(Number(m[1]) - 1, Number.MAX_SAFE_INTEGER) as { generatedLine?: number; originalSource?: string; originalLine?: number };
    if (entry.generatedLine !== Number(m[1]) - 1 || entry.originalSource === undefined) return message;
    return `${message.slice(0, m.index)} at ${entry.originalSource}:${entry.originalLine! + 1}`;
  }
}
