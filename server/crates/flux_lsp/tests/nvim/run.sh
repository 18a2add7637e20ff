#!/usr/bin/env bash
# Drives flux-lsp from a real editor: Neovim 0.7 headless (stack: push
# diagnostics, UTF-16, apply_workspace_edit, incremental sync of its edits).
# Usage: run.sh [path/to/flux-lsp-binary]   (default: the stdio example, built here)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../../../../.." && pwd)"
bin="${1:-}"
if [ -z "$bin" ]; then
  cargo build -q -p flux_lsp --example stdio --manifest-path "$repo/Cargo.toml"
  bin="${CARGO_TARGET_DIR:-$repo/target}/debug/examples/stdio"
fi
ws="$(mktemp -d)"
trap 'rm -rf "$ws"' EXIT
cp "$repo/examples/chat-server/routes/stats.js" "$ws/stats.js"
cd "$ws"
FLUX_LSP="$bin" JS_FILE="$ws/stats.js" timeout 60 nvim --headless -u NONE -i NONE -n -c "luafile $here/flux.lua"
