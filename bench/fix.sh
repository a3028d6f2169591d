#!/usr/bin/env bash
# `rampart fix` benchmark (issue 14): an account in moto seeded by target/release/bench-seed
# (USERS users with access keys, SGS security groups, half of them with SSH or another port
# open to 0.0.0.0/0, INSTANCES instances accepting IMDSv1, in us-east-1 and eu-west-1) plus a
# bucket for the trail and AWS Config, everything else left as a new account has it (no
# GuardDuty, no Config, no password policy, EBS default encryption off, no flow logs, ...).
# Through the fault proxy at AWS pace (bench/aws-pace.toml: 30 ms per call, AWS-like
# per-API rate limits), each phase with a fresh proxy:
#   plan      rampart fix --format json (reads what the fixers need, keeps no scan)
#   apply     rampart fix --apply PLAN --fix-profile bench --yes --include-disruptive
#             (re-reads each check's services before its writes, writes, reads back)
#   rescan    rampart scan of the fixed checks
# Wall time and peak RSS (/usr/bin/time), requests (proxy stats `seen`), steps planned,
# applied and verified. The table is printed and written between the fix markers of
# bench/RESULTS.md; raw outputs stay in bench/out/fix/.
# Usage: bench/fix.sh   (USERS=200 SGS=200 INSTANCES=40 SKIP_BUILD=1 CONFIG=... to change)
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=bench/lib.sh
. bench/lib.sh
trap bench_cleanup EXIT

USERS=${USERS:-200}
SGS=${SGS:-200}
INSTANCES=${INSTANCES:-40}
REGIONS=us-east-1,eu-west-1
CONFIG=${CONFIG:-bench/aws-pace.toml}
OUT=bench/out/fix
rm -rf "$OUT"
mkdir -p "$OUT"

bench_build
bench_moto_install
start_escape_guard "$OUT/escaped.log"
start_moto "$OUT/moto.log"
echo "$(date -u +%H:%M:%S) seeding $MOTO_URL: $USERS users, $SGS groups, $INSTANCES instances"
tool_env "$MOTO_URL" "$BIN/bench-seed" "$MOTO_URL" "$USERS" "$SGS" "$INSTANCES" "$REGIONS" \
  2>"$OUT/seed.log"
curl -sf -X PUT "$MOTO_URL/rampart-bench-logs" >/dev/null
with_moto_gaps "$CONFIG" "$OUT/proxy.toml"
printf '[profile bench]\naws_access_key_id = testing\naws_secret_access_key = testing\nregion = us-east-1\n' \
  >"$OUT/aws-config"
FLAGS=(--region "$REGIONS" --no-store --trail-bucket rampart-bench-logs
  --config-bucket rampart-bench-logs --billing-limit 500 --notify-email secops@example.com)

# phase NAME CMD...: one run through a fresh proxy.
phase() {
  local name=$1
  shift
  start_proxy "$OUT/proxy.toml" "$OUT/$name.proxy.log"
  echo "$(date -u +%H:%M:%S) $name through $PROXY_URL"
  printf '%s\n' "$*" >"$OUT/$name.cmd"
  timed "$name" "$PROXY_URL" env AWS_CONFIG_FILE="$OUT/aws-config" "$@"
  curl -sf "$PROXY_URL/__proxy/stats" >"$OUT/$name.stats.json"
  stop_proxy
  echo "  $(cat "$OUT/$name.time") (s, KiB) exit $(cat "$OUT/$name.rc")"
}

phase plan "$BIN/rampart" fix "${FLAGS[@]}" --format json --output "$OUT/plan.json"
# --apply keeps every change for undo: a store of its own.
phase apply "$BIN/rampart" fix --apply "$OUT/plan.json" --fix-profile bench --yes \
  --include-disruptive --region "$REGIONS" --store "$OUT/store.db" \
  --trail-bucket rampart-bench-logs --config-bucket rampart-bench-logs --billing-limit 500 \
  --notify-email secops@example.com
CHECKS=$(python3 -c 'import json,sys; p=json.load(open(sys.argv[1])); print(",".join(sorted({s["check_id"] for s in p["steps"]} | {c for s in p["steps"] for c in s.get("also_fixes", [])})))' "$OUT/plan.json")
phase rescan "$BIN/rampart" scan --region "$REGIONS" --no-store --checks "$CHECKS" \
  --format json --output-file "$OUT/rescan.json" --fail-on none

python3 - "$OUT" "$COMMIT" "$USERS" "$SGS" "$INSTANCES" "$CONFIG" <<'PY'
import datetime, json, re, sys
out, commit, users, sgs, instances, config = sys.argv[1:7]
plan = json.load(open(f"{out}/plan.json"))
steps = plan["steps"]
apply_log = open(f"{out}/apply.log").read()
applied = apply_log.count("  applied ")
verified = apply_log.count("rescan: PASS")
failed = apply_log.count("  FAILED ")
skipped = apply_log.count("  skipped ")
unchanged = apply_log.count("  unchanged ")
risk = {r: sum(1 for s in steps if s["risk"] == r) for r in ("safe", "disruptive")}
rescan = json.load(open(f"{out}/rescan.json"))
fixed_checks = {s["check_id"] for s in steps} | {c for s in steps for c in s.get("also_fixes", [])}
still = [f for f in rescan["findings"] if f["status"] == "FAIL" and f["check_id"] in fixed_checks]
rows = []
for name in ("plan", "apply", "rescan"):
    wall, rss = open(f"{out}/{name}.time").read().split()[-2:]
    seen = json.load(open(f"{out}/{name}.stats.json"))["total"]["seen"]
    rc = open(f"{out}/{name}.rc").read().strip()
    rows.append(f"| {name} | {float(wall):.1f} | {int(rss) / 1024:.0f} | {seen} | {rc} |")
escaped = [l for l in open(f"{out}/escaped.log").read().splitlines() if l.strip()]
date = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d")
table = "\n".join([
    f"Run {date}, commit {commit}, moto seeded with {users} users, {sgs} security groups and "
    f"{instances} instances in us-east-1 and eu-west-1, through the fault proxy "
    f"({config}). Plan: {len(steps)} steps ({risk['safe']} safe, {risk['disruptive']} "
    f"disruptive) for {len(fixed_checks)} checks, {len(plan['not_planned'])} failing findings "
    f"not planned. Apply: {applied} applied, {verified} verified PASS by the rescan of their "
    f"checks, {unchanged} already as planned, {skipped} skipped, {failed} failed. Afterwards "
    f"{len(still)} findings of the fixed checks still fail. Requests that tried to leave "
    f"127.0.0.1: {len(escaped)}.",
    "",
    "| phase | wall s | peak RSS MiB | requests | exit |",
    "|---|---:|---:|---:|---:|",
    *rows,
])
print(table)
path = "bench/RESULTS.md"
text = open(path).read()
block = f"<!-- fix:begin -->\n{table}\n<!-- fix:end -->"
if "<!-- fix:begin -->" in text:
    text = re.sub(r"<!-- fix:begin -->.*?<!-- fix:end -->", lambda _: block, text, flags=re.S)
else:
    text += f"\n## `rampart fix` (bench/fix.sh)\n\n{block}\n"
open(path, "w").write(text)
PY
