// The fenced blocks of a Markdown file, for the README test: language, info string, the file a
// block asks to be saved as (`file=NAME`), and whether a shell block needs a live interface.

export interface FencedBlock {
  /** 1-based line of the opening fence. */
  line: number;
  lang: string;
  /** `file=NAME` in the info string: the block is saved as NAME before later blocks run. */
  file?: string;
  text: string;
}

export function fencedBlocks(markdown: string): FencedBlock[] {
  const blocks: FencedBlock[] = [];
  const lines = markdown.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const open = /^(\s*)```(\S*)\s*(.*)$/.exec(lines[i]);
    if (!open) continue;
    const indent = open[1].length;
    const body: string[] = [];
    let j = i + 1;
    while (j < lines.length && !/^\s*```\s*$/.test(lines[j])) body.push(lines[j++].slice(indent));
    const file = /(?:^|\s)file=(\S+)/.exec(open[3])?.[1];
    blocks.push({ line: i + 1, lang: open[2], file, text: body.join("\n") + "\n" });
    i = j;
  }
  return blocks;
}

export const isShell = (b: FencedBlock) => b.lang === "sh" || b.lang === "bash";

/** The lines of a shell block that the test runs: all but the project's own `npm ...` commands. */
export function runnableScript(b: FencedBlock): string {
  return b.text
    .split("\n")
    .filter((l) => !/^\s*npm\s/.test(l))
    .join("\n");
}

const INTERFACE_OPTION = /(^|[\s|;&(])(-i|--interface)(\s+)(?!-)([^\s#;|&)]+)/g;

/** Does a command in this script take a live interface (`nsm -i eth0`, `tcpdump -i eth0`)? Comments do not count. */
export function needsInterface(script: string): boolean {
  return script.split("\n").some((l) => new RegExp(INTERFACE_OPTION.source).test(l.replace(/(^|\s)#.*$/, "")));
}

const COMMAND_SEPARATOR = /(\|\||&&|\||;)/;

/**
 * The script as the lab runs it: every interface name after -i/--interface replaced by `ifname`, and
 * every command that takes one run under `timeout -s INT seconds`, as a user's Ctrl-C after that
 * long (`--preserve-status`: the command's own exit status, 0 for a clean stop). Comments stay.
 */
export function onInterface(script: string, ifname: string, seconds: number): string {
  return script
    .split("\n")
    .map((line) => {
      const hash = line.search(/(^|\s)#/);
      const [code, comment] = hash < 0 ? [line, ""] : [line.slice(0, hash), line.slice(hash)];
      const parts = code.split(COMMAND_SEPARATOR).map((part, i) => {
        // Odd places hold the separators split() kept.
        if (i % 2 === 1 || !new RegExp(INTERFACE_OPTION.source).test(part)) return part;
        const named = part.replace(INTERFACE_OPTION, (_m, before: string, opt: string, space: string) => `${before}${opt}${space}${ifname}`);
        return named.replace(/^(\s*)/, `$1timeout --preserve-status -s INT ${seconds} `);
      });
      return parts.join("") + comment;
    })
    .join("\n");
}
