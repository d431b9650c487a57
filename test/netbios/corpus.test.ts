// netbios.log for the corpus traces that carry NetBIOS, against what tshark decodes from the same
// packets (names, suffixes, transaction ids, source addresses, browser announcements); and Zeek's
// own btest baselines for the session service (events of a message split across segments, weirds
// of a message cut short). The tshark comparisons skip, with the reason, where tshark is missing.
import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCapture } from "../fixtures/run-capture.ts";
import { CORPUS } from "../fixtures/corpus.ts";

const TRACES = ["tunnels/Teredo.pcap", "wikipedia.pcap", "smb/raw_ntlm_in_smb.pcap", "smb/smb_v2_only_non_zero_reserved1.pcap"];
const hasTshark = spawnSync("sh", ["-c", "command -v tshark"]).status === 0;
if (!hasTshark) console.log("netbios tshark comparisons skipped: needs tshark (apt-get install tshark)");

/** tshark's fields for the packets matching `filter`, one array per packet. */
function tshark(trace: string, filter: string, fields: string[]): string[][] {
  const r = spawnSync("tshark", ["-r", `${CORPUS}/traces/${trace}`, "-Y", filter, "-T", "fields", "-E", "occurrence=f",
    ...fields.flatMap((f) => ["-e", f])], { encoding: "latin1" });
  return r.stdout.split("\n").filter((l) => l !== "").map((l) => l.split("\t"));
}

/** A name as tshark prints it: bytes outside printable ASCII as <xx>, then the suffix. */
function tsharkName(loggedName: string, suffix: string): string {
  return loggedName.replace(/\\x([0-9a-f]{2})/g, "<$1>") + suffix;
}

/** tshark keeps the NULs that pad "*" (the node status wildcard); netbios.log drops padding. */
function unpadded(tsharkText: string): string {
  const m = /^(.*?)((?:<00>| )*)(<[0-9a-f]{2}>)$/.exec(tsharkText);
  return m ? m[1] + m[3] : tsharkText;
}

/** tshark's server type fields and the flag names netbios.log uses for them. */
const SERVER_TYPE_FIELDS: Record<string, string> = {
  "browser.server_type.workstation": "workstation", "browser.server_type.server": "server",
  "browser.server_type.sql": "sql_server", "browser.server_type.domain_controller": "domain_controller",
  "browser.server_type.backup_controller": "backup_domain_controller", "browser.server_type.time": "time_source",
  "browser.server_type.apple": "apple", "browser.server_type.novell": "novell", "browser.server_type.member": "domain_member",
  "browser.server_type.print": "print_queue_server", "browser.server_type.dialin": "dialin_server",
  "browser.server_type.xenix": "unix_server", "browser.server_type.ntw": "nt_workstation", "browser.server_type.wfw": "wfw",
  "browser.server_type.nts": "nt_server", "browser.server_type.browser.potential": "potential_browser",
  "browser.server_type.browser.backup": "backup_browser", "browser.server_type.browser.master": "master_browser",
  "browser.server_type.browser.domain_master": "domain_master_browser", "browser.server_type.osf": "osf",
  "browser.server_type.vms": "vms", "browser.server_type.w95": "windows_95_plus", "browser.server_type.dfs": "dfs",
  "browser.server_type.local": "local_list_only", "browser.server_type.domainenum": "domain_enum",
};

describe.skipIf(!hasTshark)("netbios.log against tshark on the corpus traces", () => {
  for (const trace of TRACES) {
    it(`${trace}: one name-service row per request (requester, id, name) tshark saw`, async () => {
      const rows = (await runCapture(`${CORPUS}/traces/${trace}`)).rows("netbios").filter((r) => r.service === "name");
      const requests = tshark(trace, "nbns && nbns.flags.response == 0", ["ip.src", "udp.srcport", "nbns.id", "nbns.name"]);
      const expected = new Set(requests.map(([src, port, id, name]) => `${src} ${port} ${Number(id)} ${unpadded(name)}`));
      const got = rows.map((r) => `${r["id.orig_h"]} ${r["id.orig_p"]} ${r.trans_id} ${tsharkName(r.name, r.name_suffix)}`);
      expect(new Set(got)).toEqual(expected);
      expect(got.length).toBe(expected.size);
    });

    it(`${trace}: one datagram row per datagram, with tshark's names, ids and announcements`, async () => {
      const rows = (await runCapture(`${CORPUS}/traces/${trace}`)).rows("netbios").filter((r) => r.service === "datagram");
      const fields = ["nbdgm.dgram_id", "nbdgm.src.ip", "nbdgm.source_name", "nbdgm.destination_name", "browser.server",
        "browser.os_major", "browser.os_minor", "browser.comment", "browser.mb_server", ...Object.keys(SERVER_TYPE_FIELDS)];
      const dgms = tshark(trace, "nbdgm", fields);
      expect(rows.length).toBe(dgms.length);
      dgms.forEach((d, i) => {
        const r = rows[i];
        expect([r.trans_id, r.addrs, tsharkName(r.src_name, r.src_suffix), tsharkName(r.name, r.name_suffix)]).toEqual([String(Number(d[0])), d[1], d[2], d[3]]);
        if (d[4] === "") return;
        // A domain announcement's comment is its master browser's name (tshark's mb_server).
        expect([r.server_name, r.os, r.comment === "-" ? "" : r.comment]).toEqual([d[4], `${d[5]}.${d[6]}`, d[7] || d[8]]);
        const flags = Object.values(SERVER_TYPE_FIELDS).filter((_, k) => d[9 + k] === "True" || d[9 + k] === "1");
        expect(r.server_type.split(",").filter((f) => Object.values(SERVER_TYPE_FIELDS).includes(f))).toEqual(flags);
      });
    });
  }

  it("node status rows have the name table and unit id tshark decodes", async () => {
    const trace = "smb/smb_v2_only_non_zero_reserved1.pcap";
    const rows = (await runCapture(`${CORPUS}/traces/${trace}`)).rows("netbios").filter((r) => r.msg_type === "node_status");
    // The table's names with their suffixes are only in tshark's display text (PDML "showname").
    const pdml = spawnSync("tshark", ["-r", `${CORPUS}/traces/${trace}`, "-Y", "nbns.flags.response == 1 && nbns.type == 33", "-T", "pdml"],
      { encoding: "latin1", maxBuffer: 1 << 26 }).stdout;
    const packets = pdml.split("<packet>").slice(1);
    expect(packets.length).toBeGreaterThan(0);
    expect(rows.length).toBe(packets.length);
    const shows = (p: string, field: string, attr = "show") =>
      [...p.matchAll(new RegExp(`name="${field.replace(/\./g, "\\.")}" ${attr === "show" ? "showname=\"[^\"]*\" size=\"\\d+\" pos=\"\\d+\" " : ""}${attr}="([^"]*)"`, "g"))]
        .map((m) => m[1].replace(/&lt;/g, "<").replace(/&gt;/g, ">"));
    for (const p of packets) {
      const id = Number(shows(p, "nbns.id")[0]);
      const row = rows.find((r) => r.trans_id === String(id))!;
      const names = shows(p, "nbns.netbios_name", "showname").map((n) => n.replace(/^Name: /, "").replace(/ \(.*\)$/, ""));
      const groups = shows(p, "nbns.name_flags.group").map((g) => g === "1" || g === "True");
      const table = names.map((n, i) => `${n}${groups[i] ? " group" : ""}`);
      expect([row.names, row.mac, row.addrs, row.response]).toEqual([table.join(","), shows(p, "nbns.unit_id")[0], shows(p, "ip.src")[0], "positive"]);
    }
  });

  it("finds the NetBIOS the traces are known to hold", async () => {
    const teredo = (await runCapture(`${CORPUS}/traces/tunnels/Teredo.pcap`)).rows("netbios");
    expect(teredo.map((r) => r.browser_cmd).filter((c) => c !== "-")).toEqual(["local_master_announcement", "domain_announcement"]);
    expect(teredo.some((r) => r.name === "IPV6.GOOGLE.COM" && r.broadcast === "T")).toBe(true);
  });
});

describe("one API, two hosts", () => {
  it.each(["tunnels/Teredo.pcap", "smb/smb_v2_only_non_zero_reserved1.pcap", "wikipedia.pcap"])(
    "%s: base/netbios and host-inventory write the same logs in the sandbox as natively", async (trace) => {
      const native = await runCapture(`${CORPUS}/traces/${trace}`, { scripts: ["policy/netbios/host-inventory"] });
      const sandboxed = await runCapture(`${CORPUS}/traces/${trace}`, { scripts: ["policy/netbios/host-inventory"], sandboxAll: true });
      expect(native.rows("netbios").length).toBeGreaterThan(2);
      expect(sandboxed.rows("netbios")).toEqual(native.rows("netbios"));
      expect(sandboxed.rows("netbios_hosts")).toEqual(native.rows("netbios_hosts"));
    }, 60_000);
});

describe("Zeek's netbios btest baselines", () => {
  const baseline = (name: string, file: string) => readFileSync(`${CORPUS}/baselines/${name}/${file}`, "utf8").split("\n").slice(1);

  it("split-session-msg: netbios_session_message for a message split across segments, then the one after it", async () => {
    const dir = mkdtempSync(join(tmpdir(), "nsm-netbios-script-"));
    const script = join(dir, "print-messages.ts");
    writeFileSync(script, [
      'import { on, print } from "nsm";',
      'on("netbios_session_message", (c, isOrig, msgType, len) => print(`netbios_session_message, ${isOrig ? "T" : "F"}, ${msgType}, ${len}`));',
    ].join("\n"));
    const run = await runCapture(`${CORPUS}/traces/netbios/netbios-split-session-msg.pcap`, { scripts: [script] });
    expect(run.printed).toEqual(baseline("scripts.base.protocols.netbios.split-session-msg", "out").filter((l) => l !== ""));
  });

  it("truncated-session-msg: the weirds of a message the end of the stream cut short", async () => {
    const rows = (await runCapture(`${CORPUS}/traces/netbios/netbios-truncated-session-msg.pcap`)).rows("weird");
    const lines = baseline("scripts.base.protocols.netbios.truncated-session-msg", "weird.log").filter((l) => l !== "");
    const fields = lines[0].split("\t");
    const expected = lines.slice(1).map((l) => Object.fromEntries(l.split("\t").map((v, i) => [fields[i], v])));
    const cols = ["id.orig_h", "id.orig_p", "id.resp_h", "id.resp_p", "name", "addl", "notice", "peer", "source"];
    const pick = (r: Record<string, string>) => cols.map((c) => r[c]);
    expect(rows.map(pick)).toEqual(expected.map(pick));
  });
});
