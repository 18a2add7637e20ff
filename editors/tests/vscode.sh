#!/usr/bin/env bash
# The VS Code extension in a real VS Code (code-server 4.100.3) driven by Debian's chromium with
# playwright-core, on examples/chat-server. Screenshots: editors/vscode/screenshots/.
# Usage: vscode.sh [FLUX_LSP_BINARY] [EXTENSION.vsix]   (builds the .vsix when not given)
#   FLUX_SERVER_SETTING='' leaves flux.server.path empty (tests PATH / the binary shipped in the .vsix).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd); repo=$(cd "$here/../.." && pwd)
bin=$(realpath "${1:-${FLUX_LSP:-${CARGO_TARGET_DIR:-$repo/target}/release/flux-lsp}}")
tools=${FLUX_EDITOR_TOOLS:-$HOME/.cache/flux-editors}
cs=$tools/code-server/node_modules/.bin/code-server
vsix=${2:-}
if [ -z "$vsix" ]; then "$repo/editors/vscode/build.sh" >/dev/null; vsix=$(ls "$repo"/editors/vscode/flux-lsp-*.vsix); fi
vsix=$(realpath "$vsix")
port=${PORT:-18766}
tmp=$(mktemp -d /tmp/flux-vscode.XXXXXX)
cp -r "$repo/examples/chat-server" "$tmp/chat-server"   # the quick fix is listed, not applied: a copy anyway
mkdir -p "$tmp/user/User"
cat > "$tmp/user/User/settings.json" <<JSON
{
  "flux.server.path": "${FLUX_SERVER_SETTING-$bin}",
  "flux.trace.server": "verbose",
  "flux.severity.shared-state": "off",
  "flux.severity.process-local-cache": "error",
  "editor.inlayHints.enabled": "on",
  "javascript.validate.enable": false,
  "workbench.startupEditor": "none",
  "security.workspace.trust.enabled": false,
  "telemetry.telemetryLevel": "off",
  "update.mode": "none",
  "extensions.autoCheckUpdates": false,
  "extensions.autoUpdate": false,
  "workbench.tips.enabled": false,
  "chat.disableAIFeatures": true,
  "window.commandCenter": false
}
JSON
"$cs" --user-data-dir "$tmp/user" --extensions-dir "$tmp/ext" --install-extension "$vsix" >/dev/null
"$cs" --auth none --bind-addr "127.0.0.1:$port" --disable-telemetry --disable-update-check \
  --disable-workspace-trust --disable-getting-started-override \
  --user-data-dir "$tmp/user" --extensions-dir "$tmp/ext" "$tmp/chat-server" >"$tmp/server.log" 2>&1 &
cs_pid=$!
cleanup() { kill "$cs_pid" 2>/dev/null || true; wait "$cs_pid" 2>/dev/null || true; rm -rf "$tmp"; }
trap cleanup EXIT
for _ in $(seq 1 150); do curl -fs "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.2; done
rc=0
NODE_PATH=$tools/node/node_modules node "$here/vscode-e2e.js" "http://127.0.0.1:$port" "$tmp/chat-server" server.js \
  "${SHOTS:-$repo/editors/vscode/screenshots}" || rc=$?
if [ $rc -ne 0 ]; then
  echo "--- code-server log"; tail -20 "$tmp/server.log"
  echo "--- flux output channel"; f=$(find "$tmp/user/logs" -path "*output_logging*" -name "*flux*" | head -1); cp "$f" "${TMPDIR:-/tmp}/flux-vscode-output.log"; tail -40 "$f"; echo "(whole log: ${TMPDIR:-/tmp}/flux-vscode-output.log)"
fi
exit $rc
