// The raw floor: read the capture and decode every frame, nothing else. No pipeline can beat it, so
// the pipeline's speed is best read as a fraction of it. Runs in a process of its own (see bench.ts)
// so that its peak RSS is its own and not the generator's.
import { readCapture } from "../core/capture/reader.ts";
import { PacketDecoder } from "../core/decode/decoder.ts";
import { Packet, type RawFrame } from "../core/packet.ts";

export interface FloorRun {
  packets: number;
  /** Frames the decoder accepted as complete IP packets: a check that the floor really decoded. */
  decoded: number;
  seconds: number;
}

export async function measureFloor(path: string): Promise<FloorRun> {
  const decoder = new PacketDecoder({ weird: () => {}, skipChecksum: () => false });
  const pkt = new Packet();
  let decoded = 0;
  const onFrame = (frame: RawFrame): void => {
    if (decoder.decode(frame, pkt)) decoded++;
  };
  const started = performance.now();
  const result = await readCapture(path, onFrame);
  const seconds = (performance.now() - started) / 1000;
  return { packets: result.packets, decoded, seconds };
}
