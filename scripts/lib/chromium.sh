# shellcheck shell=bash
# The browser the end-to-end tests drive: Debian's chromium package (never a downloaded browser build).
ensure_chromium() {
  command -v chromium >/dev/null && return 0
  echo "==> Installing chromium from Debian's packages (for the browser tests)"
  local sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq chromium >/dev/null
}
