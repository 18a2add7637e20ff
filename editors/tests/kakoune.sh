#!/usr/bin/env bash
# Kakoune (Debian) + kak-lsp (`cargo install kak-lsp`, ~5 min to compile, so not in CI) with flux-lsp
# on listing 1, driven through tmux: the warning count, an inlay hint on screen, the code-action menu.
# Usage: KAK_LSP_DIR=/path/to/kak-lsp/bin kakoune.sh [FLUX_LSP_BINARY]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd); repo=$(cd "$here/../.." && pwd)
bin=$(realpath "${1:-${FLUX_LSP:-${CARGO_TARGET_DIR:-$repo/target}/release/flux-lsp}}")
export PATH="${KAK_LSP_DIR:-$HOME/.cache/flux-editors/kak-lsp/bin}:$PATH"
W=$(mktemp -d /tmp/kak-flux.XXXXXX)
export HOME=$W XDG_CONFIG_HOME=$W/.config TMPDIR=$W
mkdir -p "$W/.config/kak" "$W/proj"
cp "$repo/tests/fixtures/paper/listing1.js" "$W/proj/listing1.js"
# The editors/README.md snippet, plus kak-lsp's modeline.
cat > "$W/.config/kak/kakrc" <<KAK
evaluate-commands %sh{kak-lsp}
remove-hooks global lsp-filetype-javascript
hook global BufSetOption filetype=(javascript|typescript) %{
  set-option buffer lsp_servers %{
    [flux-lsp]
    root_globs = ["flux.json", "package.json", ".git", "listing1.js"]
    command = "$bin"
    settings_section = "flux"
    [flux-lsp.settings.flux]
    inlayHints.streams = true
  }
}
hook global -once WinDisplay .* lsp-enable
KAK
fail=0
check() { if eval "$2"; then echo "PASS $1"; else echo "FAIL $1"; fail=$((fail+1)); fi; }
t() { tmux -S "$W/tmux.sock" "$@"; }
screen() { t capture-pane -p -t kak; }
wait_for() { local end=$((SECONDS + $1)); while ((SECONDS < end)); do eval "$2" >/dev/null 2>&1 && return 0; sleep 0.2; done; return 1; }
kakopt() {
  rm -f "$W/opt.out"
  echo "evaluate-commands -client client0 %{ echo -to-file $W/opt.out %opt{$1} }" | kak -p kaktest
  wait_for 5 "test -s $W/opt.out"; cat "$W/opt.out" 2>/dev/null; }
cleanup() { echo 'kill!' | kak -p kaktest 2>/dev/null || true; sleep 0.3; t kill-server 2>/dev/null || true; rm -rf "$W"; }
trap cleanup EXIT
cd "$W/proj"
t -f /dev/null new-session -d -s kak -x 120 -y 20 "kak -s kaktest listing1.js"
wait_for 10 'kak -l | grep -qx kaktest'
check "a warning published (lsp_diagnostic_warning_count > 0)" \
  'wait_for 30 "[ \"\$(kakopt lsp_diagnostic_warning_count)\" -gt 0 ]"'
echo "evaluate-commands -client client0 %{ lsp-inlay-hints-enable window; lsp-inlay-hints }" | kak -p kaktest
check "inlay hint '>> handler' on screen" 'wait_for 15 "screen | grep -q \">> handler\""'
screen | sed 's/^/  | /'
echo "evaluate-commands -client client0 %{ select 8.5,8.5; lsp-code-actions }" | kak -p kaktest
check "code-action menu lists the suppression" 'wait_for 15 "screen | grep -q \"Suppress\""'
screen | sed 's/^/  | /'
[ $fail -eq 0 ] && echo "ALL OK" || echo "$fail failure(s)"
exit $((fail > 0))
