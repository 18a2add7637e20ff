#!/usr/bin/env bash
# Emacs (Debian emacs-nox 28 + elpa-eglot 1.9) with flux-lsp on listing 1: diagnostics and a quick fix.
# Usage: eglot.sh [FLUX_LSP_BINARY]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd); repo=$(cd "$here/../.." && pwd)
bin=$(realpath "${1:-${FLUX_LSP:-${CARGO_TARGET_DIR:-$repo/target}/release/flux-lsp}}")
ws=$(mktemp -d); trap 'rm -rf "$ws"' EXIT
cp "$repo/tests/fixtures/paper/listing1.js" "$ws/listing1.js"
echo "== $(emacs --version | head -1)"
cd "$ws" && FLUX_LSP="$bin" JS_FILE="$ws/listing1.js" HOME="$ws" timeout 120 emacs --batch -Q -l "$here/eglot.el"
