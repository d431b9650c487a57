// Community ID v1 against published values: the spec's baseline tables and pycommunityid's test
// vectors (corelight/community-id-spec baseline/README.md and baseline_*.json,
// corelight/pycommunityid tests/communityid_test.py), and the conn.log Zeek wrote for
// traces/http/get.pcap with policy/protocols/conn/community-id-logging.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { communityId, icmpCounterpart } from "../../analyzers/conn/community-id.ts";
import { parseAddr } from "../../core/net/address.ts";

const CORPUS = join(import.meta.dirname, "../../../shared/corpus/zeek/baselines");

function id(src: string, dst: string, proto: number, sport: number, dport: number, seed = 0): string {
  const a = parseAddr(src);
  return communityId(a, parseAddr(dst), a.length === 4 ? 4 : 6, proto, sport, dport, seed);
}

// [proto, src, dst, sport, dport, seed 0, seed 1]. For ICMP the "ports" are type and code.
const SPEC_TABLE: [number, string, string, number, number, string, string][] = [
  [6, "1.2.3.4", "5.6.7.8", 1122, 3344, "1:wCb3OG7yAFWelaUydu0D+125CLM=", "1:HhA1B+6CoLbiKPEs5nhNYN4XWfk="],
  [6, "5.6.7.8", "1.2.3.4", 3344, 1122, "1:wCb3OG7yAFWelaUydu0D+125CLM=", "1:HhA1B+6CoLbiKPEs5nhNYN4XWfk="],
  [17, "1.2.3.4", "5.6.7.8", 1122, 3344, "1:0Mu9InQx6z4ZiCZM/7HXi2WMhOg=", "1:OShq+iKDAMVouh/4bMxB9Sz4amw="],
  [17, "5.6.7.8", "1.2.3.4", 3344, 1122, "1:0Mu9InQx6z4ZiCZM/7HXi2WMhOg=", "1:OShq+iKDAMVouh/4bMxB9Sz4amw="],
  [132, "1.2.3.4", "5.6.7.8", 1122, 3344, "1:EKt4MsxuyaE6mL+hmrEkQ9csDD8=", "1:uitchpn5MMGAQKBJh7bIr/bAr7s="],
  [132, "5.6.7.8", "1.2.3.4", 3344, 1122, "1:EKt4MsxuyaE6mL+hmrEkQ9csDD8=", "1:uitchpn5MMGAQKBJh7bIr/bAr7s="],
  [1, "1.2.3.4", "5.6.7.8", 8, 0, "1:crodRHL2FEsHjbv3UkRrfbs4bZ0=", "1:9pr4ZGTICiuZoIh90RRYE2RyXpU="],
  [1, "5.6.7.8", "1.2.3.4", 0, 0, "1:crodRHL2FEsHjbv3UkRrfbs4bZ0=", "1:9pr4ZGTICiuZoIh90RRYE2RyXpU="],
  [1, "1.2.3.4", "5.6.7.8", 11, 0, "1:f/YiSyWqczrTgfUCZlBUnvHRcPk=", "1:1DD7cWGC/Yg91YGsQeni8du3pIA="],
  [58, "fe80:0001:0203:0405:0607:0809:0A0B:0C0D", "fe80:1011:1213:1415:1617:1819:1A1B:1C1D", 128, 0, "1:0bf7hyMJUwt3fMED7z8LIfRpBeo=", "1:IO27GQzPuCtNnwFvjWALMHu5tJE="],
  [58, "fe80:1011:1213:1415:1617:1819:1A1B:1C1D", "fe80:0001:0203:0405:0607:0809:0A0B:0C0D", 129, 0, "1:0bf7hyMJUwt3fMED7z8LIfRpBeo=", "1:IO27GQzPuCtNnwFvjWALMHu5tJE="],
  [58, "fe80:0001:0203:0405:0607:0809:0A0B:0C0D", "fe80:1011:1213:1415:1617:1819:1A1B:1C1D", 146, 0, "1:fYC8+pz24E+EhANP1EZhpX0Dw10=", "1:Cv4IKJe56BNkF0MBW2YxQ3Nwc3s="],
  [46, "1.2.3.4", "5.6.7.8", 0, 0, "1:ikv3kmf89luf73WPz1jOs49S768=", "1:/buhqeOmaRCopOZFy9HnoJd5XW8="],
  [46, "5.6.7.8", "1.2.3.4", 0, 0, "1:ikv3kmf89luf73WPz1jOs49S768=", "1:/buhqeOmaRCopOZFy9HnoJd5XW8="],
  [46, "fe80:0001:0203:0405:0607:0809:0A0B:0C0D", "fe80:1011:1213:1415:1617:1819:1A1B:1C1D", 0, 0, "1:wQ/2mwrnXP4lmJcHdGL5ePjR+e0=", "1:j6EyyfBzL4vWKHFXgUqb5Az3OxM="],
  [46, "fe80:1011:1213:1415:1617:1819:1A1B:1C1D", "fe80:0001:0203:0405:0607:0809:0A0B:0C0D", 0, 0, "1:wQ/2mwrnXP4lmJcHdGL5ePjR+e0=", "1:j6EyyfBzL4vWKHFXgUqb5Az3OxM="],
];

describe("communityId", () => {
  it.each(SPEC_TABLE)("spec table: proto %i %s -> %s (%i, %i)", (proto, src, dst, sport, dport, seed0, seed1) => {
    expect(id(src, dst, proto, sport, dport)).toBe(seed0);
    expect(id(src, dst, proto, sport, dport, 1)).toBe(seed1);
  });

  // pycommunityid's vectors, with their comments' point: type 20 is not a request/reply type, so
  // its code is hashed and the direction kept; for echo reply (type 0) the code is ignored.
  it.each([
    [1, "192.168.0.89", "192.168.0.1", 8, 0, "1:X0snYXpgwiv9TZtqg64sgzUn6Dk="],
    [1, "192.168.0.1", "192.168.0.89", 0, 8, "1:X0snYXpgwiv9TZtqg64sgzUn6Dk="],
    [1, "192.168.0.89", "192.168.0.1", 20, 0, "1:3o2RFccXzUgjl7zDpqmY7yJi8rI="],
    [1, "192.168.0.89", "192.168.0.1", 20, 1, "1:tz/fHIDUHs19NkixVVoOZywde+I="],
    [1, "192.168.0.1", "192.168.0.89", 0, 20, "1:X0snYXpgwiv9TZtqg64sgzUn6Dk="],
    [58, "fe80::200:86ff:fe05:80da", "fe80::260:97ff:fe07:69ea", 135, 0, "1:dGHyGvjMfljg6Bppwm3bg0LO8TY="],
    [58, "fe80::260:97ff:fe07:69ea", "fe80::200:86ff:fe05:80da", 136, 0, "1:dGHyGvjMfljg6Bppwm3bg0LO8TY="],
    [58, "3ffe:507:0:1:260:97ff:fe07:69ea", "3ffe:507:0:1:200:86ff:fe05:80da", 3, 0, "1:NdobDX8PQNJbAyfkWxhtL2Pqp5w="],
    [58, "3ffe:507:0:1:200:86ff:fe05:80da", "3ffe:507:0:1:260:97ff:fe07:69ea", 3, 0, "1:/OGBt9BN1ofenrmSPWYicpij2Vc="],
    [132, "192.168.170.8", "192.168.170.56", 7, 80, "1:jQgCxbku+pNGw8WPbEc/TS/uTpQ="],
    [132, "192.168.170.56", "192.168.170.8", 80, 7, "1:jQgCxbku+pNGw8WPbEc/TS/uTpQ="],
    [6, "128.232.110.120", "66.35.250.204", 34855, 80, "1:LQU9qZlK+B5F3KDmev6m5PMibrg="],
    [6, "66.35.250.204", "128.232.110.120", 80, 34855, "1:LQU9qZlK+B5F3KDmev6m5PMibrg="],
    [6, "10.0.0.1", "10.0.0.2", 10, 11569, "1:SXBGMX1lBOwhhoDrZynfROxnhnM="],
    [17, "192.168.1.52", "8.8.8.8", 54585, 53, "1:d/FP5EW3wiY1vCndhwleRRKHowQ="],
    [17, "8.8.8.8", "192.168.1.52", 53, 54585, "1:d/FP5EW3wiY1vCndhwleRRKHowQ="],
    [46, "10.1.24.4", "10.1.12.1", 0, 0, "1:/nQI4Rh/TtY3mf0R2gJFBkVlgS4="],
    [46, "10.1.12.1", "10.1.24.4", 0, 0, "1:/nQI4Rh/TtY3mf0R2gJFBkVlgS4="],
  ])("pycommunityid: proto %i %s -> %s (%i, %i)", (proto, src, dst, sport, dport, expected) => {
    expect(id(src, dst, proto, sport, dport)).toBe(expected);
  });

  it("takes Zeek's ICMP conn_id ports (resp_p = counterpart type) to the same value", () => {
    // Zeek's conn.log shows a ping as orig_p 8, resp_p 0; neighbor solicitation as 135 -> 136.
    expect(id("192.168.0.89", "192.168.0.1", 1, 8, 0)).toBe("1:X0snYXpgwiv9TZtqg64sgzUn6Dk=");
    expect(id("fe80::200:86ff:fe05:80da", "fe80::260:97ff:fe07:69ea", 58, 135, 136)).toBe(
      "1:dGHyGvjMfljg6Bppwm3bg0LO8TY=",
    );
  });

  it.each(["scripts.policy.protocols.conn.community-id-logging", "scripts.policy.protocols.conn.community-id-logging-flipped"])(
    "matches the community_id Zeek logged in %s",
    (baseline) => {
      const rows = readFileSync(join(CORPUS, baseline, "conn.log.cut"), "utf8")
        .split("\n")
        .filter((l) => l && !l.startsWith("#"));
      expect(rows.length).toBeGreaterThan(0);
      for (const row of rows) {
        const [origH, origP, respH, respP, proto, , cid] = row.split("\t");
        const protoNumber = { tcp: 6, udp: 17, icmp: origH.includes(":") ? 58 : 1 }[proto]!;
        expect(id(origH, respH, protoNumber, Number(origP), Number(respP))).toBe(cid);
      }
    },
  );

  it("refuses addresses of the wrong length for the version", () => {
    expect(() => communityId(parseAddr("1.2.3.4"), parseAddr("::1"), 4, 6, 1, 2)).toThrowError(
      "IPv4 addresses must have 4 bytes",
    );
  });
});

describe("icmpCounterpart", () => {
  it.each([
    [1, 8, 0], [1, 0, 8], [1, 13, 14], [1, 16, 15], [1, 10, 9], [1, 9, 10], [1, 17, 18],
    [1, 3, -1], [1, 11, -1], [1, 5, -1],
    [58, 128, 129], [58, 129, 128], [58, 133, 134], [58, 135, 136], [58, 130, 131], [58, 139, 140],
    [58, 144, 145], [58, 1, -1], [58, 3, -1], [58, 143, -1],
  ])("proto %i type %i pairs with %i", (proto, type, expected) => {
    expect(icmpCounterpart(proto, type)).toBe(expected);
  });
});
