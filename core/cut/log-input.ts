// The lines of one log: a file or standard input ("-"), plain or gzip'd (rotated logs are often
// compressed; the magic bytes decide, not the name). Bytes become text one to one (latin1), so
// whatever a log holds comes out of `nsm cut` byte for byte.

import { createReadStream } from "node:fs";
import { Readable } from "node:stream";
import { createGunzip } from "node:zlib";

async function* rawChunks(source: string): AsyncGenerator<Buffer> {
  const stream: AsyncIterable<Buffer> = source === "-" ? process.stdin : createReadStream(source);
  const chunks = stream[Symbol.asyncIterator]();
  const first = await chunks.next();
  if (first.done) return;
  const all = (async function* () {
    yield first.value;
    for (let next = await chunks.next(); !next.done; next = await chunks.next()) yield next.value;
  })();
  if (first.value[0] === 0x1f && first.value[1] === 0x8b) yield* Readable.from(all).pipe(createGunzip());
  else yield* all;
}

/** Calls onLine for each line (newline removed; a last line without one counts), then onChunkDone after each chunk. */
export async function readLogLines(source: string, onLine: (line: string) => void, onChunkDone: () => Promise<void>): Promise<void> {
  let carry = "";
  for await (const chunk of rawChunks(source)) {
    const text = carry + chunk.toString("latin1");
    let start = 0;
    for (let nl = text.indexOf("\n"); nl >= 0; nl = text.indexOf("\n", start)) {
      onLine(text.slice(start, nl));
      start = nl + 1;
    }
    carry = text.slice(start);
    await onChunkDone();
  }
  if (carry !== "") onLine(carry);
}
