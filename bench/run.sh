#!/usr/bin/env bash
# Collection and evaluation benchmark (issue 2): seeds a large account into a fresh moto
# server on 127.0.0.1 (USERS IAM users with access keys, SGS security groups with rules and
# INSTANCES instances with user data over three regions), then measures
#   - rampart collect over every enabled region: wall time, peak memory, API calls;
#   - rampart scan --snapshot of the result: wall time, peak memory, evaluation time.
# Usage: bench/run.sh            (PROFILE=release by default; PROFILE=dev for a quick run)
set -euo pipefail
cd "$(dirname "$0")/.."
PROFILE=${PROFILE:-release}
USERS=${USERS:-1000}
SGS=${SGS:-2000}
INSTANCES=${INSTANCES:-500}
OUT=bench/out
mkdir -p "$OUT"

cargo build --profile "$PROFILE" -p rampart -p rampart-testkit --bins
dir=$([ "$PROFILE" = dev ] && echo debug || echo "$PROFILE")
BIN=target/$dir

# The harness's own moto install (pinned), then a server on a free loopback port.
python3 -m venv .venv >/dev/null 2>&1 || true
.venv/bin/pip install --quiet --disable-pip-version-check -r tests/moto-requirements.txt
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
MOTO_IAM_LOAD_MANAGED_POLICIES=true .venv/bin/moto_server -H 127.0.0.1 -p "$PORT" >"$OUT/moto.log" 2>&1 &
MOTO=$!
trap 'kill $MOTO 2>/dev/null || true' EXIT
for _ in $(seq 100); do
  curl -sf "http://127.0.0.1:$PORT/moto-api/data.json" >/dev/null 2>&1 && break
  sleep 0.2
done

export AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing AWS_REGION=us-east-1
export AWS_EC2_METADATA_DISABLED=true AWS_ENDPOINT_URL="http://127.0.0.1:$PORT"
export AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null

echo "seeding: $USERS users with keys, $SGS security groups, $INSTANCES instances"
/usr/bin/time -f "%e" -o "$OUT/seed.time" "$BIN/bench-seed" "$AWS_ENDPOINT_URL" "$USERS" "$SGS" "$INSTANCES"

/usr/bin/time -f "%e %M" -o "$OUT/collect.time" "$BIN/rampart" collect --out "$OUT/snapshot.json"
/usr/bin/time -f "%e %M" -o "$OUT/scan.time" "$BIN/rampart" scan --snapshot "$OUT/snapshot.json" \
  --format json --output-file "$OUT/report.json" --fail-on none

python3 - "$OUT" "$PROFILE" <<'PY'
import json, sys
out, profile = sys.argv[1], sys.argv[2]
snap = json.load(open(f"{out}/snapshot.json"))
rep = json.load(open(f"{out}/report.json"))
cw, cm = open(f"{out}/collect.time").read().split()
sw, sm = open(f"{out}/scan.time").read().split()
seed = open(f"{out}/seed.time").read().strip()
calls = snap["stats"]["api_calls"]
inst = sum(len(r["ec2"]["instances"].get("ok", [])) for r in snap["regional"].values())
sgs = sum(len(r["ec2"]["security_groups"].get("ok", [])) for r in snap["regional"].values())
users = len(snap["iam"]["users"].get("ok", []))
print(f"profile {profile}; seeding took {seed} s")
print(f"inventory: {len(snap['regions']['scanned'])} regions, {users} users, {sgs} security groups, {inst} instances, {len(snap['errors'])} gaps")
print(f"collect:   {cw} s wall, {int(cm)/1024:.0f} MiB peak RSS, {sum(calls.values())} API calls ({', '.join(f'{k} {v}' for k, v in calls.items())})")
print(f"evaluate:  {rep['evaluation_ms']} ms for {len(rep['findings'])} findings; whole `scan --snapshot` {sw} s wall, {int(sm)/1024:.0f} MiB peak RSS")
PY
