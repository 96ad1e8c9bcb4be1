import { useState } from "preact/hooks";
import { type AppError, call } from "../api";
import { Basis, ErrorNote, Field, Show, useCommand } from "../ui";

function ReverseForm(props: { entry: number; done: () => void; cancel: () => void }) {
  const [reason, setReason] = useState("");
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
    <form class="inline-form" onSubmit={submit} aria-label={`Reverse entry ${props.entry}`}>
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
  const loaded = useCommand("journal", {}, [props.rev]);
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
      <Show loaded={loaded}>
        {(lines) => (
          <table class="grid-table journal">
            <thead>
              <tr>
                <th class="num">#</th>
                <th>Effective</th>
                <th>Kind</th>
                <th>Entry</th>
                <th>Basis</th>
                <th>Recorded</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {lines
                .filter(
                  (l) =>
                    !filter ||
                    `${l.summary} ${l.kind}`.toLowerCase().includes(filter.toLowerCase()),
                )
                .map((l) => (
                  <tr key={l.id} class={l.reversed_by ? "reversed" : ""} data-entry={l.id}>
                    <td class="num">{l.id}</td>
                    <td>{l.effective}</td>
                    <td>{l.kind}</td>
                    <td>
                      {l.summary}
                      {l.memo ? <span class="muted"> — {l.memo}</span> : null}
                      {l.reversed_by ? (
                        <span class="muted"> (reversed by #{l.reversed_by})</span>
                      ) : null}
                      {reversing === l.id && (
                        <ReverseForm
                          entry={l.id}
                          cancel={() => setReversing(null)}
                          done={() => {
                            setReversing(null);
                            props.changed();
                          }}
                        />
                      )}
                    </td>
                    <td>
                      <Basis p={l.provenance} />
                    </td>
                    <td class="muted">{l.recorded_at.slice(0, 19).replace("T", " ")}</td>
                    <td>
                      {!l.reversed_by && l.kind !== "reversal" && reversing !== l.id && (
                        <button
                          type="button"
                          class="secondary"
                          name={`reverse-${l.id}`}
                          onClick={() => setReversing(l.id)}
                        >
                          Reverse…
                        </button>
                      )}
                    </td>
                  </tr>
                ))}
            </tbody>
          </table>
        )}
      </Show>
    </section>
  );
}
