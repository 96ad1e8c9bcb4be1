import { render } from "preact";
import { useEffect, useState } from "preact/hooks";
import { type AppError, call } from "./api";
import type { BookInfo } from "./types";
import { ErrorNote, Field } from "./ui";
import { CapTableView } from "./views/captable";
import { ComputeView } from "./views/compute";
import { ExitViewPage } from "./views/exit";
import { ImportExportView } from "./views/importExport";
import { JournalView } from "./views/journal";
import { OverviewView } from "./views/overview";
import { RecordView } from "./views/record";
import { RoundsView } from "./views/rounds";
import { ScenariosView } from "./views/scenarios";
import { StakeholdersView } from "./views/stakeholders";
import "./style.css";

const VIEWS = [
  ["overview", "Overview"],
  ["rounds", "Rounds"],
  ["record", "Record"],
  ["stakeholders", "Stakeholders"],
  ["captable", "Cap table"],
  ["journal", "Journal"],
  ["compute", "Compute"],
  ["scenarios", "Scenarios"],
  ["exit", "Exit waterfall"],
  ["import-export", "Import & export"],
] as const;
type ViewId = (typeof VIEWS)[number][0];
type Theme = "system" | "light" | "dark";

function NewBookForm(props: { done: (b: BookInfo) => void; cancel: () => void }) {
  const [name, setName] = useState("");
  const [founded, setFounded] = useState("");
  const [error, setError] = useState<AppError | null>(null);
  const submit = async (e: Event) => {
    e.preventDefault();
    try {
      const b = await call("new_book", { form: { name, founded, currency: "USD" } });
      if (b) props.done(b);
      else props.cancel();
    } catch (err) {
      setError(err as AppError);
    }
  };
  return (
    <form class="card" onSubmit={submit} aria-label="New book">
      <div class="row">
        <Field label="Company name" name="name" value={name} onInput={setName} error={error} />
        <Field
          label="Founded"
          name="founded"
          type="date"
          value={founded}
          onInput={setFounded}
          error={error}
        />
      </div>
      {error && !["name", "founded"].includes(error.field ?? "") && <ErrorNote error={error} />}
      <button type="submit">Choose where to save it…</button>
      <button type="button" class="secondary" onClick={props.cancel}>
        Cancel
      </button>
    </form>
  );
}

function FileMenu(props: { opened: (b: BookInfo) => void }) {
  const [recent, setRecent] = useState<string[]>([]);
  const [making, setMaking] = useState(false);
  const [error, setError] = useState<AppError | null>(null);
  const [note, setNote] = useState("");
  const refresh = () => call("recent_books", {}).then(setRecent, setError);
  useEffect(() => {
    refresh();
  }, []);
  const act = async (f: () => Promise<BookInfo | null>, what: string) => {
    setError(null);
    try {
      const b = await f();
      if (b) {
        setNote(`${what}: ${b.path}`);
        refresh();
      }
      return b;
    } catch (e) {
      setError(e as AppError);
      return null;
    }
  };
  return (
    <details class="file-menu">
      <summary>File</summary>
      <div class="menu">
        <button type="button" onClick={() => setMaking(true)}>
          New book…
        </button>
        <button
          type="button"
          onClick={() =>
            act(() => call("open_book", {}), "Opened").then((b) => b && props.opened(b))
          }
        >
          Open…
        </button>
        <button type="button" onClick={() => act(() => call("save_copy", {}), "Saved a copy")}>
          Save a copy…
        </button>
        <div class="muted">Recent books</div>
        {recent.map((p) => (
          <button
            type="button"
            class="link"
            key={p}
            onClick={() =>
              act(() => call("open_recent", { path: p }), "Opened").then(
                (b) => b && props.opened(b),
              )
            }
          >
            {p}
          </button>
        ))}
        {making && (
          <NewBookForm
            cancel={() => setMaking(false)}
            done={(b) => {
              setMaking(false);
              refresh();
              props.opened(b);
            }}
          />
        )}
        <ErrorNote error={error} />
        {note && (
          <p class="ok" role="status">
            {note}
          </p>
        )}
      </div>
    </details>
  );
}

function App() {
  const [view, setView] = useState<ViewId>("overview");
  const [book, setBook] = useState<BookInfo | null>(null);
  const [error, setError] = useState<AppError | null>(null);
  const [rev, setRev] = useState(0);
  const [theme, setTheme] = useState<Theme>((localStorage.getItem("theme") as Theme) ?? "system");
  useEffect(() => {
    call("book_info", {}).then(setBook, setError);
  }, []);
  useEffect(() => {
    document.documentElement.dataset.theme = theme;
    localStorage.setItem("theme", theme);
  }, [theme]);
  useEffect(() => {
    // Alt+1..9 and Alt+0 (the tenth) move between views from anywhere, even inside a form.
    const onKey = (e: KeyboardEvent) => {
      const n = e.key === "0" ? 10 : Number(e.key);
      if (e.altKey && n >= 1 && n <= VIEWS.length) {
        e.preventDefault();
        setView(VIEWS[n - 1][0]);
      }
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, []);
  useEffect(() => {
    if (book) document.title = book.title;
  }, [book]);
  const changed = () => setRev((r) => r + 1);
  const opened = (b: BookInfo) => {
    setBook(b);
    changed();
  };
  const key = book?.path ?? "";
  return (
    <div class="app">
      <nav aria-label="Views">
        <div class="brand" title={book?.path}>
          <strong>Roundbook</strong>
          <div class="muted book-name">{book ? `${book.company} · ${book.file_name}` : ""}</div>
        </div>
        <FileMenu opened={opened} />
        <ul>
          {VIEWS.map(([id, label], i) => (
            <li key={id}>
              <button
                type="button"
                data-view={id}
                aria-current={view === id ? "page" : undefined}
                onClick={() => setView(id)}
                title={`Alt+${i + 1}`}
              >
                {label}
              </button>
            </li>
          ))}
        </ul>
        <label class="field inline theme">
          <span>Theme</span>
          <select
            name="theme"
            value={theme}
            onChange={(e) => setTheme((e.target as HTMLSelectElement).value as Theme)}
          >
            <option value="system">system</option>
            <option value="light">light</option>
            <option value="dark">dark</option>
          </select>
        </label>
      </nav>
      <main id="main" data-view={view} key={key}>
        <ErrorNote error={error} />
        {view === "overview" && <OverviewView rev={rev} />}
        {view === "rounds" && <RoundsView rev={rev} changed={changed} />}
        {view === "record" && <RecordView rev={rev} changed={changed} />}
        {view === "stakeholders" && <StakeholdersView rev={rev} changed={changed} />}
        {view === "captable" && <CapTableView rev={rev} />}
        {view === "journal" && <JournalView rev={rev} changed={changed} />}
        {view === "compute" && <ComputeView rev={rev} />}
        {view === "scenarios" && <ScenariosView rev={rev} changed={changed} />}
        {view === "exit" && <ExitViewPage rev={rev} />}
        {view === "import-export" && <ImportExportView changed={changed} opened={opened} />}
      </main>
    </div>
  );
}

const root = document.getElementById("app");
if (!root) throw new Error("index.html has no #app element");
render(<App />, root);
