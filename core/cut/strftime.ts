// A small strftime for `nsm cut -d/-D/-u/-U`: the conversions zeek-cut users write, rendered as
// glibc does in the C locale, in local time (the process's TZ) or in UTC. Formats are checked once,
// up front, so a conversion nsm does not know is refused before any line is read rather than
// printed half-done. Refused: %c %x %X %U %W %V %G %g, the E/O modifiers and flags or widths (%-d,
// %_H, %10Y): their output depends on the locale or on week rules zeek-cut users rarely need.

import { BadTimeFormatError } from "../errors.ts";

const DAYS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
const FULL_DAYS = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
const FULL_MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];

/** The broken-down time strftime works on (struct tm's fields, with the zone's offset and name). */
export interface BrokenDownTime {
  year: number;
  /** 0-11 */
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  /** 0 = Sunday */
  weekday: number;
  /** 0-365 */
  yearDay: number;
  /** Seconds east of UTC. */
  offset: number;
  zone: string;
}

const two = (n: number) => (n < 10 ? "0" : "") + n;
const three = (n: number) => String(n).padStart(3, "0");

const CONVERSIONS: Record<string, (t: BrokenDownTime) => string> = {
  Y: (t) => String(t.year),
  C: (t) => two(Math.floor(t.year / 100)),
  y: (t) => two(((t.year % 100) + 100) % 100),
  m: (t) => two(t.month + 1),
  d: (t) => two(t.day),
  e: (t) => String(t.day).padStart(2, " "),
  j: (t) => three(t.yearDay + 1),
  H: (t) => two(t.hour),
  k: (t) => String(t.hour).padStart(2, " "),
  I: (t) => two(t.hour % 12 === 0 ? 12 : t.hour % 12),
  l: (t) => String(t.hour % 12 === 0 ? 12 : t.hour % 12).padStart(2, " "),
  p: (t) => (t.hour < 12 ? "AM" : "PM"),
  M: (t) => two(t.minute),
  S: (t) => two(t.second),
  // glibc computes %s with mktime, which reads the fields as local time: in UTC output it is off by
  // the local zone's offset. zeek-cut -U '%s' prints that, so nsm does too.
  s: (t) => String(new Date(t.year, t.month, t.day, t.hour, t.minute, t.second).getTime() / 1000),
  a: (t) => DAYS[t.weekday],
  A: (t) => FULL_DAYS[t.weekday],
  u: (t) => String(t.weekday === 0 ? 7 : t.weekday),
  w: (t) => String(t.weekday),
  b: (t) => MONTHS[t.month],
  h: (t) => MONTHS[t.month],
  B: (t) => FULL_MONTHS[t.month],
  z: (t) => {
    const abs = Math.abs(t.offset) / 60;
    return (t.offset < 0 ? "-" : "+") + two(Math.floor(abs / 60)) + two(abs % 60);
  },
  Z: (t) => t.zone,
  T: (t) => `${two(t.hour)}:${two(t.minute)}:${two(t.second)}`,
  R: (t) => `${two(t.hour)}:${two(t.minute)}`,
  F: (t) => `${t.year}-${two(t.month + 1)}-${two(t.day)}`,
  D: (t) => `${two(t.month + 1)}/${two(t.day)}/${two(((t.year % 100) + 100) % 100)}`,
  n: () => "\n",
  t: () => "\t",
  "%": () => "%",
};

/** The conversions a format may use, for messages and the README. */
export const SUPPORTED_CONVERSIONS = Object.keys(CONVERSIONS).map((c) => "%" + c);

type Piece = string | ((t: BrokenDownTime) => string);

/** A format compiled once: literal text and conversions, in order. */
export class TimeFormat {
  private readonly pieces: Piece[] = [];

  constructor(readonly format: string) {
    let literal = "";
    for (let i = 0; i < format.length; i++) {
      if (format[i] !== "%") {
        literal += format[i];
        continue;
      }
      const c = format[++i];
      const conversion = c === undefined ? undefined : CONVERSIONS[c];
      if (!conversion) {
        const what = c === undefined ? "a lone % at the end" : `%${c}`;
        throw new BadTimeFormatError(`time format "${format}": ${what} is not supported (supported: ${SUPPORTED_CONVERSIONS.join(" ")})`);
      }
      if (literal) this.pieces.push(literal);
      literal = "";
      this.pieces.push(conversion);
    }
    if (literal) this.pieces.push(literal);
  }

  render(t: BrokenDownTime): string {
    let out = "";
    for (const p of this.pieces) out += typeof p === "string" ? p : p(t);
    return out;
  }
}

/** Whole seconds since the epoch, broken down in UTC (glibc's gmtime names the zone "GMT"). */
export function utcTime(epoch: number): BrokenDownTime {
  const d = new Date(epoch * 1000);
  const startOfYear = Date.UTC(d.getUTCFullYear(), 0, 1);
  return {
    year: d.getUTCFullYear(),
    month: d.getUTCMonth(),
    day: d.getUTCDate(),
    hour: d.getUTCHours(),
    minute: d.getUTCMinutes(),
    second: d.getUTCSeconds(),
    weekday: d.getUTCDay(),
    yearDay: Math.floor((d.getTime() - startOfYear) / 86_400_000),
    offset: 0,
    zone: "GMT",
  };
}

const zoneName = new Intl.DateTimeFormat("en-US", { timeZoneName: "short" });

/** Whole seconds since the epoch, broken down in the local zone (TZ, as an IANA name, or the system's). */
export function localTime(epoch: number): BrokenDownTime {
  const d = new Date(epoch * 1000);
  const offset = -d.getTimezoneOffset() * 60;
  const startOfYear = Date.UTC(d.getFullYear(), 0, 1);
  const asUtc = Date.UTC(d.getFullYear(), d.getMonth(), d.getDate());
  return {
    year: d.getFullYear(),
    month: d.getMonth(),
    day: d.getDate(),
    hour: d.getHours(),
    minute: d.getMinutes(),
    second: d.getSeconds(),
    weekday: d.getDay(),
    yearDay: Math.round((asUtc - startOfYear) / 86_400_000),
    offset,
    zone: zoneName.formatToParts(d).find((p) => p.type === "timeZoneName")?.value ?? "",
  };
}
