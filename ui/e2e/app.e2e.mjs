// End to end through tauri-driver + WebKitWebDriver: the real app on a fresh book (the xAI
// example, created on first start), driven as a user would. Usage:
//   node app.e2e.mjs APP_BINARY SCREENSHOT_DIR    (tauri-driver listening on $WEBDRIVER_URL)
// Each step asserts what the user would check; a screenshot of every main view is saved.

import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { Session } from "./webdriver.mjs";

const [app, shots] = process.argv.slice(2);
const base = process.env.WEBDRIVER_URL ?? "http://127.0.0.1:4444";
mkdirSync(shots, { recursive: true });

let failures = 0;
const s = await Session.start(base, app);

async function step(name, body) {
  const t = Date.now();
  try {
    await body();
    console.log(`ok   ${name} (${Date.now() - t} ms)`);
  } catch (e) {
    failures++;
    console.log(`FAIL ${name}: ${e.message}`);
    await shot(`failed-${name.replace(/\W+/g, "-")}`).catch(() => {});
  }
}

function assert(cond, message) {
  if (!cond) throw new Error(message);
}

/** The X screen as the user sees it. WebKitWebDriver's own screenshot hangs on a page no
 * taller than the window (seen with WebKitGTK 2.50 under Xvfb), and a hung command blocks the
 * session, so the screen is taken with ImageMagick's `import` instead. */
async function shot(name) {
  await new Promise((r) => setTimeout(r, 300));
  execFileSync("import", ["-window", "root", `${shots}/${name}.png`], { timeout: 20000 });
}

/** Sets an input's value as typing would and fires the events Preact listens to (date inputs
 * and selects cannot be typed into reliably through WebKitWebDriver). */
const FILL = `const el = document.querySelector(arguments[0]);
  const proto = el.tagName === 'SELECT' ? HTMLSelectElement.prototype : el.tagName === 'TEXTAREA' ? HTMLTextAreaElement.prototype : HTMLInputElement.prototype;
  Object.getOwnPropertyDescriptor(proto, 'value').set.call(el, arguments[1]);
  el.dispatchEvent(new Event('input', { bubbles: true }));
  el.dispatchEvent(new Event('change', { bubbles: true }));
  return true;`;
const fill = (css, value) => s.exec(FILL, css, value);

async function view(id, readyCss) {
  await s.click(`nav button[data-view="${id}"]`);
  await s.waitFor(
    `the ${id} view`,
    `return document.querySelector('main[data-view="${id}"] ${readyCss}') !== null`,
  );
}

const fdTotal = () =>
  s.exec(
    "const e = document.querySelector('table.captable tfoot td[data-header=\"Fully diluted\"]'); return e && e.textContent",
  );
const fdNumber = (t) => Number(String(t).replace(/,/g, ""));
const journalCount = () =>
  s.exec("return document.querySelectorAll('table.journal tbody tr').length");

let fdBefore, fdAfterRound, entriesBefore;

await step("opens on the xAI example and names the book in the title", async () => {
  await s.waitFor("the overview", "return document.querySelector('.stat-value') !== null");
  // The page mirrors the window title (set by the app) in document.title.
  const title = await s.exec("return document.title");
  assert(/xAI/.test(title) && /\.roundbook/.test(title), `title is '${title}'`);
  const text = await s.exec("return document.querySelector('main').innerText");
  // xAI's Series B, announced 2024-05-26: $6B raised at $18B pre-money, $24B post-money.
  assert(
    text.includes("Series B") && text.includes("$24.0B"),
    `overview shows: ${text.slice(0, 300)}`,
  );
  const exact = await s.exec(
    "return [...document.querySelectorAll('.money')].map(e => e.dataset.exact)",
  );
  assert(exact.includes("$24,000,000,000.00"), `exact figures: ${exact}`);
  await shot("01-overview");
});

await step("cap table, fully diluted, by holder and by class", async () => {
  await view("captable", "table.captable");
  fdBefore = fdNumber(await fdTotal());
  assert(fdBefore > 0, `FD total ${fdBefore}`);
  await shot("02-captable");
  await fill("select[name=by]", "class");
  await s.waitFor(
    "class rows",
    "return [...document.querySelectorAll('table.captable tbody td')].some(td => td.textContent.includes('Series B Preferred'))",
  );
  await fill("input[name=as_of]", "2023-12-31");
  await s.waitFor(
    "the table as of 2023-12-31",
    "return document.querySelector('table.captable')?.dataset.asOf === '2023-12-31'",
  );
  const fdEarly = fdNumber(await fdTotal());
  assert(
    fdEarly < fdBefore,
    `FD on 2023-12-31 (${fdEarly}) should be below today's (${fdBefore}): the Series B came later`,
  );
});

await step(
  "an invalid round shows an inline error naming the field and records nothing",
  async () => {
    await view("journal", "table.journal");
    entriesBefore = await journalCount();
    await view("rounds", "form[aria-labelledby=h-model]");
    await s.type("input[name=name]", "Series C");
    await fill("input[name=date]", "2024-12-23");
    await s.type("input[name=class]", "Series C Preferred");
    await s.type("input[name=pre_money]", "forty billion");
    await s.type('input[name="investments.0.investor"]', "Valor Equity Partners");
    await s.type('input[name="investments.0.amount"]', "6000000000");
    await s.click("form[aria-labelledby=h-model] button[type=submit]");
    const msg = await s.waitFor(
      "the inline error",
      "const e = document.querySelector('.field.invalid .field-error'); return e && e.textContent",
    );
    assert(/pre_money/.test(msg), `inline error: ${msg}`);
    const invalid = await s.exec("return document.querySelector('.field.invalid input').name");
    assert(invalid === "pre_money", `the field marked invalid is ${invalid}`);
    await view("journal", "table.journal");
    assert((await journalCount()) === entriesBefore, "the journal changed after a refused round");
  },
);

await step("record a round and see the cap table change", async () => {
  await view("rounds", "form[aria-labelledby=h-model]");
  // xAI's Series C (December 2024, $6B) as an illustrative continuation of the example.
  await s.type("input[name=name]", "Series C");
  await fill("input[name=date]", "2024-12-23");
  await s.type("input[name=class]", "Series C Preferred");
  await s.type("input[name=pre_money]", "44000000000");
  await s.type('input[name="investments.0.investor"]', "Valor Equity Partners");
  await s.type('input[name="investments.0.amount"]', "6000000000");
  // The pool increase as a share count, as term sheets and YC's SAFE user guide state it.
  await s.type("input[name=pool_shares]", "50000000");
  await s.type("input[name=pool_plan]", "2023 Equity Incentive Plan");
  // This round's price to 4 decimals, apart from the book's default of 5.
  await s.click("details.rounding summary");
  await s.type("input[name=price_decimals]", "4");
  // Cooley GO's pre-money method for converting SAFEs and notes (the book has none here, so
  // the price is the same; the preview must state the method chosen).
  await fill("select[name=pricing]", "pre-money");
  await s.click("form[aria-labelledby=h-model] button[type=submit]");
  await s.waitFor(
    "the pro forma",
    "return document.querySelector('[aria-label=\"Round preview\"][data-committed=false]') !== null",
  );
  const pool = await s.exec(
    "return document.querySelector('[aria-label=\"Round preview\"]').textContent",
  );
  assert(/50,000,000 \(increase of 50,000,000 shares\)/.test(pool), `the preview's pool: ${pool}`);
  assert(/price up to 4 dp/.test(pool), `the preview's rounding: ${pool}`);
  assert(/pre-money: /.test(pool), `the preview's pricing method: ${pool}`);
  await s.click("button[name=commit]");
  await s.waitFor(
    "the recorded round",
    "return document.querySelector('[aria-label=\"Round preview\"][data-committed=true]') !== null",
  );
  await s.waitFor(
    "Series C in the list",
    "return [...document.querySelectorAll('main table tbody button.link')].some(b => b.textContent === 'Series C')",
  );
  await shot("03-rounds");
  await view("captable", "table.captable");
  fdAfterRound = fdNumber(await fdTotal());
  assert(fdAfterRound > fdBefore, `FD after the round ${fdAfterRound} should exceed ${fdBefore}`);
  const names = await s.exec(
    "return [...document.querySelectorAll('table.captable tbody td:first-child')].map(t => t.textContent).join('|')",
  );
  assert(names.includes("Valor Equity Partners"), `holders: ${names}`);
});

await step("reverse an entry with a reason", async () => {
  await view("journal", "table.journal");
  const n = await journalCount();
  assert(n > entriesBefore, `the round added entries (${entriesBefore} -> ${n})`);
  // The newest stock issuance: the Series C shares just recorded.
  const id = await s.exec(
    "const rows = [...document.querySelectorAll('table.journal tbody tr')].filter(r => r.cells[3].textContent === 'stock-issuance'); return rows[rows.length - 1].dataset.entry",
  );
  await s.click(`button[name="reverse-${id}"]`);
  await s.click(`form[aria-label="Reverse entry ${id}"] button[type=submit]`);
  const err = await s.waitFor(
    "the reason's inline error",
    "const e = document.querySelector('.field.invalid .field-error'); return e && e.textContent",
  );
  assert(/reason/.test(err), `empty reason error: ${err}`);
  await s.type(
    `form[aria-label="Reverse entry ${id}"] input[name=reason]`,
    "entered against the wrong investor",
  );
  await s.click(`form[aria-label="Reverse entry ${id}"] button[type=submit]`);
  await s.waitFor(
    "the reversed row",
    `return document.querySelector('tr[data-entry="${id}"]')?.classList.contains('reversed')`,
  );
  assert((await journalCount()) === n + 1, "a reversal is one new entry; nothing was deleted");
  await shot("04-journal");
  await view("captable", "table.captable");
  const fd = fdNumber(await fdTotal());
  assert(fd < fdAfterRound, `FD after the reversal ${fd} should be below ${fdAfterRound}`);
});

await step("record a pool increase from the Record view's forms", async () => {
  await view("record", "form[data-kind]");
  const kinds = await s.exec(
    "return [...document.querySelectorAll('[aria-label=\\'Entry kind\\'] button')].map(b => b.textContent).join('|')",
  );
  assert(kinds.includes("Pool increase") && kinds.includes("Convertible note"), `kinds: ${kinds}`);
  await s.exec(
    "[...document.querySelectorAll('[aria-label=\\'Entry kind\\'] button')].find(b => b.textContent === 'Pool increase').click(); return true",
  );
  await s.waitFor(
    "the pool increase form",
    "return document.querySelector('form[data-kind=increase_pool]') !== null",
  );
  await fill("select[name=plan]", "2023 Equity Incentive Plan");
  await s.type("input[name=shares]", "10000000");
  await fill("input[name=date]", "2025-01-15");
  await s.click("form[data-kind=increase_pool] button[type=submit]");
  const done = await s.waitFor(
    "the recorded pool increase",
    "const e = document.querySelector('form[data-kind=increase_pool] .ok'); return e && e.textContent",
  );
  assert(/Recorded the pool increase as #\d+/.test(done), `status: ${done}`);
});

await step("run a small simulation to completion, with progress and the backend used", async () => {
  await view("scenarios", "textarea[name=scenario]");
  await s.type("input[name=paths]", "20000");
  await s.click("form[aria-label='Run a scenario'] button[type=submit]");
  const status = await s.waitFor(
    "the run to finish",
    "const t = document.querySelector('[role=status]')?.textContent; return t && t.startsWith('done') && t",
    120000,
  );
  assert(/run #\d+/.test(status), status);
  const table = await s.exec("return document.querySelector('table.probability').innerText");
  assert(
    /P\(fail by the horizon\)/.test(table) && /cpu/.test(table) && /20,000/.test(table),
    table,
  );
  const charts = await s.exec("return document.querySelectorAll('.run-charts svg.chart').length");
  assert(charts >= 3, `${charts} charts`);
  await shot("05-scenarios");
});

await step("cancel a long simulation: nothing is stored", async () => {
  const stored = await s.exec(
    "return document.querySelectorAll('main table:last-of-type tbody tr').length",
  );
  await s.type("input[name=paths]", "5000000");
  await s.click("form[aria-label='Run a scenario'] button[type=submit]");
  await s.waitFor("progress", "return document.querySelector('progress').value > 0", 60000);
  await s.click("button[name=cancel]");
  const err = await s.waitFor(
    "the cancelled message",
    "const e = document.querySelector('.error'); return e && e.dataset.code",
    60000,
  );
  assert(err === "cancelled", `error code ${err}`);
  const after = await s.exec(
    "return document.querySelectorAll('main table:last-of-type tbody tr').length",
  );
  assert(after === stored, `stored runs ${stored} -> ${after}`);
});

await step("compute plan: orders and the spend and power charts", async () => {
  await view("compute", "svg.chart");
  const text = await s.exec("return document.querySelector('main').innerText");
  assert(text.includes("H100"), "the H100 order is listed");
  await shot("06-compute");
});

await step("exit waterfall: payouts by class and holder, breakpoints", async () => {
  await view("exit", "svg.chart");
  await fill("input[name=exit_value]", "24000000000");
  await s.waitFor(
    "the $24B outcome",
    "return document.querySelector('h1#h-exit').parentElement.innerText.includes('$24,000,000,000.00')",
  );
  const rows = await s.exec(
    "return document.querySelectorAll('main table.grid-table tbody tr').length",
  );
  assert(rows > 3, `${rows} rows`);
  // A setting of docs/waterfall.md, chosen on the page and stated back.
  await s.click("details.rounding summary");
  await fill("select[name=preference_basis]", "invested");
  await s.waitFor(
    "the invested preference basis stated",
    "const n = document.querySelector('main p.note'); return n !== null && n.textContent.includes('invested')",
  );
  await shot("07-exit");
});

await step("stakeholders, and the overview in the dark theme", async () => {
  await view("stakeholders", "table.grid-table");
  await shot("08-stakeholders");
  await fill("select[name=theme]", "dark");
  await view("overview", ".stat-value");
  const bg = await s.exec("return getComputedStyle(document.body).backgroundColor");
  assert(bg !== "rgb(251, 251, 249)", `dark background ${bg}`);
  await shot("09-overview-dark");
});

await step("export the cap table CSV: the file's total is the view's", async () => {
  // ROUNDBOOK_DIALOG_ANSWER (scripts/e2e.sh) answers the save dialog with this path.
  const out = process.env.E2E_EXPORT;
  assert(out && !existsSync(out), `no file at ${out} yet`);
  await view("captable", "table.captable");
  const asOf = await s.exec("return document.querySelector('table.captable').dataset.asOf");
  const fd = fdNumber(await fdTotal());
  await view("import-export", "button[name=export-csv]");
  await fill("input[name=as_of]", asOf);
  await s.click("button[name=export-csv]");
  const said = await s.waitFor(
    "the export to be reported",
    "const e = document.querySelector('.done-list li, main .error'); return e && e.textContent",
    60000,
  );
  assert(said.startsWith("Wrote CSV to"), said);
  const lines = readFileSync(out, "utf8")
    .split("\r\n")
    .filter((l) => l);
  const header = lines[0].split(",");
  assert(header[0] === "Holder" && header.includes("Fully diluted"), lines[0]);
  const total = lines[lines.length - 1].split(",");
  const column = header.indexOf("Fully diluted");
  assert(
    total[0] === "Total" && Number(total[column]) === fd,
    `total row ${total} vs the view's ${fd}`,
  );
  await shot("10-export");
});

await s.close();
console.log(failures ? `e2e: ${failures} step(s) failed` : "e2e: all steps passed");
process.exit(failures ? 1 : 0);
