// dhcp.log against real software: dnsmasq serves DHCP in one network namespace, ISC dhclient is its
// client in the other, tcpdump captures between them, and nsm's dhcp.log must say what dnsmasq's
// lease file, dhclient and tshark's decoding of the capture say:
// - dhclient starts from a stale lease for an address outside dnsmasq's range: its INIT-REBOOT
//   REQUEST is refused (NAK, dnsmasq being authoritative); it then DISCOVERs, is OFFERed, REQUESTs
//   and gets its ACK; with T1 of 3 s it renews (a unicast REQUEST and its ACK);
// - `dhclient -r` RELEASEs the lease;
// - an INFORM, which no installed client sends: a datagram this test builds (message-builder.ts)
//   and sends from the client's address, which dnsmasq ACKs.
// Needs root, ip, dnsmasq, dhclient, tcpdump and tshark; skipped (with the reason) otherwise.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ChildProcess } from "node:child_process";
import { labUnavailable, NetnsLab, sh, stop } from "../fixtures/netns.ts";
import type { LogRow } from "../fixtures/logs.ts";
import { runCapture } from "../fixtures/run-capture.ts";
import { dhcp, INFORM, opt } from "./message-builder.ts";

const skipReason = labUnavailable(["ip", "dnsmasq", "dhclient", "tcpdump", "tshark"], "apt-get install iproute2 dnsmasq-base isc-dhcp-client tcpdump tshark");
if (skipReason) console.log(`live DHCP test skipped: ${skipReason}`);

const lab = new NetnsLab("dhcp", "10.79.0");
const SERVER = lab.server.addr;
const CLIENT = lab.client.addr;
const STALE = "10.79.0.200";
const HOST_NAME = "nsmclient";
const FQDN = "nsmclient.nsm.test";
const LEASE_SECONDS = 120;

/** DHCP message type names (RFC 2132 §9.6), as dhcp.log's msg_types shows them. */
const TYPES = ["", "DISCOVER", "OFFER", "REQUEST", "DECLINE", "ACK", "NAK", "RELEASE", "INFORM"];

/** One DHCP datagram as tshark decodes it. */
interface Decoded {
  xid: string;
  type: string;
  src: string;
  sport: number;
  dst: string;
  dport: number;
  message: string;
}

function tshark(capture: string): Decoded[] {
  const fields = ["dhcp.id", "dhcp.option.dhcp", "ip.src", "udp.srcport", "ip.dst", "udp.dstport", "dhcp.option.message"];
  const out = sh(["tshark", "-r", capture, "-Y", "dhcp", "-T", "fields", ...fields.flatMap((f) => ["-e", f])]);
  return out.split("\n").filter(Boolean).map((line) => {
    const [xid, type, src, sport, dst, dport, message] = line.split("\t");
    return { xid, type: TYPES[Number(type)], src, sport: Number(sport), dst, dport: Number(dport), message };
  });
}

/** Waits until `pattern` has appeared `times` times in a process's output. */
function waitFor(child: ChildProcess, pattern: RegExp, times: number, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    let out = "";
    const timer = setTimeout(() => reject(new Error(`no ${times}× ${pattern} in: ${out}`)), timeoutMs);
    const watch = (s: string) => {
      out += s;
      if ((out.match(new RegExp(pattern, "g")) ?? []).length >= times) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout!.on("data", watch);
    child.stderr!.on("data", watch);
  });
}

describe.skipIf(skipReason !== "")("dhcp.log against dnsmasq and dhclient in network namespaces", () => {
  const dir = mkdtempSync(join(tmpdir(), "nsm-live-dhcp-"));
  const capture = join(dir, "dhcp.pcap");
  const files = {
    leases: join(dir, "dnsmasq.leases"),
    clientLeases: join(dir, "dhclient.leases"),
    conf: join(dir, "dhclient.conf"),
    hook: join(dir, "dhclient-hook.sh"),
    pid: join(dir, "dhclient.pid"),
    releasePid: join(dir, "dhclient-release.pid"),
  };
  let dnsmasqLease: { expiry: number; mac: string; ip: string; hostname: string } | undefined;
  let dhclientSaw = "";
  let informReply = "";
  let decoded: Decoded[] = [];
  let rows: LogRow[] = [];
  let conns: LogRow[] = [];

  beforeAll(async () => {
    // The client configures its address (so the server's unicast replies to it arrive) and nothing else.
    writeFileSync(files.hook, '#!/bin/sh\ncase "$reason" in BOUND|RENEW|REBIND|REBOOT) ip addr replace "$new_ip_address/24" dev "$interface";; esac\nexit 0\n');
    chmodSync(files.hook, 0o755);
    writeFileSync(files.conf, `send host-name "${HOST_NAME}";\nsend fqdn.fqdn "${FQDN}";\nrequest subnet-mask, routers, domain-name, domain-name-servers, host-name;\n`);
    try {
      lab.create();
      writeFileSync(files.clientLeases, [
        "lease {", `  interface "${lab.client.ifname}";`, `  fixed-address ${STALE};`, "  option subnet-mask 255.255.255.0;",
        `  option dhcp-server-identifier ${SERVER};`, "  renew 4 2037/01/01 00:00:00;", "  rebind 4 2037/01/01 00:00:00;",
        "  expire 4 2037/01/01 00:00:00;", "}", "",
      ].join("\n"));
      const dnsmasq = await lab.start("server",
        ["dnsmasq", "--keep-in-foreground", "--log-facility=-", "--conf-file=/dev/null", "--port=0", "--bind-interfaces",
          `--interface=${lab.server.ifname}`, `--dhcp-range=10.79.0.50,10.79.0.99,255.255.255.0,${LEASE_SECONDS}s`,
          "--dhcp-authoritative", `--dhcp-leasefile=${files.leases}`, "--dhcp-option=option:T1,3", "--domain=nsm.test",
          "--no-ping", `--pid-file=${join(dir, "dnsmasq.pid")}`],
        /DHCP, IP range/);
      const tcpdump = await lab.capture("client", capture, ["udp", "port", "67", "or", "udp", "port", "68"]);
      const dhclientArgs = ["-v", "-cf", files.conf, "-sf", files.hook, "-lf", files.clientLeases, lab.client.ifname];

      // Started without waiting for a line, so that every line it writes is seen here.
      const dhclient = await lab.start("client", ["dhclient", "-d", "-1", "-pf", files.pid, ...dhclientArgs]);
      let out = "";
      dhclient.stderr!.on("data", (s: string) => (out += s));
      // Bound, then bound again after the renewal.
      await waitFor(dhclient, /bound to \S+ -- renewal in/, 2, 20_000);
      dhclientSaw = out;
      const [expiry, mac, ip, hostname] = readFileSync(files.leases, "utf8").trim().split(" ");
      dnsmasqLease = { expiry: Number(expiry), mac, ip, hostname };
      await stop(dhclient);

      // Its own pid file: `dhclient -r` signals the process a pid file names, and the first one is gone.
      lab.exec("client", ["dhclient", "-r", "-pf", files.releasePid, ...dhclientArgs]);

      const inform = dhcp(INFORM, { xid: 0x1f0a2b3c, ciaddr: CLIENT, chaddr: lab.client.mac }, opt(12, HOST_NAME), opt(55, 1, 3, 15));
      informReply = lab.exec("client", ["node", "-e", SEND_AND_RECEIVE, Buffer.from(inform).toString("hex"), CLIENT, SERVER]).trim();

      await new Promise((r) => setTimeout(r, 300));
      await stop(tcpdump, "SIGINT");
      await stop(dnsmasq);
    } finally {
      await lab.destroy();
    }

    decoded = tshark(capture);
    // Checksums are left to the veth's offload, so the capture holds partial ones: nsm -C.
    const run = await runCapture(capture);
    rows = run.rows("dhcp");
    conns = run.rows("conn");
  }, 90_000);

  afterAll(async () => {
    await lab.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  /** The transactions of the capture by xid, in order, as tshark decoded them. */
  const transactions = () => {
    const by = new Map<string, Decoded[]>();
    for (const d of decoded) by.set(d.xid, [...(by.get(d.xid) ?? []), d]);
    return [...by.values()];
  };

  /** The uids of the conn.log rows that carried these datagrams (either direction). */
  const uidsOf = (ds: Decoded[]) =>
    new Set(ds.map((d) => conns.find((c) => (c["id.orig_h"] === d.src && Number(c["id.orig_p"]) === d.sport && c["id.resp_h"] === d.dst && Number(c["id.resp_p"]) === d.dport)
      || (c["id.orig_h"] === d.dst && Number(c["id.orig_p"]) === d.dport && c["id.resp_h"] === d.src && Number(c["id.resp_p"]) === d.sport))?.uid));

  it("dnsmasq leased an address of its range to the client, and dhclient saw what the test set up", () => {
    expect(dnsmasqLease).toBeDefined();
    expect(dnsmasqLease!.mac).toBe(lab.client.mac);
    expect(dnsmasqLease!.hostname).toBe(HOST_NAME);
    expect(Number(dnsmasqLease!.ip.split(".")[3])).toBeGreaterThanOrEqual(50);
    expect(dhclientSaw).toContain(`DHCPREQUEST for ${STALE}`);
    expect(dhclientSaw).toContain(`DHCPNAK from ${SERVER}`);
    expect(dhclientSaw).toContain(`DHCPACK of ${dnsmasqLease!.ip} from ${SERVER}`);
    expect(informReply).toMatch(/^[0-9a-f]{480,}$/);
  });

  it("logs one row per transaction, with tshark's message types in order and the flows that carried them", () => {
    const txs = transactions();
    expect(txs.map((t) => t[0].type)).toEqual(["REQUEST", "DISCOVER", "RELEASE", "INFORM"]);
    expect(rows).toHaveLength(txs.length);
    for (const [i, t] of txs.entries()) {
      expect(rows[i].msg_types, t[0].xid).toBe(t.map((d) => d.type).join(","));
      expect(new Set(rows[i].uids.split(",")), t[0].xid).toEqual(uidsOf(t));
    }
    expect(new Set(conns.map((c) => c.service))).toEqual(new Set(["dhcp"]));
  });

  it("the refused INIT-REBOOT: the stale address requested, dnsmasq's NAK message", () => {
    const nak = decoded.find((d) => d.type === "NAK")!;
    expect(rows[0]).toMatchObject({
      msg_types: "REQUEST,NAK",
      requested_addr: STALE,
      assigned_addr: "-",
      server_addr: "-",
      mac: lab.client.mac,
      host_name: HOST_NAME,
      server_message: nak.message,
    });
    expect(nak.message).not.toBe("");
  });

  it("the lease: the address, MAC, host name, FQDN, domain and lease time dnsmasq gave, renewal included", () => {
    const lease = rows[1];
    expect(lease.msg_types).toMatch(/^DISCOVER,(DISCOVER,)*OFFER,(OFFER,)*REQUEST,ACK,REQUEST,ACK$/);
    expect(lease).toMatchObject({
      client_addr: CLIENT, // the renewal is unicast from the client's own address
      server_addr: SERVER,
      mac: dnsmasqLease!.mac,
      host_name: HOST_NAME,
      client_fqdn: FQDN,
      domain: "nsm.test",
      requested_addr: dnsmasqLease!.ip,
      assigned_addr: dnsmasqLease!.ip,
      lease_time: LEASE_SECONDS.toFixed(6),
    });
    expect(Number(lease.duration)).toBeGreaterThan(1);
    // dnsmasq's lease ends its lease time after the last ACK, the renewal's (the row's last message).
    const lastAck = Number(lease.ts) + Number(lease.duration);
    expect(dnsmasqLease!.expiry - lastAck).toBeGreaterThan(LEASE_SECONDS - 1.5);
    expect(dnsmasqLease!.expiry - lastAck).toBeLessThan(LEASE_SECONDS + 1.5);
  });

  it("the RELEASE and the INFORM: the client's address, no lease", () => {
    expect(rows[2]).toMatchObject({ msg_types: "RELEASE", client_addr: CLIENT, mac: lab.client.mac, assigned_addr: "-" });
    // dnsmasq's ACK to the INFORM carries the domain, not a lease.
    expect(rows[3]).toMatchObject({ msg_types: "INFORM,ACK", client_addr: CLIENT, server_addr: "-", host_name: HOST_NAME, mac: lab.client.mac, domain: "nsm.test", lease_time: "-" });
  });
});

/** Sends argv[1] (hex) from argv[2]:68 to argv[3]:67 and prints the first reply in hex (node -e). */
const SEND_AND_RECEIVE = `
const s = require("dgram").createSocket("udp4");
const timer = setTimeout(() => s.close(), 5000);
s.on("message", (m) => { console.log(m.toString("hex")); clearTimeout(timer); s.close(); });
s.bind(68, process.argv[2], () => s.send(Buffer.from(process.argv[1], "hex"), 67, process.argv[3]));
`;
