#!/usr/bin/env bash
# Edit → diagnostics latency of flux-lsp on real files, next to quick-lint-js.
# The full suite (three files, oxlint too, CLI, tree-sitter floor) is bench/run.sh.
# Not a test: prints numbers, asserts nothing. Writes nothing outside target/.
#
#   bench/lsp-latency.sh [EDITS]      (default 200 edits for lsp_latency.py)
#
# Needs cargo, npm, node, python3 and ../shared/bench/lsp_latency.py.
set -euo pipefail
cd "$(dirname "$0")/.."
EDITS="${1:-200}"
TARGET="${CARGO_TARGET_DIR:-target}"
WORK="$TARGET/bench"
QLJS_VERSION=3.2.0
PY=../shared/bench/lsp_latency.py
mkdir -p "$WORK"

cargo build --release --bin flux-lsp --example lsp-typing
FLUX="$(realpath "$TARGET/release/flux-lsp")"
TYPING="$(realpath "$TARGET/release/examples/lsp-typing")"

fetch() { # package@version → unpacked folder
  local spec=$1 dir=$WORK/${1//@/-}
  if [ ! -d "$dir" ]; then
    (cd "$WORK" && npm pack --silent "$spec" >/dev/null)
    mkdir -p "$dir" && tar xzf "$WORK/$(echo "${spec}" | sed 's/@/-/').tgz" -C "$dir" --strip-components=1
  fi
  echo "$dir"
}
EXPRESS=$(fetch express@5.1.0)/lib/application.js
JQUERY=$(fetch jquery@4.0.0)/dist/jquery.js

# Absolute: lsp_latency.py starts the server in the file's folder, where a
# relative target/bench/... path does not exist ("cannot start server").
QLJS="$(realpath "$WORK")/qljs/node_modules/quick-lint-js/quick-lint-js.exe"
if [ ! -x "$QLJS" ]; then
  npm install --silent --prefix "$WORK/qljs" "quick-lint-js@$QLJS_VERSION" >/dev/null
fi

echo "# $(date -u +%Y-%m-%dT%H:%MZ), nproc $(nproc), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
free -h | sed 's/^/# /'
echo "# flux-lsp $("$FLUX" --version), quick-lint-js $("$QLJS" --version)"
for FILE in "$EXPRESS" "$JQUERY"; do
  echo
  echo "## $FILE ($(wc -l <"$FILE") lines)"
  echo "flux-lsp, typing replay (lsp-typing):"
  "$TYPING" "$FLUX" "$FILE" 2
  echo "flux-lsp, lsp_latency.py:"
  python3 "$PY" --server "$FLUX" --file "$FILE" --edits "$EDITS" | grep -E '^(open->diag|edit->diag|inlayHint|codeAction|peak RSS|errors)' || true
  echo "quick-lint-js, lsp_latency.py:"
  python3 "$PY" --server "$QLJS --lsp-server" --file "$FILE" --edits "$EDITS" | grep -E '^(open->diag|edit->diag|inlayHint|codeAction|peak RSS|errors)' || true
done
