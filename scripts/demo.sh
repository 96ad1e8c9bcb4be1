#!/usr/bin/env bash
# The main job until the desktop app exists: build the CLI, create the xAI example book
# in a fresh temporary file, and show what a finance user looks at first.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release -q -p roundbook-cli
rb=target/release/roundbook
dir=$(mktemp -d)
book="$dir/xai.roundbook"
trap 'rm -rf "$dir"' EXIT
"$rb" --book "$book" demo
echo
"$rb" --book "$book" captable --as-of 2024-05-26 --fully-diluted
echo
"$rb" --book "$book" captable --as-of 2024-05-26 --by class --fully-diluted
echo
"$rb" --book "$book" round list
echo
"$rb" --book "$book" journal
echo
"$rb" --book "$book" check
