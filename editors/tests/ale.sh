#!/usr/bin/env bash
# Vim 9 + ALE (Debian vim-ale) with flux-lsp on listing 1: push diagnostics. Usage: ale.sh [FLUX_LSP_BINARY]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd); repo=$(cd "$here/../.." && pwd)
bin=$(realpath "${1:-${FLUX_LSP:-${CARGO_TARGET_DIR:-$repo/target}/release/flux-lsp}}")
ws=$(mktemp -d); trap 'rm -rf "$ws"' EXIT
cp "$repo/tests/fixtures/paper/listing1.js" "$ws/listing1.js"
rc=0
(cd "$ws" && FLUX_LSP="$bin" TEST_LOG="$ws/log" timeout 60 vim -N -u NONE -i NONE -n -es -S "$here/ale.vim" listing1.js) || rc=$?
cat "$ws/log"
exit $rc
