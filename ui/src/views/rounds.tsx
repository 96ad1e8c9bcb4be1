import { useState } from "preact/hooks";
import { type AppError, call } from "../api";
import { exactMoney, fractionPercent, shares } from "../format";
import { ReadTable, SortableTable } from "../readTable";
import type {
  AntiDilutionPricing,
  CapitalisationRounding,
  ConversionClass,
  ConvertChoice,
  GrantChoice,
  PoolSize,
  PoolTiming,
  PriceDirection,
  PricingMethod,
  ProRataSizing,
  RoundForm,
  RoundingForm,
  RoundPreview,
  ShareRounding,
  SizedGrantForm,
} from "../types";
import { Basis, Choice, ErrorNote, Exact, Field, Select, Show, useCommand } from "../ui";

/** The fields the form edits; the app defaults the rest (pro rata, conversions, and the price and
 * share rounding, which are the book's). */
type ModelFields = Pick<
  RoundForm,
  | "name"
  | "date"
  | "class"
  | "class_choice"
  | "pre_money"
  | "post_money"
  | "price"
  | "pricing"
  | "investments"
  | "lead"
  | "pool_target"
  | "pool_shares"
  | "pool_plan"
  | "pool_timing"
  | "grants"
  | "pro_rata"
  | "safe_pro_rata"
  | "pro_rata_sizing"
  | "conversion_class"
  | "convert"
  | "anti_dilution_pricing"
  | "rounding"
  | "note"
>;

const EMPTY: ModelFields = {
  name: "",
  date: "",
  class: "",
  class_choice: "new",
  pre_money: "",
  post_money: "",
  price: "",
  pricing: "percentage-ownership",
  investments: [{ investor: "", amount: "" }],
  lead: "",
  pool_target: "",
  pool_shares: "",
  pool_plan: "",
  pool_timing: "pre-money",
  grants: [],
  pro_rata: [],
  safe_pro_rata: [],
  pro_rata_sizing: "on-top",
  conversion_class: "round-class",
  convert: "all",
  anti_dilution_pricing: "after-price",
  rounding: {
    price_decimals: "",
    price_rounding: null,
    share_rounding: null,
    conversion_rounding: null,
    capitalisation_rounding: null,
    pool_rounding: null,
    cap_price_decimals: "",
    cap_price_rounding: null,
    discount_price_decimals: "",
    discount_price_rounding: null,
  },
  note: "",
};

const DIRECTIONS: [PriceDirection, string][] = [
  ["up", "up"],
  ["down", "down"],
  ["half-up", "to nearest, half up"],
  ["half-even", "to nearest, half even"],
];

/** Cooley GO's three ways converting SAFEs and notes enter the price (docs/round-model.md). */
const PRICING: [PricingMethod, string][] = [
  ["percentage-ownership", "percentage ownership (new investors keep new money / post)"],
  ["pre-money", "pre-money (conversions dilute new investors too)"],
  ["dollars-invested", "dollars invested (converting amounts count as invested)"],
];

const CONVERT: [ConvertChoice, string][] = [
  ["all", "all of them"],
  ["none", "none"],
  ["only", "only those listed"],
];

const CONVERSION_CLASS: [ConversionClass, string][] = [
  ["round-class", "the round's class"],
  ["shadow-series", "a shadow series at their price (Series A-1...)"],
];

const ANTI_DILUTION_PRICING: [AntiDilutionPricing, string][] = [
  ["after-price", "priced after the round"],
  ["in-price", "in the price's denominator"],
];

const PRO_RATA_SIZING: [ProRataSizing, string][] = [
  ["on-top", "on top of the stated round"],
  ["carved-out", "carved out of it"],
];

const CAPITALISATION: [CapitalisationRounding, string][] = [
  ["exact", "exact"],
  ["floor", "whole, down (YC's guide)"],
  ["nearest", "whole, to the nearest share"],
  ["ceiling", "whole, up"],
];

/** The round's rounding, each rule the book's unless set here (docs/rounding.md). */
function RoundingFields(props: {
  value: RoundingForm;
  onChange: (r: RoundingForm) => void;
  error: AppError | null;
}) {
  const r = props.value;
  const set = (patch: Partial<RoundingForm>) => props.onChange({ ...r, ...patch });
  return (
    <details class="rounding">
      <summary>Rounding (the book's unless set)</summary>
      <div class="row">
        <Field
          label="Price decimals"
          name="price_decimals"
          value={r.price_decimals}
          onInput={(v) => set({ price_decimals: v })}
          error={props.error}
          placeholder="5"
        />
        <Choice
          unset="the book's"
          label="Price rounds"
          name="price_rounding"
          value={r.price_rounding}
          options={DIRECTIONS}
          onChange={(v) => set({ price_rounding: v })}
        />
        <Choice
          unset="the book's"
          label="Investors' shares round"
          name="share_rounding"
          value={r.share_rounding}
          options={SHARE_RULES}
          onChange={(v) => set({ share_rounding: v })}
        />
        <Choice
          unset="the book's"
          label="Conversion shares round"
          name="conversion_rounding"
          value={r.conversion_rounding}
          options={SHARE_RULES}
          onChange={(v) => set({ conversion_rounding: v })}
        />
        <Choice
          unset="the book's"
          label="Shares a price divides by"
          name="capitalisation_rounding"
          value={r.capitalisation_rounding}
          options={CAPITALISATION}
          onChange={(v) => set({ capitalisation_rounding: v })}
        />
        <Choice
          unset="the book's"
          label="A top-up solved to a target rounds"
          name="pool_rounding"
          value={r.pool_rounding}
          options={SHARE_RULES}
          onChange={(v) => set({ pool_rounding: v })}
        />
      </div>
      <div class="row">
        <Field
          label="Cap price decimals"
          name="cap_price_decimals"
          value={r.cap_price_decimals}
          onInput={(v) => set({ cap_price_decimals: v })}
          error={props.error}
          placeholder="as the price"
        />
        <Choice
          unset="the book's"
          label="Cap price rounds"
          name="cap_price_rounding"
          value={r.cap_price_rounding}
          options={DIRECTIONS}
          onChange={(v) => set({ cap_price_rounding: v })}
        />
        <Field
          label="Discount price decimals"
          name="discount_price_decimals"
          value={r.discount_price_decimals}
          onInput={(v) => set({ discount_price_decimals: v })}
          error={props.error}
          placeholder="as the price"
        />
        <Choice
          unset="the book's"
          label="Discount price rounds"
          name="discount_price_rounding"
          value={r.discount_price_rounding}
          options={DIRECTIONS}
          onChange={(v) => set({ discount_price_rounding: v })}
        />
      </div>
    </details>
  );
}

const SHARE_RULES: [ShareRounding, string][] = [
  ["floor", "down"],
  ["nearest", "to the nearest share"],
  ["ceiling", "up"],
];

/** Names typed comma-separated, trimmed, empty ones dropped. */
function names(text: string): string[] {
  return text
    .split(",")
    .map((n) => n.trim())
    .filter((n) => n !== "");
}

/** A pool top-up's size as the round set it. */
function poolSize(size: PoolSize): string {
  return "target" in size
    ? `target ${fractionPercent(size.target)} of post-money FD`
    : `increase of ${shares(size.shares)} shares`;
}

function RoundDetailPanel(props: { id: number; rev: number }) {
  const loaded = useCommand("round_detail", { round: props.id }, [props.id, props.rev]);
  return (
    <Show loaded={loaded}>
      {(d) => (
        <div class="card" role="group" aria-label={`Round ${d.round.name}`}>
          <h2>
            {d.round.name} <Basis p={d.round.provenance} />
          </h2>
          <dl class="facts">
            <dt>Date</dt>
            <dd>{d.round.date}</dd>
            <dt>Class</dt>
            <dd>{d.round.class_name}</dd>
            <dt>Pre-money</dt>
            <dd>
              <Exact m={d.round.pre_money} />
            </dd>
            <dt>Raised</dt>
            <dd>
              <Exact m={d.round.amount_raised} />
            </dd>
            <dt>Post-money</dt>
            <dd>
              <Exact m={d.round.post_money} />
            </dd>
            <dt>Price per share</dt>
            <dd>
              <Exact m={d.round.price_per_share} /> <Basis p={d.round.price_provenance} />
            </dd>
            <dt>Pre-money FD shares</dt>
            <dd>{shares(d.round.pre_money_fd_shares)}</dd>
            <dt>Lead</dt>
            <dd>{d.round.lead_name ?? "—"}</dd>
          </dl>
          <h3>Investors in the round</h3>
          <ReadTable table={d.investors} label={`Investors in ${d.round.name}`} />
        </div>
      )}
    </Show>
  );
}

function Preview(props: { p: RoundPreview; committed: boolean }) {
  const o = props.p.outcome;
  return (
    <div class="card" role="group" aria-label="Round preview" data-committed={props.committed}>
      <h2>{props.committed ? `Recorded: ${o.name}` : `Pro forma: ${o.name}`}</h2>
      <dl class="facts">
        <dt>{o.valuation.kind === "price" ? "Pre-money (from the given price)" : "Pre-money"}</dt>
        <dd>
          <Exact m={o.pre_money} />
        </dd>
        <dt>Pricing</dt>
        <dd>
          {o.pricing}: <Exact m={o.effective_pre_money} /> / {o.price_denominator} shares
        </dd>
        <dt>New money</dt>
        <dd>
          <Exact m={o.new_money} />
        </dd>
        <dt>Post-money</dt>
        <dd>
          <Exact m={o.post_money} />
        </dd>
        <dt>Price per share</dt>
        <dd>{exactMoney(o.price_per_share)}</dd>
        <dt>New shares</dt>
        <dd>{shares(o.new_shares)}</dd>
        <dt>Pool top-up</dt>
        <dd>
          {shares(o.pool_increase)}
          {o.pool && " (" + poolSize(o.pool.size) + ")"}
        </dd>
        <dt>Rounding</dt>
        <dd>{o.rounding_rule}</dd>
        {o.anti_dilution_shares > 0 && (
          <>
            <dt>Anti-dilution shares</dt>
            <dd>
              {shares(o.anti_dilution_shares)} ({o.anti_dilution_pricing})
            </dd>
          </>
        )}
        <dt>FD before / after</dt>
        <dd>
          {shares(o.pre_round_fd_shares)} / {shares(o.post_money_fd_shares)}
        </dd>
      </dl>
      <div class="side-by-side">
        <div>
          <h3>Before, {props.p.as_of}</h3>
          <SortableTable
            table={props.p.before}
            label={`Cap table before, ${props.p.as_of}`}
            class="captable"
            sortBy={{ header: "Fully diluted", descending: true }}
          />
        </div>
        <div>
          <h3>After the round</h3>
          <SortableTable
            table={props.p.after}
            label="Cap table after the round"
            class="captable"
            sortBy={{ header: "Fully diluted", descending: true }}
          />
        </div>
      </div>
    </div>
  );
}

function ModelForm(props: { rev: number; changed: () => void }) {
  const people = useCommand("people", {}, [props.rev]);
  const [form, setForm] = useState<ModelFields>(EMPTY);
  // Typed as text (a comma must survive the typing), sent as names.
  const [proRata, setProRata] = useState("");
  const [safeProRata, setSafeProRata] = useState("");
  const [convertEntries, setConvertEntries] = useState("");
  const [error, setError] = useState<AppError | null>(null);
  const [preview, setPreview] = useState<{ p: RoundPreview; committed: boolean } | null>(null);
  const set = (k: keyof ModelFields) => (v: string) => setForm({ ...form, [k]: v });
  const setInv = (i: number, k: "investor" | "amount", v: string) =>
    setForm({
      ...form,
      investments: form.investments.map((x, j) => (j === i ? { ...x, [k]: v } : x)),
    });
  const setGrant = (i: number, patch: Partial<SizedGrantForm>) =>
    setForm({
      ...form,
      grants: form.grants.map((x, j) => (j === i ? { ...x, ...patch } : x)),
    });
  const run = async (cmd: "model_round" | "commit_round") => {
    setError(null);
    try {
      const p = await call(cmd, {
        form: {
          ...form,
          pro_rata: names(proRata),
          safe_pro_rata: names(safeProRata),
          convert_entries: form.convert === "only" ? names(convertEntries) : [],
        },
      });
      setPreview({ p, committed: cmd === "commit_round" });
      if (cmd === "commit_round") {
        setForm(EMPTY);
        setProRata("");
        setSafeProRata("");
        setConvertEntries("");
        props.changed();
      }
    } catch (e) {
      setError(e as AppError);
      setPreview(null);
    }
  };
  const known = [
    "name",
    "date",
    "class",
    "pre_money",
    "pro_rata",
    "safe_pro_rata",
    "convert_entries",
    "post_money",
    "price",
    "lead",
    "pool_target",
    "pool_shares",
    "pool_plan",
    "price_decimals",
    "cap_price_decimals",
    "discount_price_decimals",
  ];
  const inline =
    error &&
    (known.includes(error.field ?? "") ||
      (error.field ?? "").startsWith("investments.") ||
      (error.field ?? "").startsWith("grants."));
  return (
    <form
      class="card"
      aria-labelledby="h-model"
      onSubmit={(e) => {
        e.preventDefault();
        run("model_round");
      }}
    >
      <h2 id="h-model">Model a new round</h2>
      <datalist id="stakeholder-names">
        {people.state === "ready" &&
          people.value.stakeholders.map((s) => <option key={s.id} value={s.name} />)}
      </datalist>
      <datalist id="class-names">
        {people.state === "ready" &&
          people.value.classes.map((c) => <option key={c.id} value={c.name} />)}
      </datalist>
      <div class="row">
        <Field
          label="Round name"
          name="name"
          value={form.name}
          onInput={set("name")}
          error={error}
          placeholder="Series C"
        />
        <Field
          label="Date"
          name="date"
          type="date"
          value={form.date}
          onInput={set("date")}
          error={error}
        />
        <Field
          label="Pre-money"
          name="pre_money"
          value={form.pre_money}
          onInput={set("pre_money")}
          error={error}
          placeholder="40000000000"
        />
      </div>
      <div class="row">
        <Field
          label="Or post-money"
          name="post_money"
          value={form.post_money}
          onInput={set("post_money")}
          error={error}
        />
        <Field
          label="Price per share (given, or checked)"
          name="price"
          value={form.price}
          onInput={set("price")}
          error={error}
        />
        <Select
          label="Converting SAFEs and notes price by"
          name="pricing"
          value={form.pricing}
          options={PRICING}
          onChange={(v) => setForm({ ...form, pricing: v })}
        />
        <Select
          label="SAFEs and notes below the price convert into"
          name="conversion_class"
          value={form.conversion_class}
          options={CONVERSION_CLASS}
          onChange={(v) => setForm({ ...form, conversion_class: v })}
        />
        <Select
          label="A down round's anti-dilution shares are"
          name="anti_dilution_pricing"
          value={form.anti_dilution_pricing}
          options={ANTI_DILUTION_PRICING}
          onChange={(v) => setForm({ ...form, anti_dilution_pricing: v })}
        />
      </div>
      <div class="row">
        <Select
          label="SAFEs and notes outstanding that convert"
          name="convert"
          value={form.convert}
          options={CONVERT}
          onChange={(v) => setForm({ ...form, convert: v })}
        />
        {form.convert === "only" && (
          <Field
            label="Their journal entry numbers (comma-separated)"
            name="convert_entries"
            value={convertEntries}
            onInput={setConvertEntries}
            error={error}
            placeholder="12, 15"
          />
        )}
      </div>
      <div class="row">
        <Field
          label="Class"
          name="class"
          value={form.class}
          onInput={set("class")}
          error={error}
          placeholder="Series C Preferred"
        />
        <label class="field">
          <span>The class is</span>
          <select
            name="class_choice"
            value={form.class_choice}
            onChange={(e) =>
              setForm({
                ...form,
                class_choice: (e.target as HTMLSelectElement).value as "new" | "existing",
              })
            }
          >
            <option value="new">new (created by this round)</option>
            <option value="existing">already in the book</option>
          </select>
        </label>
        <Field
          label="Lead (optional)"
          name="lead"
          value={form.lead}
          onInput={set("lead")}
          error={error}
        />
      </div>
      <fieldset>
        <legend>Investments</legend>
        {form.investments.map((inv, i) => (
          <div class="row" key={i}>
            <Field
              label={`Investor ${i + 1}`}
              name={`investments.${i}.investor`}
              value={inv.investor}
              onInput={(v) => setInv(i, "investor", v)}
              error={error}
            />
            <Field
              label="Amount"
              name={`investments.${i}.amount`}
              value={inv.amount}
              onInput={(v) => setInv(i, "amount", v)}
              error={error}
            />
          </div>
        ))}
        <button
          type="button"
          class="secondary"
          onClick={() =>
            setForm({ ...form, investments: [...form.investments, { investor: "", amount: "" }] })
          }
        >
          Add an investor
        </button>
      </fieldset>
      <div class="row">
        <Field
          label="Holders taking their pro rata (names, comma-separated)"
          name="pro_rata"
          value={proRata}
          onInput={setProRata}
          error={error}
        />
        <Field
          label="SAFE holders taking a pro rata side letter"
          name="safe_pro_rata"
          value={safeProRata}
          onInput={setSafeProRata}
          error={error}
        />
        <Select
          label="Pro rata amounts are"
          name="pro_rata_sizing"
          value={form.pro_rata_sizing}
          options={PRO_RATA_SIZING}
          onChange={(v) => setForm({ ...form, pro_rata_sizing: v })}
        />
      </div>
      <fieldset>
        <legend>Grants sized to the round (of post-money fully diluted)</legend>
        {form.grants.map((g, i) => (
          <div class="row" key={i}>
            <Field
              label={`Grant ${i + 1} to`}
              name={`grants.${i}.holder`}
              value={g.holder}
              onInput={(v) => setGrant(i, { holder: v })}
              error={error}
            />
            <Field
              label="Target (fraction)"
              name={`grants.${i}.target`}
              value={g.target}
              onInput={(v) => setGrant(i, { target: v })}
              error={error}
              placeholder="0.01"
            />
            <label class="field" for={`f-grants.${i}.kind`}>
              <span>As</span>
              <select
                id={`f-grants.${i}.kind`}
                name={`grants.${i}.kind`}
                value={g.kind}
                onChange={(e) =>
                  setGrant(i, { kind: (e.target as HTMLSelectElement).value as GrantChoice })
                }
              >
                <option value="options">options out of a plan</option>
                <option value="shares">new shares (in the pre-money)</option>
              </select>
            </label>
            {g.kind === "options" ? (
              <>
                <Field
                  label="Plan"
                  name={`grants.${i}.plan`}
                  value={g.plan}
                  onInput={(v) => setGrant(i, { plan: v })}
                  error={error}
                />
                <Field
                  label="Strike"
                  name={`grants.${i}.strike`}
                  value={g.strike}
                  onInput={(v) => setGrant(i, { strike: v })}
                  error={error}
                />
              </>
            ) : (
              <Field
                label="Class"
                name={`grants.${i}.class`}
                value={g.class}
                onInput={(v) => setGrant(i, { class: v })}
                error={error}
              />
            )}
          </div>
        ))}
        <button
          type="button"
          class="secondary"
          onClick={() =>
            setForm({
              ...form,
              grants: [
                ...form.grants,
                { holder: "", target: "", kind: "options", plan: "", strike: "", class: "" },
              ],
            })
          }
        >
          Add a grant
        </button>
      </fieldset>
      <div class="row">
        <Field
          label="Pool target after the round (fraction, optional)"
          name="pool_target"
          value={form.pool_target}
          onInput={set("pool_target")}
          error={error}
          placeholder="0.10"
        />
        <Field
          label="Or a pool increase (shares, optional)"
          name="pool_shares"
          value={form.pool_shares}
          onInput={set("pool_shares")}
          error={error}
          placeholder="1695000"
        />
        <Field
          label="Pool plan"
          name="pool_plan"
          value={form.pool_plan}
          onInput={set("pool_plan")}
          error={error}
        />
      </div>
      <div class="row">
        <label class="field" for="f-pool_timing">
          <span>Pool top-up counted</span>
          <select
            id="f-pool_timing"
            name="pool_timing"
            value={form.pool_timing}
            onChange={(e) =>
              setForm({
                ...form,
                pool_timing: (e.target as HTMLSelectElement).value as PoolTiming,
              })
            }
          >
            <option value="pre-money">in the pre-money (existing holders diluted)</option>
            <option value="post-money">in the post-money (new investors diluted too)</option>
          </select>
        </label>
      </div>
      <RoundingFields
        value={form.rounding}
        onChange={(rounding) => setForm({ ...form, rounding })}
        error={error}
      />
      {error && !inline && <ErrorNote error={error} />}
      <div class="actions">
        <button type="submit">Model</button>
        <button type="button" name="commit" onClick={() => run("commit_round")}>
          Record the round
        </button>
      </div>
      {preview && <Preview p={preview.p} committed={preview.committed} />}
    </form>
  );
}

export function RoundsView(props: { rev: number; changed: () => void }) {
  const loaded = useCommand("read_table", { form: { table: "rounds" } }, [props.rev]);
  const [selected, setSelected] = useState<number | null>(null);
  return (
    <section aria-labelledby="h-rounds">
      <h1 id="h-rounds">Rounds</h1>
      <Show loaded={loaded}>
        {(rounds) => {
          // The read model's "#" column is the round's id, which its detail panel asks for.
          const id = (row: number) => Number(rounds.rows[row][0]);
          return (
            <ReadTable
              table={rounds}
              label="Funding rounds"
              link={{
                header: "Round",
                onClick: (row) => setSelected(id(row)),
                selected: rounds.rows.findIndex((_, r) => id(r) === selected),
              }}
            />
          );
        }}
      </Show>
      {selected !== null && <RoundDetailPanel id={selected} rev={props.rev} />}
      <ModelForm rev={props.rev} changed={props.changed} />
    </section>
  );
}
