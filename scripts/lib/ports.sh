# shellcheck shell=bash
# Whether a local TCP port is taken, and by what, so scripts/run can say so in one line before it starts
# anything (a host that cannot bind its port otherwise dies with a stack trace, and a health check would
# answer from whatever already listens there).

# port_in_use PORT: true when something listens on PORT on loopback (IPv4 or IPv6) or the port cannot be bound.
port_in_use() {
  python3 - "$1" <<'PY'
import errno, socket, sys
port = int(sys.argv[1])
for family, host in ((socket.AF_INET, "127.0.0.1"), (socket.AF_INET6, "::1")):
    try:
        with socket.socket(family, socket.SOCK_STREAM) as s:
            s.settimeout(0.5)
            if s.connect_ex((host, port)) == 0:
                sys.exit(0)
    except OSError:
        pass
try:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind(("127.0.0.1", port))
except OSError as e:
    sys.exit(0 if e.errno == errno.EADDRINUSE else 1)
sys.exit(1)
PY
}

# port_holder PORT: " (held by NAME, pid N)" when ss can tell, else nothing.
port_holder() {
  command -v ss >/dev/null || return 0
  ss -ltnpH "sport = :$1" 2>/dev/null | grep -o 'users:(("[^"]*",pid=[0-9]*' | head -n 1 \
    | sed -E 's/users:\(\("([^"]*)",pid=([0-9]*)/ (held by \1, pid \2)/'
}
