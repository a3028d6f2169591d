#!/usr/bin/env bash
# Organization benchmark (issue 10): an AWS Organization in moto, MEMBERS member accounts
# (default 100) created through the Organizations API and each seeded lightly through its
# assumed OrganizationAccountAccessRole in us-east-1 and eu-west-1 (target/release/org-seed:
# 3 users with access keys, 2 security groups per region), then, through the fault proxy at
# AWS pace (bench/aws-pace.toml: 30 ms per call, AWS-like per-API rate limits), each run with
# a fresh proxy (fresh buckets and counts) and its own run folder:
#   org-all     rampart scan --organization --region us-east-1,eu-west-1 (every account)
#   org-10      the same with --accounts and the first SMALL (10) member ids: memory flatness
#   shard-K     --shard K/4 for K in 1..4, one after the other, then `rampart merge` of the
#               four, checked against org-all on the sorted (account, check, region,
#               resource, status) of every finding.
# Wall time and peak RSS (/usr/bin/time), requests (proxy stats `seen`, throttled attempts
# included). The table is printed and written between the org markers of bench/RESULTS.md;
# raw outputs stay in bench/out/org/.
# Usage: bench/org.sh   (MEMBERS=100 SMALL=10 SHARDS=4 SKIP_BUILD=1 SCAN_ARGS="..." to change)
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=bench/lib.sh
. bench/lib.sh
trap bench_cleanup EXIT

MEMBERS=${MEMBERS:-100}
SMALL=${SMALL:-10}
SHARDS=${SHARDS:-4}
REGIONS=us-east-1,eu-west-1
CONFIG=${CONFIG:-bench/aws-pace.toml}
read -r -a EXTRA <<<"${SCAN_ARGS:-}"
OUT=bench/out/org
rm -rf "$OUT"
mkdir -p "$OUT"

bench_build
bench_moto_install
start_escape_guard "$OUT/escaped.log"
start_moto "$OUT/moto.log"
echo "$(date -u +%H:%M:%S) seeding $MOTO_URL: an organization of $MEMBERS members"
tool_env "$MOTO_URL" /usr/bin/time -f "%e" -o "$OUT/seed.time" \
  "$BIN/org-seed" "$MOTO_URL" "$MEMBERS" "$REGIONS" >"$OUT/members.txt" 2>"$OUT/seed.log"
SMALL_IDS=$(head -n "$SMALL" "$OUT/members.txt" | paste -sd, -)
with_moto_gaps "$CONFIG" "$OUT/proxy.toml"

# scan RUN ARGS...: one rampart organization scan through a fresh proxy.
scan() {
  local run=$1
  shift
  start_proxy "$OUT/proxy.toml" "$OUT/$run.proxy.log"
  echo "$(date -u +%H:%M:%S) $run through $PROXY_URL"
  local cmd=("$BIN/rampart" scan --organization --region "$REGIONS" --run-dir "$OUT/$run.run"
    --format json --output-file "$OUT/$run.json" --fail-on none "${EXTRA[@]}" "$@")
  printf '%s\n' "${cmd[*]}" >"$OUT/$run.cmd"
  timed "$run" "$PROXY_URL" "${cmd[@]}"
  curl -sf "$PROXY_URL/__proxy/stats" >"$OUT/$run.stats.json"
  stop_proxy
  echo "  $(cat "$OUT/$run.time") (s, KiB) exit $(cat "$OUT/$run.rc")"
}

scan org-all
scan "org-$SMALL" --accounts "$SMALL_IDS"
shard_reports=()
for k in $(seq "$SHARDS"); do
  scan "shard-$k" --shard "$k/$SHARDS"
  shard_reports+=("$OUT/shard-$k.json")
done
timed merge "$MOTO_URL" "$BIN/rampart" merge "${shard_reports[@]}" --format json --output-file "$OUT/merged.json"

python3 - "$OUT" "$COMMIT" "$MEMBERS" "$SMALL" "$SHARDS" "$CONFIG" <<'PY'
import datetime, json, os, re, sys
out, commit, members, small, shards, config = sys.argv[1:7]
shards = int(shards)

def findings(path):
    """Every finding of a report, as (account, check, region, resource, status)."""
    found = []
    def walk(node):
        if isinstance(node, dict):
            if {"check_id", "status", "account_id", "region", "resource"} <= node.keys():
                found.append((node["account_id"], node["check_id"], node["region"],
                              node["resource"], node["status"]))
            else:
                for v in node.values():
                    walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)
    walk(json.load(open(path)))
    return found

runs = ["org-all", f"org-{small}"] + [f"shard-{k}" for k in range(1, shards + 1)]
rows = {}
for run in runs:
    wall, rss = open(f"{out}/{run}.time").read().split()[-2:]
    stats = json.load(open(f"{out}/{run}.stats.json"))
    f = findings(f"{out}/{run}.json")
    rows[run] = dict(wall=float(wall), rss=int(rss) / 1024, seen=stats["total"]["seen"],
                     limited=stats["total"]["rate_limited"], accounts=len({x[0] for x in f}),
                     fail=sum(1 for x in f if x[4] == "FAIL"), errors=sum(1 for x in f if x[4] == "ERROR"),
                     total=len(f), rc=open(f"{out}/{run}.rc").read().strip(), stats=stats)

lines = ["| run | accounts with findings | wall (s) | peak RSS (MiB) | requests (seen) | of which rate-limited | findings FAIL / ERROR / total | exit |",
         "|---|---:|---:|---:|---:|---:|---:|---:|"]
for run, r in rows.items():
    lines.append(f"| {run} | {r['accounts']} | {r['wall']:.1f} | {r['rss']:.0f} | {r['seen']:,} | {r['limited']:,} | {r['fail']:,} / {r['errors']:,} / {r['total']:,} | {r['rc']} |")
sh = [rows[f"shard-{k}"] for k in range(1, shards + 1)]
lines.append(f"| shards summed | {sum(r['accounts'] for r in sh)} | {sum(r['wall'] for r in sh):.1f} (longest {max(r['wall'] for r in sh):.1f}) | max {max(r['rss'] for r in sh):.0f} | {sum(r['seen'] for r in sh):,} | {sum(r['limited'] for r in sh):,} | {sum(r['fail'] for r in sh):,} / {sum(r['errors'] for r in sh):,} / {sum(r['total'] for r in sh):,} | |")

single = sorted(findings(f"{out}/org-all.json"))
merged = sorted(findings(f"{out}/merged.json"))
same = single == merged
diff = ""
if not same:
    a, b = set(single), set(merged)
    diff = f" ({len(a - b)} only in the single run, {len(b - a)} only in the merge; e.g. {sorted(a ^ b)[:3]})"
big, little = rows["org-all"], rows[f"org-{small}"]
ratio = big["rss"] / little["rss"]
seed = open(f"{out}/seed.time").read().strip()
escaped = [l.strip() for l in open(f"{out}/escaped.log") if l.strip()]
per_action = sorted(big["stats"]["apis"], key=lambda a: -a["seen"])[:8]
now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
body = "\n".join([
    f"Run {now}, rampart {commit} (release build), {os.cpu_count()} cores, moto "
    f"{open('tests/moto-requirements.txt').read().strip()}. An Organization of {members} member accounts "
    f"plus the management account, us-east-1 and eu-west-1, seeded in {seed} s; every scan through "
    f"`rampart-fault-proxy` with `{config}` and the moto-gap rules of `bench/lib.sh` (a fresh proxy per run). Command: `{open(f'{out}/org-all.cmd').read().strip()}`.",
    "",
    *lines,
    "",
    f"- Targets: {members} accounts in under 5 minutes at AWS pace: **{'met' if big['wall'] < 300 else 'missed'}** ({big['wall']:.1f} s); "
    f"under 200 MiB: **{'met' if big['rss'] < 200 else 'missed'}** ({big['rss']:.0f} MiB); "
    f"RSS at {members} ≤ 1.2 × RSS at {small}: **{'met' if ratio <= 1.2 else 'missed'}** ({ratio:.2f}×).",
    f"- `rampart merge` of the {shards} shards ({open(f'{out}/merge.time').read().split()[0]} s): "
    f"{len(merged):,} findings, **{'identical' if same else 'different'}** to the single run's {len(single):,} "
    f"on sorted (account, check, region, resource, status){diff}.",
    f"- Most requested APIs in org-all: " + ", ".join(f"{a['service']}:{a['action']} {a['seen']:,}" for a in per_action) + ".",
    f"- Requests that tried to leave 127.0.0.1: {len(escaped)}.",
])
print(body)
open(f"{out}/org.md", "w").write(body + "\n")
path = "bench/RESULTS.md"
text = open(path).read() if os.path.exists(path) else "# Benchmark results (issue 10)\n\n<!-- org:begin -->\n<!-- org:end -->\n"
if "<!-- org:begin -->" not in text:
    text += "\n<!-- org:begin -->\n<!-- org:end -->\n"
new = re.sub(r"<!-- org:begin -->.*<!-- org:end -->",
             lambda _: f"<!-- org:begin -->\n{body}\n<!-- org:end -->", text, flags=re.S)
open(path, "w").write(new)
PY
