// Number renderings of Zeek's log writers, digit for digit: six fixed decimals for time and interval
// (C++ to_chars, which rounds an exact tie to even), trimmed six decimals for double in TSV, and the
// shortest round-trip form (rapidjson's) in JSON. conn.log formats several of these per row, so the
// common case is integer arithmetic; toFixed is kept for the rare value that sits on a rounding tie.

const TWO_POW_53 = 2 ** 53;
/** PAD[n]: the zeros that bring an n-digit microsecond count to six digits. */
const PAD = ["000000", "00000", "0000", "000", "00", "0", ""];

/** `x` with exactly six decimals, never in exponent form: Zeek's rendering of time and interval. */
export function formatFixed6(x: number): string {
  if (x < 0 || Object.is(x, -0)) return "-" + formatFixed6(-x);
  if (!(x < TWO_POW_53)) {
    if (Number.isNaN(x)) return "nan";
    return x === Infinity ? "inf" : BigInt(x).toString() + ".000000"; // whole numbers from 2^53 on
  }
  const whole = Math.floor(x);
  const scaled = (x - whole) * 1e6; // the subtraction is exact; the product is off by < 2e-10
  const below = Math.floor(scaled);
  const rest = scaled - below;
  if (rest > 0.4999999 && rest < 0.5000001) return fixed6NearTie(x);
  let micros = rest < 0.5 ? below : below + 1;
  let seconds = whole;
  if (micros === 1e6) {
    micros = 0;
    seconds += 1;
  }
  const digits = "" + micros;
  return seconds + "." + PAD[digits.length] + digits;
}

/**
 * The exact path: toFixed rounds the exact binary value correctly but sends a tie up, where to_chars
 * picks the even neighbour. A tie at the sixth decimal happens exactly when x * 128 is an odd integer
 * (x = odd / 2^7), and then the upper neighbour's last digit is odd, so one step down needs no borrow.
 */
function fixed6NearTie(x: number): string {
  const text = x.toFixed(6);
  const times128 = x * 128;
  if (!Number.isInteger(times128) || times128 % 2 === 0) return text;
  const last = text.charCodeAt(text.length - 1);
  return last % 2 === 0 ? text : text.slice(0, -1) + String.fromCharCode(last - 1);
}

/**
 * Zeek's TSV double: rounded to six decimals, trailing zeros dropped, ".0" added back when the value
 * is within 1e-9 of a whole number; never in exponent form; inf, -inf and nan spelled out.
 */
export function formatDouble(d: number): string {
  if (Number.isNaN(d)) return "nan";
  let text = formatFixed6(Math.abs(d));
  const dot = text.indexOf(".");
  if (dot >= 0) {
    let end = text.length;
    while (text.charCodeAt(end - 1) === 0x30) end--;
    text = text.slice(0, end === dot + 1 ? dot : end);
  }
  if (d < 0) text = "-" + text;
  if (Number.isFinite(d) && Math.abs(d - Math.round(d)) < 1e-9) text += ".0";
  return text;
}

/** A whole number in decimal, exact beyond 2^53 too (count is 64-bit in Zeek). */
export function formatWhole(n: number): string {
  return Number.isSafeInteger(n) ? "" + n : BigInt(n).toString();
}

/**
 * A double in Zeek's JSON: the shortest form that reads back to the same value, ".0" kept on whole
 * numbers, exponent form only from 1e21 up and below 1e-6 (written "1.79e308", no "+"), null for
 * inf and nan.
 */
export function formatJsonDouble(d: number): string {
  if (!Number.isFinite(d)) return "null";
  if (d === 0) return Object.is(d, -0) ? "-0.0" : "0.0";
  const text = "" + d;
  if (text.includes("e")) return text.replace("e+", "e");
  return text.includes(".") ? text : text + ".0";
}
