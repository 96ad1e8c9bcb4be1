import { useEffect, useState } from "preact/hooks";
import { type AppError, call } from "../api";
import { barHeights, distributionLabel, fieldError, percentileLine, sig } from "../preview";
import type { FieldPreview, Preview } from "../types";

/** How long the text must rest before the preview is redrawn. */
const DEBOUNCE_MS = 300;

function Spark(props: { counts: number[]; label: string }) {
  const w = 200;
  const h = 44;
  const heights = barHeights(props.counts);
  const bw = w / Math.max(1, heights.length);
  return (
    <svg
      class="spark"
      viewBox={`0 0 ${w} ${h}`}
      role="img"
      aria-label={props.label}
      preserveAspectRatio="none"
    >
      {heights.map((f, i) => (
        <rect
          key={i}
          class="hist"
          x={i * bw + 0.5}
          width={Math.max(1, bw - 1)}
          y={h - f * h}
          height={f * h}
        />
      ))}
    </svg>
  );
}

function FieldCard(props: { f: FieldPreview }) {
  const { f } = props;
  return (
    <li class={`dist-preview${f.error ? " has-error" : ""}`} data-path={f.path}>
      <div>
        <code>{f.path}</code>
        {f.dist && <span class="muted"> {distributionLabel(f.dist)}</span>}
      </div>
      {f.drawn && (
        <>
          <Spark
            counts={f.drawn.histogram.counts}
            label={`Histogram of ${f.drawn.samples} draws of ${f.path}, ${sig(f.drawn.histogram.min)} to ${sig(f.drawn.histogram.max)}`}
          />
          <div class="num small">
            {percentileLine(f.drawn)} · mean {sig(f.drawn.mean)}
          </div>
        </>
      )}
      {f.error && (
        <p class="error" role="alert">
          {fieldError(f.error)}
        </p>
      )}
    </li>
  );
}

/** Beside the scenario editor: each distribution field drawn with the engine's own samplers. */
export function DistributionPreview(props: { text: string }) {
  const [preview, setPreview] = useState<Preview | null>(null);
  const [error, setError] = useState<AppError | null>(null);
  useEffect(() => {
    let stale = false;
    const timer = setTimeout(() => {
      call("preview_distributions", { scenario: props.text })
        .then((p) => {
          if (stale) return;
          setPreview(p);
          setError(null);
        })
        .catch((e: AppError) => {
          if (stale) return;
          setPreview(null);
          setError(e);
        });
    }, DEBOUNCE_MS);
    return () => {
      stale = true;
      clearTimeout(timer);
    };
  }, [props.text]);
  return (
    <aside class="preview-panel" aria-label="Distribution preview">
      <h3>
        Distributions
        {preview
          ? ` (${preview.fields[0]?.drawn?.samples ?? 0} draws each, seed ${preview.seed})`
          : ""}
      </h3>
      {error && (
        <p class="error" role="alert">
          {error.message}
        </p>
      )}
      {preview && (
        <ul class="dist-list">
          {preview.fields.map((f) => (
            <FieldCard key={f.path} f={f} />
          ))}
        </ul>
      )}
    </aside>
  );
}
