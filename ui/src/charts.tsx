// Charts as plain SVG: a handful of kinds, drawn with the theme's CSS colours, readable in light
// and dark, nothing fetched. A chart library would add weight for features these views do not
// use; each chart here is a few dozen lines the tests and the reader can check.

import type { ComponentChildren } from "preact";
import type { Fan } from "./types";

const W = 640;
const PAD = { left: 64, right: 16, top: 12, bottom: 28 };

export interface Series {
  name: string;
  points: [number, number][];
}

function extent(values: number[]): [number, number] {
  let lo = Math.min(0, ...values);
  let hi = Math.max(...values);
  if (!Number.isFinite(hi) || hi === lo) hi = lo + 1;
  if (!Number.isFinite(lo)) lo = 0;
  return [lo, hi];
}

/** Up to `n` round tick values spanning [lo, hi]. */
export function ticks(lo: number, hi: number, n = 4): number[] {
  const span = hi - lo;
  const raw = span / n;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((k) => k * mag).find((s) => span / s <= n) ?? 10 * mag;
  const out: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + 1e-9 * span; v += step)
    out.push(Number(v.toPrecision(12)));
  return out;
}

function Frame(props: {
  height: number;
  x: [number, number];
  y: [number, number];
  xFormat: (v: number) => string;
  yFormat: (v: number) => string;
  label: string;
  children: ComponentChildren;
}) {
  const { height, x, y } = props;
  const sx = (v: number) =>
    PAD.left + ((v - x[0]) / (x[1] - x[0] || 1)) * (W - PAD.left - PAD.right);
  const sy = (v: number) =>
    height - PAD.bottom - ((v - y[0]) / (y[1] - y[0] || 1)) * (height - PAD.top - PAD.bottom);
  return (
    <svg class="chart" viewBox={`0 0 ${W} ${height}`} role="img" aria-label={props.label}>
      {ticks(y[0], y[1]).map((t) => (
        <g key={`y${t}`}>
          <line class="grid" x1={PAD.left} x2={W - PAD.right} y1={sy(t)} y2={sy(t)} />
          <text class="axis" x={PAD.left - 6} y={sy(t) + 4} text-anchor="end">
            {props.yFormat(t)}
          </text>
        </g>
      ))}
      {ticks(x[0], x[1], 6).map((t) => (
        <text key={`x${t}`} class="axis" x={sx(t)} y={height - 8} text-anchor="middle">
          {props.xFormat(t)}
        </text>
      ))}
      <g transform={`translate(0,0)`}>{props.children}</g>
    </svg>
  );
}

function scales(height: number, x: [number, number], y: [number, number]) {
  return {
    sx: (v: number) => PAD.left + ((v - x[0]) / (x[1] - x[0] || 1)) * (W - PAD.left - PAD.right),
    sy: (v: number) =>
      height - PAD.bottom - ((v - y[0]) / (y[1] - y[0] || 1)) * (height - PAD.top - PAD.bottom),
  };
}

export function LineChart(props: {
  series: Series[];
  xFormat: (v: number) => string;
  yFormat: (v: number) => string;
  markers?: { x: number; label: string }[];
  height?: number;
  label: string;
}) {
  const height = props.height ?? 240;
  const xs = props.series.flatMap((s) => s.points.map((p) => p[0]));
  const ys = props.series.flatMap((s) => s.points.map((p) => p[1]));
  if (xs.length === 0) return <p class="muted">Nothing to chart.</p>;
  const x: [number, number] = [Math.min(...xs), Math.max(...xs)];
  const y = extent(ys);
  const { sx, sy } = scales(height, x, y);
  return (
    <figure>
      <Frame
        height={height}
        x={x}
        y={y}
        xFormat={props.xFormat}
        yFormat={props.yFormat}
        label={props.label}
      >
        {(props.markers ?? []).map((m, i) => (
          <line
            key={`m${i}`}
            class="marker"
            x1={sx(m.x)}
            x2={sx(m.x)}
            y1={PAD.top}
            y2={height - PAD.bottom}
          >
            <title>{m.label}</title>
          </line>
        ))}
        {props.series.map((s, i) => (
          <polyline
            key={s.name}
            class={`line c${i % 8}`}
            points={s.points.map(([a, b]) => `${sx(a).toFixed(1)},${sy(b).toFixed(1)}`).join(" ")}
          >
            <title>{s.name}</title>
          </polyline>
        ))}
      </Frame>
      <figcaption class="legend">
        {props.series.map((s, i) => (
          <span key={s.name}>
            <i class={`swatch c${i % 8}`} /> {s.name}
          </span>
        ))}
      </figcaption>
    </figure>
  );
}

/** Percentile bands by month: P5-P95 light, P25-P75 darker, the median a line. */
export function FanChart(props: {
  fans: Fan[];
  yFormat: (v: number) => string;
  label: string;
  height?: number;
}) {
  const height = props.height ?? 200;
  if (props.fans.length === 0) return <p class="muted">No months.</p>;
  // A month in which no path is alive has no percentiles (null): the bands stop before it.
  const months = props.fans.flatMap((f, i) => {
    const p = f.percentiles;
    return p.every((v) => v !== null) ? [{ month: i + 1, p: p as number[] }] : [];
  });
  const x: [number, number] = [1, props.fans.length];
  const y = extent(months.flatMap((m) => [m.p[0], m.p[4]]));
  const { sx, sy } = scales(height, x, y);
  const band = (lo: number, hi: number) =>
    months.map((m) => `${sx(m.month)},${sy(m.p[hi])}`).join(" ") +
    " " +
    months
      .map((m) => `${sx(m.month)},${sy(m.p[lo])}`)
      .reverse()
      .join(" ");
  return (
    <Frame
      height={height}
      x={x}
      y={y}
      xFormat={(v) => `m${v}`}
      yFormat={props.yFormat}
      label={props.label}
    >
      <polygon class="band outer" points={band(0, 4)} />
      <polygon class="band inner" points={band(1, 3)} />
      <polyline
        class="line c0"
        points={months.map((m) => `${sx(m.month)},${sy(m.p[2])}`).join(" ")}
      />
    </Frame>
  );
}

/** Horizontal bars around zero: a tornado when values are signed, plain bars otherwise. */
export function Bars(props: {
  items: { label: string; value: number; title?: string }[];
  format: (v: number) => string;
  label: string;
}) {
  const max = Math.max(1e-12, ...props.items.map((i) => Math.abs(i.value)));
  const signed = props.items.some((i) => i.value < 0);
  return (
    <div class="bars" role="img" aria-label={props.label}>
      {props.items.map((it) => {
        const w = (Math.abs(it.value) / max) * (signed ? 50 : 100);
        const left = signed ? (it.value < 0 ? 50 - w : 50) : 0;
        return (
          <div
            class="bar-row"
            key={it.label}
            title={it.title ?? `${it.label}: ${props.format(it.value)}`}
          >
            <span class="bar-label">{it.label}</span>
            <span class="bar-track">
              <span
                class={`bar ${it.value < 0 ? "neg" : "pos"}`}
                style={{ left: `${left}%`, width: `${w}%` }}
              />
            </span>
            <span class="bar-value">{props.format(it.value)}</span>
          </div>
        );
      })}
    </div>
  );
}

/** Vertical bars of a distribution (shares of paths per bucket). */
export function Histogram(props: {
  values: number[];
  labelFor: (i: number) => string;
  label: string;
  height?: number;
}) {
  const height = props.height ?? 160;
  const n = props.values.length;
  if (n === 0) return <p class="muted">No data.</p>;
  const top = Math.max(1e-12, ...props.values);
  const x: [number, number] = [0, n];
  const y: [number, number] = [0, top];
  const { sx, sy } = scales(height, x, y);
  const bw = (W - PAD.left - PAD.right) / n;
  return (
    <Frame
      height={height}
      x={x}
      y={y}
      xFormat={(v) => props.labelFor(Math.round(v))}
      yFormat={(v) => `${(v * 100).toFixed(0)}%`}
      label={props.label}
    >
      {props.values.map((v, i) => (
        <rect
          key={i}
          class="hist"
          x={sx(i) + 0.5}
          width={Math.max(1, bw - 1)}
          y={sy(v)}
          height={sy(0) - sy(v)}
        >
          <title>{`${props.labelFor(i)}: ${(v * 100).toFixed(2)}%`}</title>
        </rect>
      ))}
    </Frame>
  );
}
