// A W3C WebDriver client in a few functions over fetch (Node 20): enough to drive the app
// through tauri-driver and WebKitWebDriver without a browser-automation dependency.

export class Session {
  constructor(base, id) {
    this.base = base;
    this.id = id;
  }

  static async start(base, application) {
    const r = await send(base, "POST", "/session", {
      capabilities: { alwaysMatch: { browserName: "wry", "tauri:options": { application } } },
    });
    return new Session(base, r.sessionId);
  }

  cmd(method, path, body) {
    return send(this.base, method, `/session/${this.id}${path}`, body);
  }

  /** Runs `script` in the page; `arguments[0..]` are `args`. */
  exec(script, ...args) {
    return this.cmd("POST", "/execute/sync", { script, args });
  }

  /** Same, for a script that calls `arguments[arguments.length - 1](result)` when done. */
  execAsync(script, ...args) {
    return this.cmd("POST", "/execute/async", { script, args });
  }

  async find(css) {
    const r = await this.cmd("POST", "/element", { using: "css selector", value: css });
    return Object.values(r)[0];
  }

  async click(css) {
    await this.cmd("POST", `/element/${await this.find(css)}/click`, {});
  }

  async type(css, text) {
    const el = await this.find(css);
    await this.cmd("POST", `/element/${el}/clear`, {});
    await this.cmd("POST", `/element/${el}/value`, { text });
  }

  async text(css) {
    return this.cmd("GET", `/element/${await this.find(css)}/text`);
  }

  /** Polls `predicate` (page script returning a truthy value) until it holds or time runs out. */
  async waitFor(what, script, timeoutMs = 20000, ...args) {
    const end = Date.now() + timeoutMs;
    let last;
    while (Date.now() < end) {
      // A failed poll counts as "not yet": the page may be between renders.
      let value = null;
      try {
        value = await this.exec(script, ...args);
      } catch (e) {
        last = String(e);
      }
      if (value) return value;
      if (value !== null) last = value;
      await new Promise((r) => setTimeout(r, 150));
    }
    throw new Error(`timed out waiting for ${what} (last: ${JSON.stringify(last)})`);
  }

  screenshot() {
    return this.cmd("GET", "/screenshot");
  }

  close() {
    return this.cmd("DELETE", "");
  }
}

async function send(base, method, path, body) {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
    // One command never takes this long; a hung driver fails the step instead of the run.
    signal: AbortSignal.timeout(Number(process.env.WEBDRIVER_TIMEOUT_MS ?? 90000)),
  });
  const json = await res.json().catch(() => ({}));
  if (!res.ok || json.value?.error) {
    throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(json.value ?? json)}`);
  }
  return json.value;
}
