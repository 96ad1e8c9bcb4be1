// How the Scenarios view writes the distribution preview (crates/sim/src/preview.rs; its shapes
// are generated into bindings.ts): plain functions, so the formatting is tested without a page.

import type { Dist, Drawn, PreviewError } from "./types";

const MINUS = "\u2212";
const UNITS: [number, string][] = [
  [1e12, "T"],
  [1e9, "B"],
  [1e6, "M"],
  [1e3, "K"],
];

/** Three significant figures, thousands and up as K/M/B/T: a preview shows shape, not cents. */
export function sig(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  const sign = value < 0 ? MINUS : "";
  // Rounded first, so 999.96 reads 1.00K rather than 1.00e+3.
  const v = Number(Math.abs(value).toPrecision(3));
  for (const [size, unit] of UNITS) {
    if (v >= size) return `${sign}${(v / size).toPrecision(3)}${unit}`;
  }
  if (v === 0) return "0";
  return `${sign}${v.toPrecision(3)}`;
}

/** "triangular: min 1.1, mode 1.2, max 1.58": the kind, then each parameter given. */
export function distributionLabel(d: Dist): string {
  const params = Object.entries(d)
    .filter(([k, v]) => k !== "dist" && v !== null && v !== undefined)
    .map(([k, v]) => `${k} ${typeof v === "number" ? sig(v) : v}`);
  return params.length ? `${d.dist}: ${params.join(", ")}` : d.dist;
}

/** "P5 1.15 · P50 1.28 · P95 1.47" */
export function percentileLine(d: Drawn): string {
  const [p5, p50, p95] = d.percentiles;
  return `P5 ${sig(p5)} · P50 ${sig(p50)} · P95 ${sig(p95)}`;
}

/** Each bin's height as a fraction of the tallest. */
export function barHeights(counts: number[]): number[] {
  const top = Math.max(0, ...counts);
  return counts.map((c) => (top > 0 ? c / top : 0));
}

/** The error's message with its field path first, as every other inline error reads. */
export function fieldError(e: PreviewError): string {
  return `${e.path}: ${e.message}`;
}

/** The scenario text without its [[start.classes]] tables: the run then takes the open book's
 * capitalisation on the start date. A TOML text edit, so what runs is what the text says. */
export function withoutInlineClasses(text: string): string {
  const out: string[] = [];
  let inClass = false;
  for (const line of text.split("\n")) {
    const t = line.trim();
    if (/^\[\[\s*start\.classes\s*\]\]/.test(t)) inClass = true;
    else if (t.startsWith("[")) inClass = false;
    if (!inClass) out.push(line);
  }
  return out.join("\n");
}

/** Whether the text lists its own classes. */
export function hasInlineClasses(text: string): boolean {
  return /^\s*\[\[\s*start\.classes\s*\]\]/m.test(text);
}
