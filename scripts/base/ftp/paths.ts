// Paths and numbers in FTP replies, as Zeek's base/utils (paths.zeek, numbers.zeek) and its
// compress_path read them: the client's working directory is followed through CWD, CDUP and PWD
// replies so that a file command's argument can be logged as a full ftp:// URL.

/** An absolute path: "/..." or a drive "C:\..." (Zeek's absolute_path_pat). */
const ABSOLUTE = /^(\/|[A-Za-z]:[\\/])/;
/** A path in a reply: from "/" or a drive, up to a quote or a space that is not escaped (Zeek's longest match). */
const PATH_IN_TEXT = /(\/|[A-Za-z]:[\\/])(\\ |[^" ])*/;

/** The first path in `input` ("257 "/pub" is the current directory"), or "". */
export function extractPath(input: string): string {
  return PATH_IN_TEXT.exec(input)?.[0] ?? "";
}

/** `file` against `dir`: as it is when absolute (or `dir` is empty), else joined with one "/". */
export function buildPath(dir: string, file: string): string {
  if (ABSOLUTE.test(file) || dir === "") return file;
  return dir + (dir.endsWith("/") ? "" : "/") + file;
}

export function buildPathCompressed(dir: string, file: string): string {
  return compressPath(buildPath(dir, file));
}

/**
 * Zeek's compress_path: "." and empty components go (a leading "." stays), ".." takes the
 * component before it away (not past "/", "~" or another ".."), a trailing "/" goes.
 */
export function compressPath(path: string): string {
  if (!path.includes("/.") && !path.includes("//")) return path.length > 1 && path.endsWith("/") ? path.slice(0, -1) : path;
  const out: string[] = [];
  const parts = path.split("/");
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i];
    if (part === "" || (part === "." && i !== 0)) continue;
    out.push(part);
    if (part !== ".." || out.length < 2) continue;
    const last = out[out.length - 2];
    if (last === "/" || last === "~" || last === "..") continue;
    if (last === ".") {
      out.splice(out.length - 2, 1);
    } else {
      out.length -= 2;
    }
  }
  let result = (path.startsWith("/") ? "/" : "") + out.map((p) => p + "/").join("");
  if (result.length > 1 && result.endsWith("/")) result = result.slice(0, -1);
  return result;
}

/** The last number in `s` (Zeek's extract_count(s, F)), or 0: "(77 bytes)" gives 77. */
export function extractLastCount(s: string): number {
  const all = s.match(/[0-9]+/g);
  return all === null ? 0 : Number(all[all.length - 1]);
}
