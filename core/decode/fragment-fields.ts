// What the IP header decoders learn about fragmentation, handed to the reassembler. One instance is
// reused for every packet.

export class FragmentFields {
  isFragment = false;
  /** Byte offset of this fragment's data in the original datagram. */
  offset = 0;
  more = false;
  dontFragment = false;
  /** Identification: 16 bits for IPv4, 32 for IPv6. */
  id = 0;
  /** IPv6: bytes of the unfragmentable part (fixed header and extension headers before the fragment header). */
  unfragmentableLen = 0;
  /** IPv6: offset from the IP header of the next-header byte that names the fragment header. */
  nextHeaderFieldOff = 0;

  reset(): void {
    this.isFragment = false;
    this.offset = 0;
    this.more = false;
    this.dontFragment = false;
    this.id = 0;
  }
}
