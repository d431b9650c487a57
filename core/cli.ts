// The `nsm` command. `nsm -r capture.pcap [options] [scripts...]` reads a capture and writes
// Zeek-format logs into the current folder (or --logdir); `nsm -i IFACE` does the same with live
// traffic until a signal; `nsm check FILE.ts` type-checks a script. Options keep Zeek's names and letters.
import { Command, Option } from "commander";
import { mkdirSync } from "node:fs";
import pino from "pino";
import { applySetting, defaultOptions, isCoreOption, optionDocs, parseOptionValue, parseSetting } from "./options.ts";
import { BadOptionError, describeError, NsmError } from "./errors.ts";
import { Subnet } from "./net/subnet.ts";
import { runTrace } from "./run.ts";
import { runLive } from "./run-live.ts";
import { LIVE_POLICY_SCRIPTS, resolveScript } from "./script/catalog.ts";
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
  interface?: string;
  rotate?: string;
  bufferSize: string;
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
  nsm -i eth0                                  capture live until SIGINT or SIGTERM, logs rotated hourly
  nsm cut -d ts id.orig_h id.resp_h < conn.log the columns you want, times readable
`;

const collect = (value: string, previous: string[] | undefined) => [...(previous ?? []), value];

function program(): Command {
  const p = new Command()
    .name("nsm")
    .usage("-r FILE | -i IFACE [options] [scripts...]\n       nsm <command> [options]")
    .description("A Zeek-style network security monitor: reads a capture (-r), or captures live (-i), and writes Zeek-format logs (conn.log, dns.log, weird.log, ...) into the current folder.")
    .argument("[scripts...]", "bundled policy scripts (see `nsm scripts`) or your own script files (.ts), run in the sandbox")
    .option("-r, --read <file>", 'read packets from a pcap or pcapng file ("-" for standard input)')
    .option("-i, --interface <name>", 'capture live on a network interface ("any" for all) until SIGINT or SIGTERM')
    .option("-f, --filter <expression>", "packet filter in pcap-filter syntax (host, net, port, tcp, udp, ...); with -i libpcap compiles it")
    .option("--rotate <interval>", 'close and rename every log each interval, e.g. "1 hr" or "15 min" (default with -i: 1 hr; 0: never)')
    .option("--buffer-size <MiB>", "with -i: libpcap's kernel buffer for packets waiting to be read", "128")
    .option("-C, --ignore-checksums", "do not verify checksums (Zeek's -C)")
    .addOption(new Option("--set <name=value>", "set an option by its Zeek name, or one a script declares; NAME+=VALUE adds to a set (repeatable)").argParser(collect))
    .addOption(new Option("--local-nets <cidr>", "networks to treat as local, besides private space (repeatable, or comma-separated)").argParser(collect))
    .option("--logdir <dir>", "folder for the logs", ".")
    .option("-j, --json", "write JSON lines instead of Zeek's tab-separated format")
    .option("--watch", "reload your scripts when their files change, without a restart (the default with -i)")
    .option("--no-watch", "with -i: do not watch script files (SIGHUP still reloads them)")
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

/** A command-line flag's value, parsed as the option type it is; the error names the flag. */
function flagValue(flag: string, kind: "interval" | "count", text: string): unknown {
  try {
    return parseOptionValue(flag, kind, text);
  } catch (e) {
    throw new BadOptionError((e as Error).message.replace(/^--set /, ""));
  }
}

async function run(cli: CliOptions, scriptArgs: string[]): Promise<void> {
  if (cli.read && cli.interface) throw new NsmError("NSM_ERR_NO_INPUT", "give either -r FILE or -i INTERFACE, not both");
  if (!cli.read && !cli.interface) throw new NsmError("NSM_ERR_NO_INPUT", "nothing to read: give a capture with -r FILE or an interface with -i NAME (see nsm --help)");
  const live = cli.interface !== undefined;
  const options = defaultOptions();
  if (cli.ignoreChecksums) options.ignore_checksums = true;
  const rotate = flagValue("--rotate", "interval", cli.rotate ?? (live ? "1 hr" : "0")) as number;
  const bufferMiB = flagValue("--buffer-size", "count", cli.bufferSize) as number;
  const scripts = scriptArgs.map(resolveScript);
  // A sensor logs its own health, as Zeek's local.zeek loads misc/stats and misc/capture-loss.
  if (live) for (const s of LIVE_POLICY_SCRIPTS.map(resolveScript)) if (!scripts.some((x) => x.path === s.path)) scripts.push(s);
  for (const redef of scripts.flatMap((s) => s.redefs ?? [])) applySetting(options, redef);
  const scriptSettings = new Map<string, string>();
  const scriptAdditions = new Map<string, string[]>();
  for (const s of cli.set ?? []) {
    const setting = parseSetting(s);
    if (isCoreOption(setting.name)) applySetting(options, s);
    else if (setting.add) scriptAdditions.set(setting.name, [...(scriptAdditions.get(setting.name) ?? []), setting.text]);
    else scriptSettings.set(setting.name, setting.text);
  }
  const localNets = (cli.localNets ?? []).flatMap((v) => v.split(",")).filter(Boolean).map((t) => Subnet.parse(t.trim()));

  mkdirSync(cli.logdir, { recursive: true });
  const common = {
    options,
    scriptSettings,
    scriptAdditions,
    filter: cli.filter,
    localNets,
    logs: { dir: cli.logdir, format: cli.json ? "json" : "tsv", rotateInterval: rotate > 0 ? rotate : undefined } as const,
    scripts,
    sandbox: { memoryBytes: options.script_memory_limit, deadlineMs: options.script_call_deadline * 1000 },
    diagnostic: (line: string) => log.error(line),
    notice: (line: string) => log.info(line),
  };
  if (cli.interface !== undefined) {
    const summary = await runLive({ ...common, iface: cli.interface, bufferSize: bufferMiB * 1024 * 1024, watch: cli.watch ?? true });
    log.info(summary, "capture stopped");
    return;
  }
  const onTerminal = process.stderr.isTTY === true;
  const progress: ReadProgress = { bytes: 0, packets: 0, size: undefined };
  const bar = onTerminal && cli.progress ? new ProgressBar(process.stderr, progress) : undefined;
  const started = performance.now();
  bar?.start();
  const summary = await runTrace({
    ...common,
    source: cli.read!,
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
