import { useState } from "preact/hooks";
import { type AppError, call } from "../api";
import {
  blankForm,
  choices,
  type FieldSpec,
  FORMS,
  formArgs,
  isFixed,
  KINDS,
  type RecordKind,
  recordedLine,
} from "../record";
import type { People } from "../types";
import { ErrorNote, Field, Show, useCommand } from "../ui";

/** A field that picks from the book (a holder, class or plan), with its error beside it. */
function Choice(props: {
  spec: FieldSpec;
  options: string[];
  value: string;
  onInput: (v: string) => void;
  error: AppError | null;
}) {
  const mine = props.error?.field === props.spec.name ? props.error : null;
  const id = `f-${props.spec.name}`;
  return (
    <label class={`field ${mine ? "invalid" : ""}`} for={id}>
      <span>{props.spec.label}</span>
      <select
        id={id}
        name={props.spec.name}
        value={props.value}
        aria-invalid={mine !== null}
        aria-describedby={mine ? `${id}-error` : undefined}
        onChange={(e) => props.onInput((e.target as HTMLSelectElement).value)}
      >
        {!isFixed(props.spec.source) && <option value="">— choose —</option>}
        {props.options.map((o) => (
          <option key={o} value={o}>
            {o}
          </option>
        ))}
      </select>
      {mine && (
        <small id={`${id}-error`} class="field-error" role="alert">
          {mine.message}
        </small>
      )}
    </label>
  );
}

function EntryForm(props: { kind: RecordKind; people: People; changed: () => void }) {
  const spec = FORMS[props.kind];
  const [values, setValues] = useState(() => blankForm(props.kind));
  const [error, setError] = useState<AppError | null>(null);
  const [done, setDone] = useState("");
  const set = (name: string) => (v: string) => setValues((old) => ({ ...old, [name]: v }));
  const submit = async (e: Event) => {
    e.preventDefault();
    setError(null);
    setDone("");
    try {
      const entry = await call(props.kind, formArgs(props.kind, values));
      setDone(recordedLine(props.kind, entry));
      setValues(blankForm(props.kind));
      props.changed();
    } catch (err) {
      setError(err as AppError);
    }
  };
  const named = new Set(spec.fields.map((f) => f.name));
  return (
    <form class="card" onSubmit={submit} aria-labelledby="h-record-form" data-kind={props.kind}>
      <h2 id="h-record-form">{spec.title}</h2>
      <div class="row">
        {spec.fields.map((f) =>
          f.source === "text" || f.source === "date" ? (
            <Field
              key={f.name}
              label={f.optional ? `${f.label} (optional)` : f.label}
              name={f.name}
              type={f.source}
              value={values[f.name]}
              onInput={set(f.name)}
              error={error}
              placeholder={f.placeholder}
            />
          ) : (
            <Choice
              key={f.name}
              spec={f}
              options={choices(f.source, props.people)}
              value={values[f.name]}
              onInput={set(f.name)}
              error={error}
            />
          ),
        )}
      </div>
      {error && !named.has(error.field ?? "") && <ErrorNote error={error} />}
      <button type="submit">Record the {spec.noun}</button>{" "}
      {done && (
        <span class="ok" role="status">
          {done}
        </span>
      )}
    </form>
  );
}

/** The entries the CLI records besides a round: each form is one transaction in the app, and
 * the Journal and Cap table views show it once recorded. */
export function RecordView(props: { rev: number; changed: () => void }) {
  const loaded = useCommand("people", {}, [props.rev]);
  const [kind, setKind] = useState<RecordKind>("issue_shares");
  return (
    <section aria-labelledby="h-record">
      <h1 id="h-record">Record an entry</h1>
      <div class="row" role="group" aria-label="Entry kind">
        {KINDS.map((k) => (
          <button
            type="button"
            key={k}
            class={k === kind ? "" : "secondary"}
            aria-pressed={k === kind}
            onClick={() => setKind(k)}
          >
            {FORMS[k].title}
          </button>
        ))}
      </div>
      <Show loaded={loaded}>
        {(p) => <EntryForm key={kind} kind={kind} people={p} changed={props.changed} />}
      </Show>
    </section>
  );
}
