# Shared by bench/run and bench/soak: a fresh database of a chosen scale with three
# accounts, the release server started on it, and the accounts signed in.
#   bench_start SCALE BACKEND   sets WORK, BASE, SERVER_PID, LEADER, KAIHUA, ADMIN, TOKEN
# (scripts/lib.sh must be sourced first.)

bench_start() {
  local SCALE=$1 BACKEND=$2
  WORK=$(mktemp -d /tmp/sanzhi-bench.XXXXXX)
  PG_ADMIN=${SANZHI_TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/postgres}
  case "$BACKEND" in
    sqlite) DB="sqlite:$WORK/bench.db" ;;
    postgres)
      apt_ensure psql postgresql-client
      name="sanzhi_bench_$SCALE"
      psql -q "$PG_ADMIN" -c "DROP DATABASE IF EXISTS $name" -c "CREATE DATABASE $name"
      DB="${PG_ADMIN%/*}/$name" ;;
    *) echo "backend: sqlite or postgres" >&2; exit 2 ;;
  esac
  PORT=${BENCH_PORT:-3950}
  BASE="http://127.0.0.1:$PORT"
  export DATABASE_URL=$DB RUST_LOG=${RUST_LOG:-warn} SANZHI_SERVER__ADDR=127.0.0.1:$PORT
  export SANZHI_SERVER__UPLOAD_MAX_MB=200 LEPTOS_SITE_ROOT="$ROOT/target/site"
  SERVER_PID=
  cleanup() {
    [ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null && wait "$SERVER_PID" 2>/dev/null
    [ -n "${BENCH_KEEP:-}" ] || rm -rf "$WORK"
  }
  trap cleanup EXIT

  say "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(uname -r); wrk $(wrk --version 2>&1 | awk 'NR==1{print $2}')"
  say "loading $SCALE scale data into $BACKEND"
  "$SANZHI_BIN" scale load --scale "$SCALE" | tee "$WORK/load.txt"
  PASS=bench-password-123
  for u in "bench-admin admin" "bench-leader leader" "bench-kaihua reporter --unit 开化县政府"; do
    set -- $u
    echo "$PASS" | "$SANZHI_BIN" user add --username "$1" --role "$2" "${@:3}" --password-stdin >/dev/null
  done

  "$SANZHI_BIN" serve >"$WORK/server.log" 2>&1 &
  SERVER_PID=$!
  for _ in $(seq 1 300); do
    curl -fsS "$BASE/healthz" >/dev/null 2>&1 && break
    kill -0 "$SERVER_PID" 2>/dev/null || { cat "$WORK/server.log"; exit 1; }
    sleep 0.2
  done

  # signin USER → the session cookie ("sanzhi_session=…")
  signin() {
    curl -fsS -c - -o /dev/null --data-urlencode "username=$1" --data-urlencode "password=$PASS" \
      "$BASE/api/login" | awk '$6 == "sanzhi_session" { print $6 "=" $7 }'
  }
  LEADER=$(signin bench-leader)
  KAIHUA=$(signin bench-kaihua)
  ADMIN=$(signin bench-admin)
  TOKEN=$(curl -fsS -H "Cookie: $ADMIN" -H 'Content-Type: application/json' \
    -d '{"name":"bench","plans":["water","air","soil"]}' "$BASE/api/v1/tokens" \
    | sed -n 's/.*"token":"\([^"]*\)".*/\1/p')
  [ -n "$LEADER" ] && [ -n "$KAIHUA" ] && [ -n "$ADMIN" ] && [ -n "$TOKEN" ] \
    || { echo "sign-in or token failed" >&2; cat "$WORK/server.log"; exit 1; }
}
