// Connection uids in Zeek's shape: "C" followed by base62 digits of 96 random bits. The generator is
// seeded and deterministic, so the same trace gives the same uids run after run.

const DIGITS = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

export class UidGenerator {
  // xorshift128 state
  private s0 = 0x9e3779b9;
  private s1 = 0x243f6a88;
  private s2 = 0xb7e15162;
  private s3 = 0x12345678;

  constructor(private readonly prefix = "C") {}

  next(): string {
    const hi = this.word() * 65536 + (this.word() >>> 16);
    const lo = (this.word() & 0xffff) * 4294967296 + this.word();
    return this.prefix + base62(hi) + base62(lo);
  }

  private word(): number {
    let t = this.s3;
    const s = this.s0;
    this.s3 = this.s2;
    this.s2 = this.s1;
    this.s1 = s;
    t ^= t << 11;
    t ^= t >>> 8;
    this.s0 = (t ^ s ^ (s >>> 19)) >>> 0;
    return this.s0;
  }
}

function base62(n: number): string {
  let out = "";
  do {
    out = DIGITS[n % 62] + out;
    n = Math.floor(n / 62);
  } while (n > 0);
  return out;
}
