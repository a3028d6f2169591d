# shellcheck shell=bash
# Shared pieces of the issue 10 benchmarks (bench/peers.sh, bench/org.sh): sourced, not run.
# Starts moto and the fault proxy on free 127.0.0.1 ports, stops everything it started on
# exit, and gives every tool the same environment: fake credentials, no config files, no
# instance metadata, AWS_ENDPOINT_URL on loopback, and HTTP(S)_PROXY pointing at a local
# listener that refuses and logs any request that would leave 127.0.0.1.

BENCH_PIDS=()

bench_cleanup() {
  local pid
  for pid in "${BENCH_PIDS[@]}"; do
    kill "$pid" 2>/dev/null || true
  done
  for pid in "${BENCH_PIDS[@]}"; do
    wait "$pid" 2>/dev/null || true
  done
}

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# bench_build: the release binaries of rampart, the testkit (seeders) and the fault proxy,
# copied to bench/out/bin; COMMIT names the source they were built from (`+dirty` when
# crates/ or Cargo.* differed from HEAD). SKIP_BUILD=1 copies what target/release holds and
# takes COMMIT from bench/out/build-commit, written by the last build of these scripts.
bench_build() {
  mkdir -p bench/out
  if [ "${SKIP_BUILD:-0}" != 1 ]; then
    local commit
    commit=$(git rev-parse --short HEAD)
    if ! git diff --quiet HEAD -- crates Cargo.toml Cargo.lock 2>/dev/null; then
      commit="$commit+dirty"
    fi
    cargo build --release -p rampart -p rampart-testkit -p rampart-faultproxy --bins
    echo "$commit" >bench/out/build-commit
  fi
  # shellcheck disable=SC2034 # read by the scripts that source this file
  COMMIT=$(cat bench/out/build-commit 2>/dev/null || echo "unknown (SKIP_BUILD=1)")
  # A private copy: another build in target/ cannot swap a binary in the middle of a run.
  BIN=bench/out/bin
  mkdir -p "$BIN"
  cp target/release/rampart target/release/rampart-fault-proxy target/release/bench-seed \
    target/release/org-seed "$BIN/"
}

# The harness's own pinned moto, in .venv.
bench_moto_install() {
  [ -x .venv/bin/pip ] || python3 -m venv .venv
  .venv/bin/pip install --quiet --disable-pip-version-check -r tests/moto-requirements.txt
}

# start_moto LOG: a fresh moto server; sets MOTO_URL.
start_moto() {
  local port
  port=$(free_port)
  MOTO_IAM_LOAD_MANAGED_POLICIES=true AWS_ENDPOINT_URL='' \
    .venv/bin/moto_server -H 127.0.0.1 -p "$port" >"$1" 2>&1 &
  BENCH_PIDS+=("$!")
  MOTO_URL="http://127.0.0.1:$port"
  for _ in $(seq 150); do
    curl -sf "$MOTO_URL/moto-api/data.json" >/dev/null 2>&1 && return 0
    sleep 0.2
  done
  echo "moto did not start on $MOTO_URL" >&2
  return 1
}

# start_proxy CONFIG LOG: a fault proxy in front of moto; sets PROXY_URL and PROXY_PID.
start_proxy() {
  "$BIN/rampart-fault-proxy" --upstream "$MOTO_URL" --config "$1" >"$2" 2>&1 &
  PROXY_PID=$!
  BENCH_PIDS+=("$PROXY_PID")
  PROXY_URL=
  for _ in $(seq 100); do
    PROXY_URL=$(sed -n 's/^listening on //p' "$2")
    [ -n "$PROXY_URL" ] && return 0
    sleep 0.1
  done
  echo "the fault proxy did not start (see $2)" >&2
  return 1
}

stop_proxy() {
  kill "$PROXY_PID" 2>/dev/null || true
  wait "$PROXY_PID" 2>/dev/null || true
}

# start_escape_guard LOG: a listener that logs the first line of every connection (an
# HTTP request or a CONNECT host:443) and closes it; HTTP(S)_PROXY point at it.
start_escape_guard() {
  local port
  port=$(free_port)
  python3 - "$port" "$1" <<'PY' &
import socket, sys
port, log = int(sys.argv[1]), sys.argv[2]
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", port))
s.listen(64)
open(log, "w").close()
while True:
    c, _ = s.accept()
    c.settimeout(2)
    try:
        line = c.recv(4096).split(b"\r\n", 1)[0].decode("latin-1")
    except OSError:
        line = "(nothing read)"
    with open(log, "a") as f:
        f.write(line + "\n")
    c.close()
PY
  BENCH_PIDS+=("$!")
  GUARD_URL="http://127.0.0.1:$port"
}

# tool_env ENDPOINT CMD...: run CMD with the benchmark's AWS environment.
tool_env() {
  local endpoint=$1
  shift
  env -u AWS_SESSION_TOKEN -u AWS_PROFILE -u AWS_DEFAULT_PROFILE \
    AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing \
    AWS_REGION=us-east-1 AWS_DEFAULT_REGION=us-east-1 \
    AWS_ENDPOINT_URL="$endpoint" AWS_EC2_METADATA_DISABLED=true \
    AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null \
    HTTP_PROXY="$GUARD_URL" HTTPS_PROXY="$GUARD_URL" http_proxy="$GUARD_URL" https_proxy="$GUARD_URL" \
    NO_PROXY=127.0.0.1,localhost no_proxy=127.0.0.1,localhost \
    "$@"
}

# timed NAME ENDPOINT CMD...: run CMD with tool_env ENDPOINT under /usr/bin/time, "%e %M"
# (wall seconds, peak RSS KiB) into $OUT/NAME.time, its output into $OUT/NAME.log, its exit
# code into $OUT/NAME.rc.
timed() {
  local name=$1 endpoint=$2
  shift 2
  local rc=0
  tool_env "$endpoint" /usr/bin/time -f "%e %M" -o "$OUT/$name.time" "$@" >"$OUT/$name.log" 2>&1 || rc=$?
  echo "$rc" >"$OUT/$name.rc"
}

# with_moto_gaps CONFIG OUT: CONFIG plus rules answering AccessDenied (never retried) for the
# APIs moto 5.2.5 does not implement and answers with a 500, which an SDK retries with
# backoff: IAM Access Analyzer (no backend) and iam:ListOrganizationsFeatures
# (NotImplementedError). On AWS both answer at once; left as 500s, rampart's 10 attempts
# with backoff up to 20 s cost about 40 s per account and region where they are called.
with_moto_gaps() {
  cat "$1" - >"$2" <<'TOML'

# Added by bench/lib.sh (with_moto_gaps): APIs moto does not implement, denied at once.
[[rule]]
service = "access-analyzer"
fault = "deny"

[[rule]]
service = "iam"
action = "ListOrganizationsFeatures"
fault = "deny"
TOML
}
