// The path of a packet behind the capture source, wired once for runs (core/pipeline.ts) and the
// tests: the decoder, the connection table with the port analyzers, and the tunnels that feed what
// they carry back into the table.
import { Packet, type RawFrame } from "./packet.ts";
import type { Options } from "./options.ts";
import { PacketDecoder } from "./decode/decoder.ts";
import { ConnectionTable, type ConnectionHooks } from "./connection-table.ts";
import { Decapsulator } from "./decapsulation.ts";
import type { ConnectionEvents } from "../analyzers/conn/connection-events.ts";
import { attachPortAnalyzers } from "../analyzers/registry.ts";

export class PacketPath {
  readonly table: ConnectionTable;
  readonly decoder: PacketDecoder;
  private readonly pkt = new Packet();

  constructor(options: Options, events: ConnectionEvents, filter?: (pkt: Packet) => boolean) {
    const hooks: ConnectionHooks = {
      attachAnalyzers: (c) => attachPortAnalyzers(c, table),
      udpPayload(c, isOrig, data, offset, length) {
        for (const a of c.analyzers) a.deliver(c, isOrig, data, offset, length);
      },
    };
    const table = new ConnectionTable(options, events, hooks);
    hooks.tunnels = new Decapsulator(table, options);
    this.table = table;
    this.decoder = new PacketDecoder({
      weird: (name, addl) => table.netWeird(name, addl),
      skipChecksum: (pkt) => !table.checksumsFor(pkt),
      filter,
      fragTimeout: options.frag_timeout,
    });
  }

  /** One captured frame, in network-time order: due timers fire, then the packet is processed. */
  frame(frame: RawFrame): void {
    this.table.advance(frame.ts);
    if (this.decoder.decode(frame, this.pkt)) this.table.packet(this.pkt);
  }
}
