// The DNS figure of `npm run bench`: `nsm -r` on a capture of nothing but DNS (bench/dns-capture.ts),
// with dns.log written as always, beside the read-and-decode floor of the same file. The figure is
// DNS transactions per second: query/reply exchanges analysed, paired and logged.
import { measureFloor } from "./read-decode-floor.ts";
import { runNsm, writeRssProbe } from "./nsm-run.ts";
import { ensureDnsCapture } from "./dns-capture.ts";

export async function dnsBench(root: string, outDir: string, transactions: number, seed: number): Promise<void> {
  const capture = ensureDnsCapture(outDir, transactions, seed);
  const s = capture.stats;
  console.log("");
  console.log(`DNS capture  ${capture.path}`);
  console.log(
    `             ${s.transactions.toLocaleString("en-US")} transactions on ${s.flows.toLocaleString("en-US")} UDP flows, ` +
      `${s.packets.toLocaleString("en-US")} packets, ${(capture.fileBytes / 1e6).toFixed(1)} MB, ${s.seconds.toFixed(0)} s of network time` +
      (capture.generatedIn === undefined ? " (reused)" : ` (generated in ${capture.generatedIn.toFixed(1)} s)`),
  );
  const floor = await measureFloor(capture.path);
  const nsm = await runNsm(root, capture.path, writeRssProbe(outDir));
  const rate = (n: number, seconds: number) => Math.round(n / seconds).toLocaleString("en-US").padStart(12);
  console.log(`${"".padEnd(28)}${"packets/s".padStart(12)}${"DNS tx/s".padStart(12)}${"peak RSS".padStart(11)}${"time".padStart(9)}`);
  console.log(`${"(a) read + decode (floor)".padEnd(28)}${rate(s.packets, floor.seconds)}${"".padStart(12)}${"".padStart(11)}${`${floor.seconds.toFixed(2)} s`.padStart(9)}`);
  if (!("run" in nsm)) {
    console.log(`${"(b) nsm -r, dns.log on".padEnd(28)}unavailable: ${nsm.unavailable}`);
    return;
  }
  const r = nsm.run;
  console.log(
    `${"(b) nsm -r, dns.log on".padEnd(28)}${rate(s.packets, r.seconds)}${rate(s.transactions, r.seconds)}` +
      `${`${(r.peakRssKb / 1024).toFixed(0)} MB`.padStart(11)}${`${r.seconds.toFixed(2)} s`.padStart(9)}   ${r.connRows.toLocaleString("en-US")} conn.log rows of ${s.flows.toLocaleString("en-US")} flows`,
  );
  console.log(
    JSON.stringify({
      bench: "nsm-dns",
      transactions: s.transactions,
      packets: s.packets,
      floorPacketsPerSecond: Math.round(s.packets / floor.seconds),
      nsmPacketsPerSecond: Math.round(s.packets / r.seconds),
      dnsTransactionsPerSecond: Math.round(s.transactions / r.seconds),
      peakRssMb: Math.round(r.peakRssKb / 1024),
      connRows: r.connRows,
    }),
  );
}
