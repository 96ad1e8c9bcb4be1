import { useState } from "preact/hooks";
import { type AppError, call } from "../api";
import { ReadTable } from "../readTable";
import type { StakeholderKind } from "../types";
import { ErrorNote, Field, Show, useCommand } from "../ui";

export function StakeholdersView(props: { rev: number; changed: () => void }) {
  const table = useCommand("read_table", { form: { table: "stakeholders" } }, [props.rev]);
  const classes = useCommand("read_table", { form: { table: "classes" } }, [props.rev]);
  const plans = useCommand("read_table", { form: { table: "plans" } }, [props.rev]);
  const [name, setName] = useState("");
  const [kind, setKind] = useState<StakeholderKind>("institution");
  const [roles, setRoles] = useState("investor");
  const [error, setError] = useState<AppError | null>(null);
  const [done, setDone] = useState("");
  const add = async (e: Event) => {
    e.preventDefault();
    setError(null);
    try {
      const relationships = roles
        .split(",")
        .map((r) => r.trim())
        .filter(Boolean);
      const id = await call("add_stakeholder", { form: { name, kind, relationships } });
      setDone(`Added #${id}: ${name.trim()}`);
      setName("");
      props.changed();
    } catch (err) {
      setError(err as AppError);
    }
  };
  return (
    <section aria-labelledby="h-people">
      <h1 id="h-people">Stakeholders and investors</h1>
      <Show loaded={table}>{(t) => <ReadTable table={t} label="Stakeholders" />}</Show>
      <h2>Share classes</h2>
      <Show loaded={classes}>{(t) => <ReadTable table={t} label="Share classes" />}</Show>
      <h2>Equity plans</h2>
      <Show loaded={plans}>{(t) => <ReadTable table={t} label="Equity plans" />}</Show>
      <form class="card" onSubmit={add} aria-labelledby="h-add-person">
        <h2 id="h-add-person">Add a stakeholder</h2>
        <div class="row">
          <Field label="Name" name="name" value={name} onInput={setName} error={error} />
          <label class="field">
            <span>Kind</span>
            <select
              value={kind}
              onChange={(e) => setKind((e.target as HTMLSelectElement).value as StakeholderKind)}
            >
              <option value="institution">institution</option>
              <option value="individual">individual</option>
            </select>
          </label>
          <Field
            label="Relationships (comma-separated)"
            name="relationships"
            value={roles}
            onInput={setRoles}
            error={error}
          />
        </div>
        {error && !["name", "relationships"].includes(error.field ?? "") && (
          <ErrorNote error={error} />
        )}
        <button type="submit">Add stakeholder</button>{" "}
        {done && (
          <span class="ok" role="status">
            {done}
          </span>
        )}
      </form>
    </section>
  );
}
