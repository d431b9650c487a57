// The `nsm` command. `nsm -r capture.pcap [options] [policy scripts...]` reads a capture and writes
// Zeek-format logs into the current folder (or --logdir). Options keep Zeek's names and letters.
import { Command, Option } from "commander";
import { mkdirSync } from "node:fs";
import pino from "pino";
import { applySetting, defaultOptions, optionDocs } from "./options.ts";
import { describeError, NsmError, UnknownScriptError } from "./errors.ts";
import { Subnet } from "./net/subnet.ts";
import { runTrace } from "./run.ts";
import { policyScripts } from "../scripts/policy/index.ts";
import type { ConnLogExtension } from "../scripts/base/conn.ts";

const log = pino({ name: "nsm", level: process.env.NSM_LOG_LEVEL ?? "warn" }, pino.destination(2));

interface CliOptions {
  read?: string;
  filter?: string;
  ignoreChecksums?: boolean;
  set: string[];
  localNets: string[];
  logdir: string;
  json?: boolean;
}

const collect = (value: string, previous: string[]) => [...previous, value];

function main(argv: string[]): Promise<number> {
  const program = new Command()
    .name("nsm")
    .description("A Zeek-style network security monitor: reads a capture and writes Zeek-format logs.")
    .argument("[scripts...]", `bundled policy scripts to load (${Object.keys(policyScripts).join(", ")})`)
    .option("-r, --read <file>", 'read packets from a pcap or pcapng file ("-" for standard input)')
    .option("-f, --filter <expression>", "packet filter in pcap-filter syntax (host, net, port, tcp, udp, ...)")
    .option("-C, --ignore-checksums", "do not verify checksums (Zeek's -C)")
    .option("--set <name=value>", "set an option by its Zeek name; NAME+=VALUE adds to a set (repeatable)", collect, [])
    .addOption(new Option("--local-nets <cidr>", "networks to treat as local, besides private space (repeatable, or comma-separated)").argParser(collect).default([]))
    .option("--logdir <dir>", "folder for the logs", ".")
    .option("-j, --json", "write JSON lines instead of Zeek's tab-separated format")
    .addHelpText("after", "\nOptions for --set:\n" + optionDocs().map((o) => `  ${o.name.padEnd(42)} ${o.kind.padEnd(12)} ${o.doc}`).join("\n"))
    .showHelpAfterError();
  program.parse(argv);
  const cli = program.opts<CliOptions>();
  return run(cli, program.args);
}

async function run(cli: CliOptions, scripts: string[]): Promise<number> {
  if (!cli.read) throw new NsmError("NSM_ERR_NO_INPUT", "nothing to read: give a capture with -r FILE (see nsm --help)");
  const options = defaultOptions();
  if (cli.ignoreChecksums) options.ignore_checksums = true;
  for (const s of cli.set) applySetting(options, s);
  const localNets = cli.localNets.flatMap((v) => v.split(",")).filter(Boolean).map((t) => Subnet.parse(t.trim()));

  const connExtensions: ConnLogExtension[] = [];
  for (const name of scripts) {
    const script = policyScripts[name.replace(/\.(ts|zeek)$/, "")];
    if (!script) throw new UnknownScriptError(`no bundled script named "${name}" (known: ${Object.keys(policyScripts).join(", ")})`);
    connExtensions.push(script);
  }

  mkdirSync(cli.logdir, { recursive: true });
  const summary = await runTrace({
    source: cli.read,
    options,
    filter: cli.filter,
    localNets,
    logs: { dir: cli.logdir, format: cli.json ? "json" : "tsv" },
    connExtensions,
    recordL2: connExtensions.includes(policyScripts["policy/conn/mac-logging"]),
  });
  log.info({ packets: summary.capture.packets, connections: summary.connections, decoder: summary.decoder }, "run complete");
  if (summary.capture.truncated) process.stderr.write(`nsm: warning: ${summary.capture.truncated}\n`);
  return 0;
}

main(process.argv).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(describeError(err) + "\n");
    if (!(err instanceof NsmError)) log.error({ err }, "unexpected failure");
    process.exitCode = err instanceof NsmError && err.code !== "NSM_ERR_NOT_A_CAPTURE" ? 2 : 1;
  },
);
