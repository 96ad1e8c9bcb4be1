import { useEffect, useRef, useState } from "preact/hooks";
import { type AppError, call } from "../api";
import { cellText, columnOf, ReadTable } from "../readTable";
import { ErrorNote, Field, Show, useCommand } from "../ui";

function ReverseForm(props: { entry: number; done: () => void; cancel: () => void }) {
  const [reason, setReason] = useState("");
  const form = useRef<HTMLFormElement>(null);
  // The form opens above the journal: bring it into view and put the cursor in the reason.
  useEffect(() => {
    form.current?.scrollIntoView({ block: "nearest" });
    form.current?.querySelector("input")?.focus();
  }, []);
  const [error, setError] = useState<AppError | null>(null);
  const submit = async (e: Event) => {
    e.preventDefault();
    setError(null);
    try {
      await call("reverse_entry", { entry: props.entry, reason });
      props.done();
    } catch (err) {
      setError(err as AppError);
    }
  };
  return (
    <form
      ref={form}
      class="inline-form"
      onSubmit={submit}
      aria-label={`Reverse entry ${props.entry}`}
    >
      <Field
        label={`Why reverse #${props.entry}?`}
        name="reason"
        value={reason}
        onInput={setReason}
        error={error}
      />
      {error && error.field !== "reason" && <ErrorNote error={error} />}
      <button type="submit">Record the reversal</button>
      <button type="button" class="secondary" onClick={props.cancel}>
        Keep it
      </button>
    </form>
  );
}

export function JournalView(props: { rev: number; changed: () => void }) {
  const loaded = useCommand("read_table", { form: { table: "journal" } }, [props.rev]);
  const [reversing, setReversing] = useState<number | null>(null);
  const [filter, setFilter] = useState("");
  return (
    <section aria-labelledby="h-journal">
      <h1 id="h-journal">Journal</h1>
      <p class="muted">
        Entries are never changed or deleted. A correction is a reversing entry that names the entry
        and the reason.
      </p>
      <label class="field inline">
        <span>Filter</span>
        <input
          type="search"
          name="journal_filter"
          value={filter}
          onInput={(e) => setFilter((e.target as HTMLInputElement).value)}
        />
      </label>
      {reversing !== null && (
        <ReverseForm
          entry={reversing}
          cancel={() => setReversing(null)}
          done={() => {
            setReversing(null);
            props.changed();
          }}
        />
      )}
      <Show loaded={loaded}>
        {(t) => {
          // The read model's journal (as `roundbook journal` prints it); the view adds the
          // filter and a Reverse action per entry.
          const [entry, kind, description, reversedBy] = [
            "#",
            "Kind",
            "Description",
            "Reversed by entry",
          ].map((h) => columnOf(t, h));
          const id = (r: number) => Number(t.rows[r][entry]);
          const reversed = (r: number) => t.rows[r][reversedBy] !== null;
          const wanted = filter.toLowerCase();
          return (
            <ReadTable
              table={t}
              label="Journal"
              class="journal"
              show={(r) =>
                !wanted ||
                `${cellText(t, r, description)} ${cellText(t, r, kind)}`
                  .toLowerCase()
                  .includes(wanted)
              }
              rowClass={(r) => (reversed(r) ? "reversed" : undefined)}
              rowEntry={(r) => String(id(r))}
              after={{
                header: "",
                cell: (r) =>
                  !reversed(r) &&
                  cellText(t, r, kind) !== "reversal" &&
                  reversing !== id(r) && (
                    <button
                      type="button"
                      class="secondary"
                      name={`reverse-${id(r)}`}
                      onClick={() => setReversing(id(r))}
                    >
                      Reverse…
                    </button>
                  ),
              }}
            />
          );
        }}
      </Show>
    </section>
  );
}
