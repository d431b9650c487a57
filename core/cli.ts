// The `nsm` command. `nsm -r capture.pcap [options] [scripts...]` reads a capture and writes
// Zeek-format logs into the current folder (or --logdir); `nsm check FILE.ts` type-checks a script.
// Options keep Zeek's names and letters.
import { Command, Option } from "commander";
import { mkdirSync } from "node:fs";
import pino from "pino";
import { applySetting, defaultOptions, isCoreOption, optionDocs, parseSetting } from "./options.ts";
import { describeError, NsmError } from "./errors.ts";
import { Subnet } from "./net/subnet.ts";
import { runTrace } from "./run.ts";
import { resolveScript } from "./script/catalog.ts";
import { checkScript } from "./script/check.ts";
import { addCutCommand } from "./cut/command.ts";
import { eventSignatures, formatEvents } from "./script/event-listing.ts";
import { formatScriptList } from "./script/script-listing.ts";
import type { ReadProgress } from "./capture/reader.ts";
import { ProgressBar } from "./progress/progress-bar.ts";
import { runSummary } from "./progress/summary.ts";

const log = pino({ name: "nsm", level: process.env.NSM_LOG_LEVEL ?? "warn" }, pino.destination(2));

interface CliOptions {
  read?: string;
  filter?: string;
  ignoreChecksums?: boolean;
  set?: string[];
  localNets?: string[];
  logdir: string;
  json?: boolean;
  watch?: boolean;
  progress: boolean;
  summary?: boolean;
}

const EXAMPLES = `
Examples:
  nsm -r trace.pcap                            conn.log, dns.log, weird.log here
  nsm -r trace.pcap --logdir out -j            JSON lines, in out/
  nsm -r trace.pcap policy/conn/mac-logging    with a bundled policy script
  nsm -r trace.pcap my-script.ts               with your own script (see nsm events)
  nsm cut -d ts id.orig_h id.resp_h < conn.log the columns you want, times readable
`;

const collect = (value: string, previous: string[] | undefined) => [...(previous ?? []), value];

function program(): Command {
  const p = new Command()
    .name("nsm")
    .usage("-r FILE [options] [scripts...]\n       nsm <command> [options]")
    .description("A Zeek-style network security monitor: reads a capture and writes Zeek-format logs (conn.log, dns.log, weird.log, ...) into the current folder.")
    .argument("[scripts...]", "bundled policy scripts (see `nsm scripts`) or your own script files (.ts), run in the sandbox")
    .option("-r, --read <file>", 'read packets from a pcap or pcapng file ("-" for standard input)')
    .option("-f, --filter <expression>", "packet filter in pcap-filter syntax (host, net, port, tcp, udp, ...)")
    .option("-C, --ignore-checksums", "do not verify checksums (Zeek's -C)")
    .addOption(new Option("--set <name=value>", "set an option by its Zeek name, or one a script declares; NAME+=VALUE adds to a set (repeatable)").argParser(collect))
    .addOption(new Option("--local-nets <cidr>", "networks to treat as local, besides private space (repeatable, or comma-separated)").argParser(collect))
    .option("--logdir <dir>", "folder for the logs", ".")
    .option("-j, --json", "write JSON lines instead of Zeek's tab-separated format")
    .option("--watch", "reload your scripts when their files change, without a restart")
    .option("--no-progress", "no progress bar (it is drawn only when stderr is a terminal)")
    .option("--summary", "print the end-of-run summary even when stderr is not a terminal")
    .addHelpText("after", EXAMPLES + "\nOptions for --set:\n" + optionDocs().map((o) => `  ${o.name.padEnd(42)} ${o.kind.padEnd(12)} ${o.doc}`).join("\n"))
    .showHelpAfterError()
    .enablePositionalOptions()
    .action((scripts: string[], cli: CliOptions) => run(cli, scripts));
  p.command("check")
    .description("type-check a script against nsm's script API without running it")
    .argument("<files...>", "script files (.ts)")
    .action(async (files: string[]) => {
      let failed = false;
      for (const f of files) {
        const problems = await checkScript(f);
        for (const line of problems) process.stderr.write(line + "\n");
        if (problems.length === 0) process.stdout.write(`${f}: ok\n`);
        failed ||= problems.length > 0;
      }
      if (failed) process.exitCode = 1;
    });
  addCutCommand(p);
  p.command("scripts")
    .description("list the bundled base and policy scripts")
    .action(() => {
      process.stdout.write(formatScriptList() + "\n");
    });
  p.command("events")
    .description("list every event a script can handle, with its typed arguments")
    .argument("[filter]", "only events whose name contains this text (e.g. dns)")
    .action(async (filter?: string) => {
      process.stdout.write(formatEvents(await eventSignatures(), filter) + "\n");
    });
  return p;
}

async function run(cli: CliOptions, scriptArgs: string[]): Promise<void> {
  if (!cli.read) throw new NsmError("NSM_ERR_NO_INPUT", "nothing to read: give a capture with -r FILE (see nsm --help)");
  const options = defaultOptions();
  if (cli.ignoreChecksums) options.ignore_checksums = true;
  const scripts = scriptArgs.map(resolveScript);
  for (const redef of scripts.flatMap((s) => s.redefs ?? [])) applySetting(options, redef);
  const scriptSettings = new Map<string, string>();
  for (const s of cli.set ?? []) {
    const setting = parseSetting(s);
    if (isCoreOption(setting.name)) applySetting(options, s);
    else scriptSettings.set(setting.name, setting.text);
  }
  const localNets = (cli.localNets ?? []).flatMap((v) => v.split(",")).filter(Boolean).map((t) => Subnet.parse(t.trim()));

  mkdirSync(cli.logdir, { recursive: true });
  const onTerminal = process.stderr.isTTY === true;
  const progress: ReadProgress = { bytes: 0, packets: 0, size: undefined };
  const bar = onTerminal && cli.progress ? new ProgressBar(process.stderr, progress) : undefined;
  const started = performance.now();
  bar?.start();
  const summary = await runTrace({
    source: cli.read,
    options,
    scriptSettings,
    filter: cli.filter,
    localNets,
    logs: { dir: cli.logdir, format: cli.json ? "json" : "tsv" },
    scripts,
    sandbox: { memoryBytes: options.script_memory_limit, deadlineMs: options.script_call_deadline * 1000 },
    watch: cli.watch,
    diagnostic: (line) => {
      bar?.clear();
      log.error(line);
    },
    notice: (line) => {
      bar?.clear();
      log.info(line);
    },
    progress,
  }).finally(() => bar?.stop());
  log.info({ packets: summary.capture.packets, connections: summary.connections, decoder: summary.decoder }, "run complete");
  if (summary.capture.truncated) process.stderr.write(`nsm: warning: ${summary.capture.truncated}\n`);
  if (onTerminal || cli.summary) process.stderr.write(runSummary(summary, (performance.now() - started) / 1000) + "\n");
}

program()
  .parseAsync(process.argv)
  .catch((err: unknown) => {
    process.stderr.write(describeError(err) + "\n");
    if (!(err instanceof NsmError)) log.error({ err }, "unexpected failure");
    process.exitCode = err instanceof NsmError && err.code !== "NSM_ERR_NOT_A_CAPTURE" ? 2 : 1;
  });
