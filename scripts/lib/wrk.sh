# shellcheck shell=bash
# The HTTP load generator scripts/bench drives: Debian's wrk package.
ensure_wrk() {
  command -v wrk >/dev/null && return 0
  echo "==> Installing wrk from Debian's packages (for scripts/bench)"
  local sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq wrk >/dev/null
}
