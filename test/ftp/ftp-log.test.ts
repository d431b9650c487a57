// ftp.log, weird.log and conn.log for the corpus's FTP traces, natively and in the sandbox (the
// same rows from both hosts). Values come from tshark's decoding of the trace where it has them
// (users, passwords, data-channel ports) and from the trace's own text otherwise.
import { describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { runCapture, type CaptureRunOptions } from "../fixtures/run-capture.ts";
import { TRACES } from "../fixtures/corpus.ts";

const hasTshark = spawnSync("tshark", ["-v"]).status === 0;
const LOGIN_COMMANDS = { "FTP::logged_commands": ["USER,PASS,SYST,QUIT"] };

/** One tshark field over the trace's FTP packets, every occurrence, in order. */
function tshark(trace: string, field: string): string[] {
  const out = spawnSync("tshark", ["-r", trace, "-Y", field, "-T", "fields", "-E", "occurrence=a", "-E", "aggregator=\x1f", "-e", field], { encoding: "latin1" }).stdout;
  return out.split("\n").filter((l) => l !== "").flatMap((l) => l.split("\x1f"));
}

async function logs(trace: string, opts: CaptureRunOptions) {
  const native = await runCapture(join(TRACES, trace), opts);
  const sandboxed = await runCapture(join(TRACES, trace), { ...opts, sandboxAll: true });
  for (const f of ["ftp.log", "weird.log", "conn.log"]) expect(sandboxed.lines(f), f).toEqual(native.lines(f));
  const control = native.rows("conn").find((r) => r["id.resp_p"] === "21")!;
  return { ftp: native.rows("ftp"), weird: native.rows("weird"), control };
}

const cols = (rows: Record<string, string>[], ...names: string[]) => rows.map((r) => names.map((n) => r[n]).join(" "));

describe.skipIf(!hasTshark || !existsSync(TRACES))("ftp.log from the corpus", () => {
  it("ipv4: passive and active channels as tshark decodes them, file size, URLs from the working directory", async () => {
    const trace = join(TRACES, "ftp/ipv4.pcap");
    const { ftp, control } = await logs("ftp/ipv4.pcap", {});
    expect(control.service).toBe("ftp");
    expect(cols(ftp, "command")).toEqual(["PASV", "PASV", "RETR", "PORT", "PORT", "RETR"]);
    expect(ftp.every((r) => r.user === tshark(trace, "ftp.request.arg")[0])).toBe(true);
    expect(cols(ftp.filter((r) => r.command === "PASV"), "data_channel.passive", "data_channel.resp_p")).toEqual(tshark(trace, "ftp.passive.port").map((p) => `T ${p}`));
    expect(cols(ftp.filter((r) => r.command === "PORT"), "data_channel.passive", "data_channel.resp_p")).toEqual(tshark(trace, "ftp.active.port").map((p) => `F ${p}`));
    expect(cols(ftp.filter((r) => r.command === "RETR"), "arg", "file_size", "reply_code")).toEqual(Array(2).fill("ftp://199.233.217.249/./robots.txt 77 226"));
    // "test" is the password of a guest (anonymous): not hidden.
    expect(ftp[0].password).toBe("test");
  }, 60_000);

  it("ipv6: EPSV and EPRT channels as tshark decodes them, an IPv6 URL", async () => {
    const trace = join(TRACES, "ftp/ipv6.pcap");
    const { ftp } = await logs("ftp/ipv6.pcap", {});
    expect(cols(ftp.filter((r) => r.command === "EPSV"), "data_channel.resp_h", "data_channel.resp_p")).toEqual(tshark(trace, "ftp.epsv.port").map((p) => `2001:470:4867:99::21 ${p}`));
    expect(cols(ftp.filter((r) => r.command === "EPRT"), "data_channel.orig_h", "data_channel.resp_p")).toEqual(tshark(trace, "ftp.eprt.port").map((p) => `2001:470:4867:99::21 ${p}`));
    expect(ftp.find((r) => r.command === "RETR")!.arg).toBe("ftp://[2001:470:4867:99::21]/robots.txt");
  }, 60_000);

  it("over-long commands: discarded with a weird and the history's X; replies then match the commands left", async () => {
    const { ftp, weird, control } = await logs("ftp/fake-long-commands.pcap", { scriptAdditions: { "FTP::logged_commands": ["USER,SYST"] } });
    expect(control.history).toBe("ShAdDaXFf");
    expect(cols(weird, "name", "addl", "source")).toEqual(["FTP_max_command_length_exceeded 132 > 100 FTP"]);
    expect(cols(ftp, "command", "reply_code")).toEqual(["USER 230", "SYST 200", "PASV 215", "RETR 225", "PORT 200"]);
  }, 60_000);

  it("a longer FTP::max_command_length keeps the long commands", async () => {
    const { weird, control } = await logs("ftp/fake-long-commands.pcap", { settings: ["FTP::max_command_length=200"] });
    expect(weird).toEqual([]);
    expect(control.history).toBe("ShAdDaFf");
  }, 60_000);

  it.each([
    ["ftp/ftp-invalid-reply-code.pcap", "PASV"],
    ["ftp/ftp-missing-reply-code.pcap", "SYST"],
    ["ftp/ftp-missing-space-after-reply-code.pcap", "RETR"],
  ])("%s: a bad reply is a violation; FTP stops and leaves the service", async (trace, last) => {
    const { ftp, control } = await logs(trace, { scriptAdditions: LOGIN_COMMANDS });
    expect(control.service).toBe("-");
    // The password is not a guest's: hidden, in both columns.
    expect(cols(ftp, "command", "password", "arg")).toEqual(["USER - zeek", "PASS <hidden> <hidden>", `${last} <hidden> ${last === "RETR" ? "ftp://127.0.0.1/." : "-"}`]);
  }, 60_000);

  it("FTP::default_capture_password logs the password as tshark decodes it", async () => {
    const trace = join(TRACES, "ftp/ftp-password-pass-command.pcap");
    const { ftp } = await logs("ftp/ftp-password-pass-command.pcap", { scriptAdditions: LOGIN_COMMANDS, scriptSettings: { "FTP::default_capture_password": "T" } });
    const [user, password] = tshark(trace, "ftp.request.arg");
    expect(cols(ftp, "user", "password", "command", "arg")).toEqual([`${user} - USER ${user}`, `${user} ${password} PASS ${password}`]);
  }, 60_000);

  it("a script's conn weird: a user past FTP::max_user_length is cut, with FTP_user_too_long", async () => {
    const { ftp, weird } = await logs("ftp/ftp-password-pass-command.pcap", { scriptAdditions: LOGIN_COMMANDS, scriptSettings: { "FTP::max_user_length": "3" } });
    expect(cols(weird, "name", "addl", "source")).toEqual(["FTP_user_too_long 5 FTP"]);
    expect(ftp[0].user).toBe("Adm");
  }, 60_000);
});
