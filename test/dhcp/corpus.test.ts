// The DHCP parser over the corpus traces (Zeek's testing traces): every datagram parses or fails
// with a weird, and the values are the ones Zeek's baselines for those traces show.
import { describe, expect, it } from "vitest";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { parseDhcpMessage } from "../../analyzers/dhcp/parser.ts";
import { tracePayloads } from "../fixtures/trace-payloads.ts";
import { TRACES } from "../fixtures/corpus.ts";

const DHCP_TRACES = `${TRACES}/dhcp`;

/** Every UDP datagram of a trace, parsed. */
function messages(trace: string) {
  return tracePayloads(join(DHCP_TRACES, trace)).map((m) => ({ ...m, result: parseDhcpMessage(m.payload, 0, m.payload.length) }));
}

function parsedMessages(trace: string) {
  return messages(trace).flatMap((m) => (m.result.ok ? [{ ...m, msg: m.result.msg, options: m.result.options }] : []));
}

describe("DHCP corpus traces", () => {
  it("parses every datagram of every classic-pcap trace, or names why not", () => {
    const traces = readdirSync(DHCP_TRACES).filter((f) => f.endsWith(".pcap"));
    expect(traces.length).toBeGreaterThan(5);
    for (const t of traces) {
      for (const m of messages(t)) {
        if (!m.result.ok) expect(m.result.weirds.map((w) => w.name), t).toEqual(["DHCP_bad_cookie"]);
      }
    }
  });

  it("dhcp.pcap: one message of each type, as Zeek's dhcp-all-msg-types baseline lists them", () => {
    const ms = parsedMessages("dhcp.pcap");
    expect(ms.map((m) => m.msg.m_type)).toEqual([1, 2, 3, 6, 3, 5, 4, 7, 8]);
    const nak = ms[3];
    expect(nak.options.message).toBe("requested address not available");
    const ack = ms[5];
    expect([ack.msg.yiaddr, ack.options.lease, ack.options.domain_name, ack.options.serv_addr]).toEqual(["128.2.6.189", 900, "cmu.edu", "128.2.6.152"]);
    expect(ms[4].options).toMatchObject({ host_name: "btest.is.cool", addr_request: "128.2.6.189" });
    expect(new Set(ms.map((m) => m.msg.chaddr))).toEqual(new Set(["90:b1:1c:99:49:29"]));
  });

  it("dhcp_ack_subscriber_id_and_agent_remote_id.pcap: the relay agent sub-options of the sub-opts baseline", () => {
    const [ack] = parsedMessages("dhcp_ack_subscriber_id_and_agent_remote_id.pcap");
    expect(ack.options.sub_opt).toEqual([
      { code: 1, value: "this is only a test..." },
      { code: 2, value: "\x13" },
      { code: 6, value: "-subID-" },
    ]);
    expect([ack.msg.yiaddr, ack.options.lease, ack.msg.chaddr]).toEqual(["192.168.0.10", 3600, "00:0a:28:00:fa:42"]);
  });

  it("dhcp_discover_param_req_and_client_id.pcap: client identifier, parameter list, host name", () => {
    const [d] = parsedMessages("dhcp_discover_param_req_and_client_id.pcap");
    expect(d.options).toMatchObject({
      client_id: { hwtype: 1, hwaddr: "00:0b:82:01:fc:42" },
      host_name: "test0000",
      addr_request: "208.67.222.222",
      param_list: [1, 3, 6, 42],
    });
  });

  it("dhcp_time_and_nameserver.pcap: options 2, 4, 5 and 42 as Zeek's time-nameserver test prints them", () => {
    const ack = parsedMessages("dhcp_time_and_nameserver.pcap").find((m) => m.msg.m_type === 5)!;
    expect(ack.options).toMatchObject({
      time_offset: -18000,
      time_servers: ["192.168.15.101"],
      name_servers: ["192.168.15.101"],
      ntp_servers: ["192.168.15.101"],
    });
  });

  it("hw-type0.pcap: a client identifier of hardware type 0 stays bytes (Zeek's hw-type0 baseline)", () => {
    const [r] = parsedMessages("hw-type0.pcap");
    expect(r.options.client_id).toEqual({ hwtype: 0, hwaddr: "cisco-cc00.0ac4.0000-Fa0/0" });
  });

  it("dhcp_bad_cookie_option_retention.pcap: a bad cookie fails alone; the messages around it keep one option each", () => {
    const ms = messages("dhcp_bad_cookie_option_retention.pcap");
    const good = ms.flatMap((m) => (m.result.ok ? [[m.result.msg.xid, m.result.options.options.length]] : []));
    expect(good).toEqual([[0x1000, 1], [0x3000, 1]]);
    expect(ms.filter((m) => !m.result.ok).length).toBeGreaterThan(0);
  });
});
