// Numbers as a finance reader reads them. Amounts arrive as exact decimal strings; the exact
// form is built from the string itself (no float ever touches it), the compact form ($24.0B) is
// for reading at a glance, with the exact one in a tooltip beside it.

import type { Money } from "./types";

const SYMBOLS: Record<string, string> = { USD: "$", EUR: "€", GBP: "£", JPY: "¥" };
const MINUS = "\u2212";

function prefix(currency: string): string {
  return SYMBOLS[currency] ?? `${currency} `;
}

/** "1234567" -> "1,234,567" (digits only). */
export function groupDigits(digits: string): string {
  return digits.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
}

/** Splits a decimal string into sign, integer digits and fraction digits; throws on anything else. */
export function parseDecimal(text: string): { negative: boolean; whole: string; fraction: string } {
  const m = /^\s*([+-]?)(\d+)(?:\.(\d*))?\s*$/.exec(text);
  if (!m) throw new Error(`'${text}' is not a decimal number`);
  const whole = m[2].replace(/^0+(?=\d)/, "");
  const fraction = m[3] ?? "";
  const negative = m[1] === "-" && /[1-9]/.test(whole + fraction);
  return { negative, whole, fraction };
}

/** The exact amount, grouped, with at least the cents: "$24,000,000,000.00", "$0.12345". */
export function exactMoney(m: Money): string {
  const { negative, whole, fraction } = parseDecimal(m.amount);
  const cents = fraction.padEnd(2, "0");
  return `${negative ? MINUS : ""}${prefix(m.currency)}${groupDigits(whole)}.${cents}`;
}

const UNITS: [number, string][] = [
  [1e12, "T"],
  [1e9, "B"],
  [1e6, "M"],
  [1e3, "K"],
];

/** "$24.0B", "$135.0M", "$950.0K"; under a thousand, the exact amount. */
export function compactMoney(m: Money): string {
  const { negative } = parseDecimal(m.amount);
  const value = Math.abs(Number(m.amount));
  const sign = negative ? MINUS : "";
  for (let i = 0; i < UNITS.length; i++) {
    const [size, unit] = UNITS[i];
    if (value >= size) {
      const shown = (value / size).toFixed(1);
      // $999.96M reads as $1.0B, not $1000.0M.
      if (Number(shown) >= 1000 && i > 0) {
        const [bigger, bigUnit] = UNITS[i - 1];
        return `${sign}${prefix(m.currency)}${(value / bigger).toFixed(1)}${bigUnit}`;
      }
      return `${sign}${prefix(m.currency)}${shown}${unit}`;
    }
  }
  return exactMoney(m);
}

/** A compact figure for a chart axis from a plain number (already a display value). */
export function compactNumber(value: number, currency?: string): string {
  const sign = value < 0 ? MINUS : "";
  const v = Math.abs(value);
  const p = currency ? prefix(currency) : "";
  for (const [size, unit] of UNITS) {
    if (v >= size) return `${sign}${p}${(v / size).toFixed(v / size >= 100 ? 0 : 1)}${unit}`;
  }
  return `${sign}${p}${v.toFixed(v >= 100 || v === 0 ? 0 : 1)}`;
}

/** Whole shares, grouped. */
export function shares(n: number): string {
  if (!Number.isSafeInteger(n)) throw new Error(`${n} is not a whole number of shares`);
  return `${n < 0 ? MINUS : ""}${groupDigits(String(Math.abs(n)))}`;
}

/** A percentage string of the cap table ("12.3456789012") to two places, rounded half up on the digits. */
export function percent(text: string, places = 2): string {
  const { negative, whole, fraction } = parseDecimal(text);
  const digits = (whole + fraction.padEnd(places + 1, "0").slice(0, places + 1)).replace(
    /^0+(?=\d)/,
    "",
  );
  let n = BigInt(digits);
  n = n / 10n + (n % 10n >= 5n ? 1n : 0n);
  const s = n.toString().padStart(places + 1, "0");
  const out = places > 0 ? `${s.slice(0, -places)}.${s.slice(-places)}` : s;
  return `${negative && n !== 0n ? MINUS : ""}${groupDigits(out.split(".")[0])}${places > 0 ? `.${out.split(".")[1]}` : ""}%`;
}

/** A fraction as a decimal string ("0.15") as a percentage ("15.00%"): the decimal point moved
 * two places on the digits, never through a float. */
export function fractionPercent(text: string, places = 2): string {
  const { negative, whole, fraction } = parseDecimal(text);
  const padded = fraction.padEnd(2, "0");
  const hundreds = `${whole}${padded.slice(0, 2)}`.replace(/^0+(?=\d)/, "");
  const rest = padded.slice(2);
  return percent(`${negative ? "-" : ""}${hundreds}${rest ? `.${rest}` : ""}`, places);
}

/** A probability (0..1) as a percentage with one decimal. */
export function probability(p: number): string {
  return `${(p * 100).toFixed(1)}%`;
}

/** The runway the projection states. */
export function runwayText(r: { kind: string; months?: string }): string {
  if (r.kind === "months" && r.months !== undefined) return `${Number(r.months).toFixed(1)} months`;
  return r.kind === "cash-positive" ? "cash positive" : "out of cash";
}
