// policy/netbios/host-inventory: netbios_hosts.log, one row per NetBIOS machine name seen, written
// at the end of the run: its addresses, MAC, workgroup, what it announced itself as (browser server
// type, OS version, comment), when it was first and last seen, and what told us. Gathered from
// registrations, positive query answers, node status replies, browser announcements, datagram
// source names and session requests: the table defenders otherwise build from NetBIOS by hand.
import { on, Log, networkTime, type Addr, type Connection, type NetbiosName } from "nsm";

Log.createStream("NetBIOS::HOSTS", {
  path: "netbios_hosts",
  columns: {
    ts: "time",
    name: "string",
    workgroup: "string",
    mac: "string",
    addrs: "set[addr]",
    last_seen: "time",
    role: "vector[string]",
    os: "string",
    comment: "string",
    sources: "set[string]",
  },
});

interface Host {
  name: string;
  workgroup?: string;
  mac?: string;
  addrs: Set<Addr>;
  first: number;
  last: number;
  role?: string[];
  os?: string;
  comment?: string;
  sources: Set<string>;
}

const hosts = new Map<string, Host>();
/** The machine name last seen at each address, to attach what only an address tells (workgroup, MAC). */
const byAddr = new Map<Addr, Host>();

const WORKSTATION = 0x00;
const FILE_SERVER = 0x20;
const NO_MAC = "00:00:00:00:00:00";

/** A unique name of the workstation or file-server service is a machine's name. */
const isMachineName = (n: { suffix: number; name: string }, isGroup: boolean) =>
  !isGroup && (n.suffix === WORKSTATION || n.suffix === FILE_SERVER) && n.name !== "" && n.name !== "*";

function seen(name: string, addr: Addr | undefined, source: string): Host {
  const key = name.toUpperCase();
  const now = networkTime();
  let h = hosts.get(key);
  if (h === undefined) {
    h = { name: key, addrs: new Set(), first: now, last: now, sources: new Set() };
    hosts.set(key, h);
  }
  h.last = now;
  h.sources.add(source);
  if (addr !== undefined && addr !== "0.0.0.0") {
    h.addrs.add(addr);
    byAddr.set(addr, h);
  }
  return h;
}

function fromRecord(name: NetbiosName, entries: { addr: Addr; is_group: boolean }[], source: string): void {
  for (const e of entries) if (isMachineName(name, e.is_group)) seen(name.name, e.addr, source);
}

on("netbios_name_registration", (_c, _isOrig, msg, rr) => {
  if (!msg.is_response || msg.rcode === 0) fromRecord(rr.name, rr.entries, "registration");
});

on("netbios_name_response", (_c, _isOrig, msg, rr) => {
  if (msg.rcode === 0) fromRecord(rr.name, rr.entries, "query_response");
});

on("netbios_node_status", (c, isOrig, _msg, _name, status) => {
  const responder = isOrig ? c.id.orig_h : c.id.resp_h;
  const machine = status.names.find((n) => isMachineName(n, n.is_group));
  if (machine === undefined) return;
  const h = seen(machine.name, responder, "node_status");
  const group = status.names.find((n) => n.is_group && n.suffix === WORKSTATION);
  if (group) h.workgroup = group.name;
  // Samba answers with a unit id of zeros: the sender's link-layer address says more then.
  const l2 = isOrig ? c.orig.l2_addr : c.resp.l2_addr;
  if (status.unit_id !== undefined && status.unit_id !== NO_MAC) h.mac = status.unit_id;
  else if (l2 !== undefined && h.mac === undefined) h.mac = l2;
});

on("netbios_browser_announcement", (_c, dgm, ann) => {
  if (ann.command === "domain_announcement") return;
  const h = seen(ann.server_name, dgm.src_addr, "announcement");
  h.role = ann.server_type_names;
  h.os = `${ann.os_major}.${ann.os_minor}`;
  if (ann.comment !== "") h.comment = ann.comment;
  if (dgm.dst_name) h.workgroup = dgm.dst_name.name;
});

on("netbios_datagram", (_c, _isOrig, dgm) => {
  if (dgm.src_name && isMachineName(dgm.src_name, false)) seen(dgm.src_name.name, dgm.src_addr, "datagram");
});

on("netbios_session_call", (c: Connection, called, calling) => {
  if (isMachineName(calling, false)) seen(calling.name, c.id.orig_h, "session");
  if (isMachineName(called, false)) seen(called.name, c.id.resp_h, "session");
});

on("zeek_done", () => {
  for (const h of hosts.values()) {
    Log.write("NetBIOS::HOSTS", {
      ts: h.first,
      name: h.name,
      workgroup: h.workgroup,
      mac: h.mac,
      addrs: [...h.addrs],
      last_seen: h.last,
      role: h.role,
      os: h.os,
      comment: h.comment,
      sources: [...h.sources],
    });
  }
});
