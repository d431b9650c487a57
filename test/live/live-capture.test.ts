// `nsm -i` end to end, against real software in two network namespaces joined by a veth pair: nsm
// captures on the client's end while ping, dig (against dnsmasq) and curl (against python's
// http.server) make traffic; conn.log and dns.log must say what happened. Then a DHCP exchange
// (dhclient against dnsmasq), snmpget against snmpd and nmblookup against nmbd, into dhcp.log,
// snmp.log and netbios.log. A user script is
// rewritten during the capture and its log shows the switch; SIGTERM must leave every file closed
// with #close and no torn line. Then: rotation with a short interval and SIGHUP, network time on an
// idle link, the Linux "any" pseudo-interface, a clean stop under a flood (tcpreplay), and the
// errors a user meets.
// Needs root, iproute2, ping, dnsmasq, dig, curl and python3; skipped (with the reason) otherwise;
// the protocol block also needs dhclient, snmpd, snmpget, nmbd and nmblookup.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ChildProcess } from "node:child_process";
import { spawnSync } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { labUnavailable, NetnsLab, stop } from "../fixtures/netns.ts";
import { logRows } from "../fixtures/logs.ts";
import { writeTrafficMix } from "../../bench/traffic-mix.ts";

const skipReason = labUnavailable(["ip", "ping", "dnsmasq", "dig", "curl", "python3"], "apt-get install iproute2 iputils-ping dnsmasq-base dnsutils curl python3");
if (skipReason) console.log(`live capture test skipped: ${skipReason}`);

const NSM = resolve("bin/nsm.js");
const lab = new NetnsLab("live", "10.82.0");
const SERVER = lab.server.addr;
const CLIENT = lab.client.addr;
/** The file curl fetches: its size is what conn.log's resp_bytes must cover. */
const PAGE_BYTES = 200_000;

const protocolSkip = skipReason || labUnavailable(["dhclient", "snmpd", "snmpget", "nmbd", "nmblookup"], "apt-get install isc-dhcp-client snmpd snmp samba");
/** dnsmasq's DHCP range, and what the agent and the name server answer. */
const DHCP_FIRST = 50;
const SYS_DESCR = "nsm live lab agent";
const NETBIOS_NAME = "LIVESRV";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Waits until `check` holds (polling), or fails with `what`. */
async function waitFor(what: string, check: () => boolean, timeoutMs = 10_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

interface Nsm {
  child: ChildProcess;
  /** Everything nsm wrote to stderr so far (pino's JSON lines at info level). */
  stderr: () => string;
}

/** Starts `nsm -i <client end>` in the client's namespace; resolves once it captures. */
async function startNsm(logdir: string, args: string[]): Promise<Nsm> {
  const child = await lab.start(
    "client",
    // -C: the veth pair leaves checksums to "hardware" (offload), so captured packets carry none yet.
    ["env", "NSM_LOG_LEVEL=info", "node", NSM, "-i", lab.client.ifname, "-C", "--logdir", logdir, "--buffer-size", "4", ...args],
    /capturing on/,
    20_000,
  );
  let err = "";
  child.stderr!.on("data", (s: string) => (err += s));
  return { child, stderr: () => err };
}

/** Sends `signal` and waits for nsm to exit; returns its exit code and how long it took. */
async function signalNsm(nsm: Nsm, signal: NodeJS.Signals): Promise<{ code: number | null; ms: number }> {
  const started = Date.now();
  await stop(nsm.child, signal);
  return { code: nsm.child.exitCode, ms: Date.now() - started };
}

/** Every .log file: closed with #close, and every row with as many fields as #fields names. */
function expectClosedAndWhole(dir: string): string[] {
  const files = readdirSync(dir).filter((f) => f.endsWith(".log"));
  for (const f of files) {
    const text = readFileSync(join(dir, f), "utf8");
    expect(text.endsWith("\n"), f).toBe(true);
    const lines = text.slice(0, -1).split("\n");
    expect(lines.at(-1), f).toMatch(/^#close\t\d{4}(-\d\d){5}$/);
    const width = lines.find((l) => l.startsWith("#fields"))!.split("\t").length - 1;
    for (const l of lines.filter((x) => !x.startsWith("#"))) expect(l.split("\t").length, `${f}: ${l}`).toBe(width);
  }
  return files;
}

function probeScript(version: string): string {
  return `import { on, Log, networkTime } from "nsm";
Log.createStream("Probe::LOG", { path: "probe", columns: { ts: "time", uid: "string", version: "string" } });
on("new_connection", (c) => Log.write("Probe::LOG", { ts: networkTime(), uid: c.uid, version: "${version}" }));
`;
}

function dig(name: string): string {
  return lab.exec("client", ["dig", `@${SERVER}`, "+tries=1", "+time=3", "+short", name, "A"]).trim();
}

describe.skipIf(skipReason !== "")("nsm -i in network namespaces", () => {
  const root = mkdtempSync(join(tmpdir(), "nsm-live-"));
  chmodSync(root, 0o711); // user nobody writes below it in the permission test

  beforeAll(async () => {
    lab.create();
    const www = join(root, "www");
    mkdirSync(www);
    writeFileSync(join(www, "page.bin"), Buffer.alloc(PAGE_BYTES, 0x61));
    await lab.start(
      "server",
      ["dnsmasq", "--keep-in-foreground", "--log-facility=-", "--conf-file=/dev/null", "--no-resolv", "--no-hosts", "--bind-interfaces",
        `--listen-address=${SERVER}`, `--pid-file=${join(root, "dnsmasq.pid")}`, "--local=/live.test/",
        `--dhcp-range=10.82.0.${DHCP_FIRST},10.82.0.${DHCP_FIRST + 9},120s`, "--dhcp-authoritative", "--no-ping",
        `--dhcp-leasefile=${join(root, "dnsmasq.leases")}`,
        "--host-record=www.live.test,10.82.1.10", "--host-record=a.live.test,10.82.1.11", "--host-record=b.live.test,10.82.1.12"],
      /started, version/,
    );
    await lab.start("server", ["python3", "-u", "-m", "http.server", "8080", "--bind", SERVER, "--directory", www], /Serving HTTP/);
  }, 30_000);

  afterAll(async () => {
    await lab.destroy();
    rmSync(root, { recursive: true, force: true });
  });

  describe("ping, DNS, a TCP transfer and a script rewritten during capture", () => {
    const logs = join(root, "main");
    const script = join(root, "probe.ts");
    let exit: { code: number | null; ms: number };
    let answer = "";
    let before: Record<string, string>[] = [];

    beforeAll(async () => {
      writeFileSync(script, probeScript("v1"));
      const nsm = await startNsm(logs, ["--rotate", "0", script]);
      lab.exec("server", ["ping", "-c", "3", "-i", "0.2", CLIENT]);
      answer = dig("www.live.test");
      lab.exec("client", ["curl", "-s", "-o", "/dev/null", `http://${SERVER}:8080/page.bin`]);
      await waitFor("the first probe rows", () => logRows(join(logs, "probe.log")).length >= 2);
      writeFileSync(script, probeScript("v2"));
      await waitFor("the reload", () => /reloaded .*probe\.ts/.test(nsm.stderr()));
      dig("a.live.test");
      dig("b.live.test");
      await waitFor("the probe rows after the reload", () => logRows(join(logs, "probe.log")).some((r) => r.version === "v2"));
      // A closed TCP connection leaves the table tcp_close_delay (5 s) of network time after its
      // close: the link is quiet by then, so only the clock can bring that time.
      await waitFor("the TCP connection's removal", () => logRows(join(logs, "conn.log")).some((r) => r["id.resp_p"] === "8080"));
      before = logRows(join(logs, "conn.log"));
      exit = await signalNsm(nsm, "SIGTERM");
    }, 60_000);

    it("stops on SIGTERM with exit code 0 within two seconds", () => {
      expect(exit.code).toBe(0);
      expect(exit.ms).toBeLessThan(2000);
    });

    it("leaves every log closed with #close and no torn line", () => {
      const files = expectClosedAndWhole(logs);
      expect(files).toEqual(expect.arrayContaining(["conn.log", "dns.log", "probe.log"]));
    });

    it("logs the ping as one ICMP echo connection, three requests and three replies", () => {
      const icmp = logRows(join(logs, "conn.log")).filter((r) => r.proto === "icmp" && r["id.orig_h"] === SERVER);
      expect(icmp).toHaveLength(1);
      expect(icmp[0]).toMatchObject({ "id.resp_h": CLIENT, "id.orig_p": "8", "id.resp_p": "0", orig_pkts: "3", resp_pkts: "3", conn_state: "OTH" });
    });

    it("logs the DNS question and dnsmasq's answer", () => {
      expect(answer).toBe("10.82.1.10");
      const q = logRows(join(logs, "dns.log")).find((r) => r.query === "www.live.test")!;
      expect(q).toMatchObject({ "id.orig_h": CLIENT, "id.resp_h": SERVER, "id.resp_p": "53", proto: "udp", qtype_name: "A", rcode_name: "NOERROR", answers: "10.82.1.10" });
      const conn = logRows(join(logs, "conn.log")).find((r) => r.uid === q.uid)!;
      expect(conn).toMatchObject({ proto: "udp", service: "dns", orig_pkts: "1", resp_pkts: "1" });
    });

    it("logs the TCP transfer whole: handshake, the page, and the close", () => {
      const tcp = logRows(join(logs, "conn.log")).find((r) => r.proto === "tcp" && r["id.resp_p"] === "8080")!;
      expect(tcp).toMatchObject({ "id.orig_h": CLIENT, "id.resp_h": SERVER, conn_state: "SF", missed_bytes: "0" });
      expect(tcp.history).toMatch(/^ShA.*[Ff].*[Ff]/);
      // The page plus the HTTP response header; the request is a short GET.
      expect(Number(tcp.resp_bytes)).toBeGreaterThan(PAGE_BYTES);
      expect(Number(tcp.resp_bytes)).toBeLessThan(PAGE_BYTES + 1000);
      expect(Number(tcp.orig_bytes)).toBeGreaterThan(50);
      expect(Number(tcp.orig_bytes)).toBeLessThan(300);
    });

    it("logged the finished TCP connection while capturing, and the still open ICMP flow at SIGTERM", () => {
      expect(before.some((r) => r.proto === "tcp" && r["id.resp_p"] === "8080")).toBe(true);
      expect(before.some((r) => r.proto === "icmp" && r["id.orig_h"] === SERVER)).toBe(false);
    });

    it("shows the script's switch from v1 to v2 in its log, without losing a connection", () => {
      const probe = logRows(join(logs, "probe.log"));
      const versions = probe.map((r) => r.version);
      const firstV2 = versions.indexOf("v2");
      expect(firstV2).toBeGreaterThan(0);
      expect(versions.slice(0, firstV2).every((v) => v === "v1")).toBe(true);
      expect(versions.slice(firstV2).every((v) => v === "v2")).toBe(true);
      // The two lookups after the rewrite are new connections, each seen by v2.
      const dns = logRows(join(logs, "dns.log"));
      for (const name of ["a.live.test", "b.live.test"]) {
        const uid = dns.find((r) => r.query === name)!.uid;
        expect(probe.find((r) => r.uid === uid)?.version).toBe("v2");
      }
    });
  });

  describe.skipIf(protocolSkip !== "")("DHCP, SNMP and NetBIOS while capturing", () => {
    const logs = join(root, "protocols");
    let lease: { mac: string; ip: string } = { mac: "", ip: "" };
    let snmpOut = "";
    let nmbOut = "";

    beforeAll(async () => {
      writeFileSync(join(root, "snmpd.conf"), `rocommunity public ${CLIENT}\nsysDescr ${SYS_DESCR}\n`);
      mkdirSync(join(root, "snmp-state"));
      await lab.start("server",
        ["env", `SNMP_PERSISTENT_DIR=${join(root, "snmp-state")}`, "snmpd", "-f", "-Lo", "-C", "-c", join(root, "snmpd.conf"), "-p", join(root, "snmpd.pid"), `udp:${SERVER}:161`],
        /NET-SNMP version/);
      const samba = join(root, "samba");
      for (const d of ["lock", "state", "cache", "private", "pid", "ncalrpc"]) mkdirSync(join(samba, d), { recursive: true });
      const dirs = ["lock", "state", "cache", "pid"].map((d) => `  ${d} directory = ${join(samba, d)}`);
      writeFileSync(join(samba, "server.conf"), ["[global]", `  netbios name = ${NETBIOS_NAME}`, "  workgroup = LIVE", `  interfaces = ${SERVER}/24`,
        "  bind interfaces only = yes", ...dirs, `  private dir = ${join(samba, "private")}`, `  ncalrpc dir = ${join(samba, "ncalrpc")}`, ""].join("\n"));
      writeFileSync(join(samba, "client.conf"), ["[global]", "  netbios name = LIVECLIENT", `  interfaces = ${CLIENT}/24`, "  bind interfaces only = yes", ...dirs, ""].join("\n"));
      // nmbd answers for its name once registering it is done; at debug level 3 it says so.
      await lab.start("server", ["nmbd", "--foreground", "--debug-stdout", "--debuglevel=3", `--configfile=${join(samba, "server.conf")}`],
        new RegExp(`Added netbios name ${NETBIOS_NAME}<00> .* to subnet ${SERVER.replace(/\./g, "\\.")}`), 30_000);

      const nsm = await startNsm(logs, ["--rotate", "0"]);
      // dhclient only gets a lease (its script does nothing with it); -1: one try.
      lab.exec("client", ["dhclient", "-1", "-v", "-sf", "/bin/true", "-lf", join(root, "dhclient.leases"), "-pf", join(root, "dhclient.pid"), lab.client.ifname]);
      lab.exec("client", ["dhclient", "-x", "-pf", join(root, "dhclient.pid")], false);
      const [, mac, ip] = readFileSync(join(root, "dnsmasq.leases"), "utf8").trim().split(" ");
      lease = { mac, ip };
      snmpOut = lab.exec("client", ["env", "SNMPCONFPATH=/dev/null", "snmpget", "-v2c", "-c", "public", "-r", "0", "-t", "2", SERVER, "1.3.6.1.2.1.1.1.0"]);
      nmbOut = lab.exec("client", ["nmblookup", `--configfile=${join(samba, "client.conf")}`, "-U", SERVER, "--recursion", NETBIOS_NAME]);
      await sleep(500);
      expect((await signalNsm(nsm, "SIGTERM")).code).toBe(0);
    }, 90_000);

    it("dhcp.log has the lease dnsmasq gave dhclient", () => {
      expect(lease.mac).toBe(lab.client.mac);
      const row = logRows(join(logs, "dhcp.log")).find((r) => r.mac === lease.mac)!;
      expect(row).toMatchObject({ assigned_addr: lease.ip, server_addr: SERVER, lease_time: "120.000000" });
      expect(row.msg_types).toBe("DISCOVER,OFFER,REQUEST,ACK");
      // The client's broadcasts and the server's replies are flows of their own, each of them dhcp.
      const conns = logRows(join(logs, "conn.log"));
      for (const uid of row.uids.split(",")) expect(conns.find((r) => r.uid === uid)?.service).toBe("dhcp");
    });

    it("snmp.log has the get and its answer", () => {
      expect(snmpOut).toContain(SYS_DESCR);
      const row = logRows(join(logs, "snmp.log")).find((r) => r["id.orig_h"] === CLIENT)!;
      expect(row).toMatchObject({ version: "2c", community: "public", get_requests: "1", get_responses: "1", display_string: SYS_DESCR });
      expect(logRows(join(logs, "conn.log")).find((r) => r.uid === row.uid)?.service).toBe("snmp");
    });

    it("netbios.log has the name query and the address nmblookup printed", () => {
      expect(nmbOut).toContain(`${SERVER} ${NETBIOS_NAME}<00>`);
      const row = logRows(join(logs, "netbios.log")).find((r) => r.msg_type === "query" && r.name === NETBIOS_NAME)!;
      expect(row).toMatchObject({ "id.orig_h": CLIENT, "id.resp_h": SERVER, name_suffix: "<00>", addrs: SERVER, response: "positive", rcode_name: "NOERROR" });
    });

    it("leaves every log closed with #close and no torn line", () => {
      expect(expectClosedAndWhole(logs)).toEqual(expect.arrayContaining(["conn.log", "dhcp.log", "snmp.log", "netbios.log"]));
    });
  });

  it("rotates every log on the interval, reloads scripts on SIGHUP, and rotates at exit", async () => {
    const logs = join(root, "rotate");
    const script = join(root, "hup.ts");
    writeFileSync(script, probeScript("v1"));
    const nsm = await startNsm(logs, ["--rotate", "2 sec", "--no-watch", script]);
    const lookups = 6;
    for (let i = 0; i < lookups; i++) {
      expect(dig("www.live.test")).toBe("10.82.1.10");
      await sleep(500);
    }
    writeFileSync(script, probeScript("v2"));
    await sleep(300);
    expect(nsm.stderr()).not.toMatch(/reloaded/); // --no-watch: the change alone does nothing
    nsm.child.kill("SIGHUP");
    await waitFor("the SIGHUP reload", () => /reloaded .*hup\.ts/.test(nsm.stderr()));
    dig("a.live.test");
    await sleep(500);
    const exit = await signalNsm(nsm, "SIGTERM");
    expect(exit.code).toBe(0);

    const files = expectClosedAndWhole(logs);
    // Nothing is left under its plain name: the last files were rotated at exit, as Zeek does.
    expect(files.filter((f) => !f.includes("__"))).toEqual([]);
    const dnsFiles = files.filter((f) => f.startsWith("dns__"));
    expect(dnsFiles.length).toBeGreaterThanOrEqual(2);
    const stamp = (s: string) => {
      const [y, mo, d, h, mi, se] = s.split("-").map(Number);
      return new Date(y, mo - 1, d, h, mi, se).getTime() / 1000;
    };
    let rows = 0;
    for (const f of dnsFiles) {
      const m = /^dns__(\d{4}(?:-\d\d){5})__(\d{4}(?:-\d\d){5})__\.log$/.exec(f)!;
      expect(m, f).not.toBeNull();
      const [open, close] = [stamp(m[1]), stamp(m[2])];
      expect(close - open).toBeLessThanOrEqual(2);
      // Each row is in the file of the period it was logged in (names have whole seconds).
      for (const r of logRows(join(logs, f))) {
        expect(Number(r.ts)).toBeGreaterThanOrEqual(open - 1);
        expect(Number(r.ts)).toBeLessThan(close + 1);
        rows++;
      }
    }
    expect(rows).toBe(lookups + 1);
    const probe = files.filter((f) => f.startsWith("probe__")).flatMap((f) => logRows(join(logs, f)).map((r) => r.version));
    expect(probe.at(-1)).toBe("v2");
    expect(probe.filter((v) => v === "v1").length).toBeGreaterThanOrEqual(6);
  }, 60_000);

  it("moves network time on an idle link: timeouts expire, script timers and health logs run", async () => {
    const logs = join(root, "idle");
    const nsm = await startNsm(logs, [
      "--rotate", "0",
      "--set", "icmp_inactivity_timeout=2 sec",
      "--set", "Stats::report_interval=1 sec",
      "--set", "CaptureLoss::initial_watch_interval=1 sec",
    ]);
    lab.exec("server", ["ping", "-c", "1", CLIENT]);
    // No packets from here on: only the clock can expire the flow and run the scripts' timers.
    await waitFor("the ICMP flow's inactivity timeout", () =>
      logRows(join(logs, "conn.log")).some((r) => r.proto === "icmp" && r["id.orig_h"] === SERVER),
    );
    await waitFor("stats.log rows", () => logRows(join(logs, "stats.log")).length >= 2);
    const exit = await signalNsm(nsm, "SIGINT");
    expect(exit.code).toBe(0);
    expectClosedAndWhole(logs);
    const icmp = logRows(join(logs, "conn.log")).find((r) => r["id.orig_h"] === SERVER)!;
    expect(icmp).toMatchObject({ orig_pkts: "1", resp_pkts: "1" });
    const stats = logRows(join(logs, "stats.log"));
    const total = (column: string) => stats.reduce((n, r) => n + Number(r[column]), 0);
    expect(total("pkts_proc")).toBeGreaterThanOrEqual(2); // the echo request and its reply
    expect(total("icmp_conns")).toBeGreaterThanOrEqual(1);
    // Nothing is let go on a quiet link; memory is reported in MiB.
    expect(stats.every((r) => r.pkts_dropped === "0" && Number(r.mem) > 0)).toBe(true);
    const loss = logRows(join(logs, "capture_loss.log"));
    expect(loss.length).toBeGreaterThanOrEqual(1);
    expect(loss[0]).toMatchObject({ peer: "zeek", gaps: "0", percent_lost: "0.0" });
  }, 60_000);

  it('decodes the Linux cooked frames of the "any" pseudo-interface', async () => {
    const logs = join(root, "any");
    const child = await lab.start("client", ["env", "NSM_LOG_LEVEL=info", "node", NSM, "-i", "any", "-f", "icmp", "--logdir", logs, "--buffer-size", "4"], /link type 113/, 20_000);
    lab.exec("server", ["ping", "-c", "2", "-i", "0.2", CLIENT]);
    dig("www.live.test"); // filtered out in the kernel
    await stop(child, "SIGTERM");
    expect(child.exitCode).toBe(0);
    const files = expectClosedAndWhole(logs);
    const conns = files.filter((f) => f.startsWith("conn__")).flatMap((f) => logRows(join(logs, f)));
    expect(conns.filter((r) => r["id.orig_h"] === SERVER)).toEqual([expect.objectContaining({ proto: "icmp", orig_pkts: "2", resp_pkts: "2" })]);
    expect(conns.some((r) => r.proto === "udp")).toBe(false);
  }, 60_000);

  it.skipIf(spawnSync("sh", ["-c", "command -v tcpreplay"]).status !== 0)("answers SIGTERM within two seconds under a flood, and closes every log", async () => {
    const logs = join(root, "flood");
    // The benchmark's traffic mix (TCP, UDP, ICMP, DNS; many connections), sent as fast as
    // tcpreplay can: far more than nsm analyses, so cap's read loop would never end by itself.
    const pcap = join(root, "flood.pcap");
    writeTrafficMix(pcap, 20_000, 1);
    const nsm = await startNsm(logs, ["--rotate", "0"]);
    const replay = await lab.start("server", ["tcpreplay", "-i", lab.server.ifname, "--topspeed", "--loop=0", "--duration=20", pcap]);
    await sleep(3000);
    const exit = await signalNsm(nsm, "SIGTERM");
    await stop(replay, "SIGINT");
    expect(exit.code).toBe(0);
    expect(exit.ms).toBeLessThan(2000);
    expectClosedAndWhole(logs);
    const stopped = nsm.stderr().split("\n").find((l) => l.includes('"capture stopped"'))!;
    expect(JSON.parse(stopped).packets).toBeGreaterThan(1000);
    expect(logRows(join(logs, "conn.log")).length).toBeGreaterThan(100);
  }, 60_000);

  describe("errors a user meets: one line, a non-zero exit, no file written", () => {
    function nsmFails(logdir: string, args: string[], asUser?: string): { status: number | null; stderr: string; files: string[] } {
      mkdirSync(logdir, { recursive: true });
      chmodSync(logdir, 0o777);
      const run = ["ip", "netns", "exec", lab.client.ns, ...(asUser ? ["setpriv", `--reuid=${asUser}`, `--regid=${asUser === "nobody" ? "nogroup" : asUser}`, "--clear-groups"] : []),
        "node", NSM, "--logdir", logdir, ...args];
      const r = spawnSync(run[0], run.slice(1), { encoding: "utf8", timeout: 20_000 });
      return { status: r.status, stderr: r.stderr, files: readdirSync(logdir) };
    }

    it("a missing interface", () => {
      const r = nsmFails(join(root, "e1"), ["-i", "nosuch0"]);
      expect(r.status).toBe(2);
      expect(r.stderr).toMatch(/^nsm: no interface named "nosuch0" \(interfaces: .*\) \(NSM_ERR_NO_INTERFACE\)\n$/);
      expect(r.files).toEqual([]);
    });

    it("a filter libpcap cannot compile", () => {
      const r = nsmFails(join(root, "e2"), ["-i", lab.client.ifname, "--buffer-size", "1", "-f", "tcp port"]);
      expect(r.status).toBe(2);
      expect(r.stderr).toMatch(/^nsm: libpcap cannot compile the filter "tcp port": syntax error \(NSM_ERR_BAD_FILTER\)\n$/);
      expect(r.files).toEqual([]);
    });

    it.skipIf(spawnSync("sh", ["-c", "command -v setpriv && id nobody"]).status !== 0)("no permission to capture (user nobody)", () => {
      const r = nsmFails(join(root, "e3"), ["-i", lab.client.ifname, "--buffer-size", "1"], "nobody");
      expect(r.status).toBe(2);
      expect(r.stderr).toMatch(/^nsm: no permission to capture on \S+ \(.*not permitted\).*\(NSM_ERR_CAPTURE_PERMISSION\)\n$/);
      expect(r.files).toEqual([]);
    });
  });
});
