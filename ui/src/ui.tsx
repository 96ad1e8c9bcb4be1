// Small pieces every view uses: loading a command's result, money with its exact figure,
// a form field with its inline error, a provenance badge.

import type { ComponentChildren } from "preact";
import { useEffect, useState } from "preact/hooks";
import { type AppError, type Commands, call } from "./api";
import { compactMoney, exactMoney } from "./format";
import type { Money, Provenance } from "./types";

export type Loaded<T> =
  | { state: "loading" }
  | { state: "ready"; value: T }
  | { state: "failed"; error: AppError };

/** Runs a read command whenever `deps` change (the open book's path is always one of them). */
export function useCommand<K extends keyof Commands>(
  cmd: K,
  args: Commands[K][0],
  deps: unknown[],
): Loaded<Commands[K][1]> {
  const [loaded, setLoaded] = useState<Loaded<Commands[K][1]>>({ state: "loading" });
  useEffect(() => {
    let live = true;
    call(cmd, args).then(
      (value) => live && setLoaded({ state: "ready", value }),
      (error: AppError) => live && setLoaded({ state: "failed", error }),
    );
    return () => {
      live = false;
    };
  }, deps);
  return loaded;
}

export function Show<T>(props: { loaded: Loaded<T>; children: (v: T) => ComponentChildren }) {
  const l = props.loaded;
  if (l.state === "loading")
    return (
      <p class="muted" aria-busy="true">
        Loading…
      </p>
    );
  if (l.state === "failed") return <ErrorNote error={l.error} />;
  return <>{props.children(l.value)}</>;
}

export function ErrorNote(props: { error: AppError | null }) {
  if (!props.error) return null;
  return (
    <p class="error" role="alert" data-code={props.error.code}>
      {props.error.message}
    </p>
  );
}

/** $24.0B with the exact amount in the tooltip and for screen readers: the compact text is shown
 * as an image whose name is the exact amount (a plain span may not carry an aria-label). */
export function Amount(props: { m: Money | null | undefined }) {
  if (!props.m) return <span class="muted">—</span>;
  const exact = exactMoney(props.m);
  return (
    <span class="money" role="img" title={exact} aria-label={exact} data-exact={exact}>
      {compactMoney(props.m)}
    </span>
  );
}

export function Exact(props: { m: Money | null | undefined }) {
  return props.m ? <span class="money">{exactMoney(props.m)}</span> : <span class="muted">—</span>;
}

export function Basis(props: { p: Provenance }) {
  if (props.p === "recorded") return null;
  return (
    <span
      class={`badge ${props.p}`}
      title={
        props.p === "illustrative"
          ? "Made up to complete the example; not a fact about the company"
          : "A public fact (assets/xai/SOURCES.md)"
      }
    >
      {props.p}
    </span>
  );
}

/** A labelled input whose error, when the app names this field, shows beneath it. */
export function Field(props: {
  label: string;
  name: string;
  value: string;
  onInput: (v: string) => void;
  error: AppError | null;
  type?: string;
  placeholder?: string;
}) {
  const mine = props.error?.field === props.name ? props.error : null;
  const id = `f-${props.name.replace(/\W/g, "-")}`;
  return (
    <label class={`field ${mine ? "invalid" : ""}`} for={id}>
      <span>{props.label}</span>
      <input
        id={id}
        name={props.name}
        type={props.type ?? "text"}
        value={props.value}
        placeholder={props.placeholder}
        aria-invalid={mine !== null}
        aria-describedby={mine ? `${id}-error` : undefined}
        onInput={(e) => props.onInput((e.target as HTMLInputElement).value)}
      />
      {mine && (
        <small id={`${id}-error`} class="field-error" role="alert">
          {mine.message}
        </small>
      )}
    </label>
  );
}

export function Stat(props: { label: string; children: ComponentChildren; note?: string }) {
  return (
    <div class="stat">
      <div class="stat-label">{props.label}</div>
      <div class="stat-value">{props.children}</div>
      {props.note && <div class="stat-note">{props.note}</div>}
    </div>
  );
}

/** One choice among `options`, or none (`unset` names what none means: "the book's"). */
export function Choice<T extends string>(props: {
  label: string;
  name: string;
  value: T | null;
  options: [T, string][];
  unset: string;
  onChange: (v: T | null) => void;
}) {
  return (
    <label class="field" for={`f-${props.name}`}>
      <span>{props.label}</span>
      <select
        id={`f-${props.name}`}
        name={props.name}
        value={props.value ?? ""}
        onChange={(e) => {
          const v = (e.target as HTMLSelectElement).value;
          props.onChange(v ? (v as T) : null);
        }}
      >
        <option value="">{props.unset}</option>
        {props.options.map(([v, text]) => (
          <option key={v} value={v}>
            {text}
          </option>
        ))}
      </select>
    </label>
  );
}

/** One of `options`, always one (a setting with a default rather than "unset"). */
export function Select<T extends string>(props: {
  label: string;
  name: string;
  value: T;
  options: [T, string][];
  onChange: (v: T) => void;
}) {
  return (
    <label class="field" for={`f-${props.name}`}>
      <span>{props.label}</span>
      <select
        id={`f-${props.name}`}
        name={props.name}
        value={props.value}
        onChange={(e) => props.onChange((e.target as HTMLSelectElement).value as T)}
      >
        {props.options.map(([v, text]) => (
          <option key={v} value={v}>
            {text}
          </option>
        ))}
      </select>
    </label>
  );
}
