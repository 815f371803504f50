# shellcheck shell=bash
# npm packages the tests use (the official svix and resend SDKs, to check our verifier and sandbox
# against them), installed from package-lock.json into tools/npm.
ensure_node_packages() {
  local dir=$root/tools/npm
  [ -f "$dir/package.json" ] || return 0
  command -v npm >/dev/null || { echo "npm is required (apt-get install nodejs npm)" >&2; return 1; }
  if [ ! -d "$dir/node_modules" ] || [ "$dir/package-lock.json" -nt "$dir/node_modules" ]; then
    echo "==> Installing npm packages for tests"
    (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error) && touch "$dir/node_modules"
  fi
}
