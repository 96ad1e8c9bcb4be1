// The shapes the commands take and return, generated from the Rust types into bindings.ts
// (`UPDATE_BINDINGS=1 cargo test -p roundbook-app --test bindings`); nothing here restates them.
// Money is {amount, currency} with the amount an exact decimal string: never parsed into a
// number for anything but drawing. The few page-only types live where they are used (api.ts:
// Sent, ApiError), so this file only re-exports.

export type * from "./bindings";
