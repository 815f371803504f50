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

# The dashboard (/app) and the API reference (/api/docs): npm packages from web/package-lock.json (install
# scripts off: nothing needs one, and swagger-ui-dist's would phone home), then `npm run build`: a type check
# (tsc --noEmit; a type error fails it, and so scripts/run and scripts/test) and a Vite build into web/dist,
# which the functions project copies beside its binaries. Rebuilt only when a source file is newer.
ensure_web_built() {
  local dir=$root/web
  [ -f "$dir/package.json" ] || return 0
  command -v npm >/dev/null || { echo "npm is required (apt-get install nodejs npm)" >&2; return 1; }
  if [ ! -d "$dir/node_modules" ] || [ "$dir/package-lock.json" -nt "$dir/node_modules" ]; then
    echo "==> Installing the dashboard's npm packages"
    (cd "$dir" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error) && touch "$dir/node_modules"
  fi
  if [ ! -f "$dir/dist/index.html" ] || [ -n "$(find "$dir/src" "$dir/index.html" "$dir/vite.config.js" "$dir/tsconfig.json" "$dir/package-lock.json" -newer "$dir/dist/index.html" -print -quit)" ]; then
    echo "==> Building the dashboard (web/ -> web/dist)"
    (cd "$dir" && npm run --silent build -- --logLevel warn)
  fi
}
