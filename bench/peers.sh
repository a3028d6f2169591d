#!/usr/bin/env bash
# Peers benchmark (issue 10): one large moto account (USERS IAM users with access keys, SGS
# security groups with rules, INSTANCES instances with user data, all in us-east-1) scanned
# by rampart and by Prowler (PyPI, pinned, in bench/.venv-prowler) over the same services
# (iam, ec2, vpc) and region, each through the fault proxy so that requests are counted the
# same way for both, in two modes:
#   raw       bench/raw-moto.toml: no latency, no faults (moto's one Python process is the
#             bottleneck);
#   aws-pace  bench/aws-pace.toml: 30 ms per call and AWS-like per-API rate limits.
# For each tool and mode: wall time and peak RSS (/usr/bin/time), requests (proxy stats:
# `seen`, which counts throttled attempts too, and `rate_limited`), findings (FAIL and total),
# and the Prowler/rampart ratios. The table is printed and written between the peers markers
# of bench/RESULTS.md; raw outputs stay in bench/out/peers/.
# Usage: bench/peers.sh   (MODES="raw aws-pace", TOOLS="rampart prowler", SKIP_BUILD=1,
#                          USERS=1000 SGS=2000 INSTANCES=500 to change the defaults)
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=bench/lib.sh
. bench/lib.sh
trap bench_cleanup EXIT

PROWLER_VERSION=${PROWLER_VERSION:-5.46.0}
USERS=${USERS:-1000}
SGS=${SGS:-2000}
INSTANCES=${INSTANCES:-500}
MODES=${MODES:-raw aws-pace}
TOOLS=${TOOLS:-rampart prowler}
REGION=us-east-1
OUT=bench/out/peers
rm -rf "$OUT"
mkdir -p "$OUT"

bench_build
bench_moto_install
# Prowler, pinned, in its own virtualenv (the latest release that installs on this Python).
PROWLER=bench/.venv-prowler/bin/prowler
if ! { [ -x "$PROWLER" ] && bench/.venv-prowler/bin/pip show prowler 2>/dev/null | grep -qx "Version: $PROWLER_VERSION"; }; then
  python3 -m venv bench/.venv-prowler
  bench/.venv-prowler/bin/pip install --quiet --disable-pip-version-check "prowler==$PROWLER_VERSION"
fi
BOTO3_VERSION=$(bench/.venv-prowler/bin/pip show boto3 | sed -n 's/^Version: //p')

start_escape_guard "$OUT/escaped.log"
start_moto "$OUT/moto.log"
echo "seeding $MOTO_URL: $USERS users with keys, $SGS security groups, $INSTANCES instances in $REGION"
tool_env "$MOTO_URL" /usr/bin/time -f "%e" -o "$OUT/seed.time" \
  "$BIN/bench-seed" "$MOTO_URL" "$USERS" "$SGS" "$INSTANCES" "$REGION" 2>"$OUT/seed.log"

for mode in $MODES; do
  case $mode in
    raw) config=bench/raw-moto.toml ;;
    aws-pace) config=bench/aws-pace.toml ;;
    *) echo "unknown mode $mode" >&2; exit 2 ;;
  esac
  for tool in $TOOLS; do
    run=$mode-$tool
    with_moto_gaps "$config" "$OUT/$mode.proxy.toml"
    start_proxy "$OUT/$mode.proxy.toml" "$OUT/$run.proxy.log"
    echo "$(date -u +%H:%M:%S) $run through $PROXY_URL"
    case $tool in
      rampart)
        cmd=("$BIN/rampart" scan --region "$REGION" --services "iam,ec2,vpc"
          --format json --output-file "$OUT/$run.json" --fail-on none)
        ;;
      prowler)
        cmd=("$PROWLER" aws --services iam ec2 vpc --filter-region "$REGION"
          --output-formats csv json-ocsf --output-directory "$OUT/$run" --output-filename prowler
          --no-banner --ignore-exit-code-3)
        ;;
      *) echo "unknown tool $tool" >&2; exit 2 ;;
    esac
    printf '%s\n' "${cmd[*]}" >"$OUT/$run.cmd"
    timed "$run" "$PROXY_URL" "${cmd[@]}"
    curl -sf "$PROXY_URL/__proxy/stats" >"$OUT/$run.stats.json"
    stop_proxy
    echo "  $(cat "$OUT/$run.time") (s, KiB) exit $(cat "$OUT/$run.rc")"
  done
done

python3 - "$OUT" "$COMMIT" "$PROWLER_VERSION" "$BOTO3_VERSION" "$USERS" "$SGS" "$INSTANCES" "$MODES" "$TOOLS" <<'PY'
import csv, datetime, glob, json, os, re, sys
out, commit, pv, boto3v, users, sgs, inst, modes, tools = sys.argv[1:10]
modes, tools = modes.split(), tools.split()

def findings(mode, tool):
    if tool == "rampart":
        rep = json.load(open(f"{out}/{mode}-rampart.json"))
        st = [f["status"] for f in rep["findings"]]
    else:
        files = glob.glob(f"{out}/{mode}-prowler/prowler.csv")
        st = [r["STATUS"] for r in csv.DictReader(open(files[0]), delimiter=";")] if files else []
    return st.count("FAIL"), len(st)

rows = {}
for mode in modes:
    for tool in tools:
        run = f"{mode}-{tool}"
        wall, rss = open(f"{out}/{run}.time").read().split()[-2:]
        stats = json.load(open(f"{out}/{run}.stats.json"))
        fail, total = findings(mode, tool)
        rows[(mode, tool)] = dict(wall=float(wall), rss=int(rss) / 1024, seen=stats["total"]["seen"],
                                  limited=stats["total"]["rate_limited"], fail=fail, total=total,
                                  rc=open(f"{out}/{run}.rc").read().strip(), stats=stats)

lines = ["| mode | tool | wall (s) | peak RSS (MiB) | requests (seen) | of which rate-limited | findings FAIL / total | exit |",
         "|---|---|---:|---:|---:|---:|---:|---:|"]
for (mode, tool), r in rows.items():
    lines.append(f"| {mode} | {tool} | {r['wall']:.1f} | {r['rss']:.0f} | {r['seen']:,} | {r['limited']:,} | {r['fail']:,} / {r['total']:,} | {r['rc']} |")
ratios = []
for mode in modes:
    a, b = rows.get((mode, "rampart")), rows.get((mode, "prowler"))
    if a and b:
        ratios.append(f"| {mode} | {b['wall'] / a['wall']:.1f}× | {b['seen'] / max(a['seen'], 1):.1f}× | {b['rss'] / a['rss']:.1f}× |")
if ratios:
    lines += ["", "| mode | Prowler/rampart wall | requests | peak RSS |", "|---|---:|---:|---:|"] + ratios

top = []
for (mode, tool), r in rows.items():
    apis = sorted(r["stats"]["apis"], key=lambda a: -a["seen"])[:6]
    top.append(f"- {mode} {tool}: " + ", ".join(f"{a['service']}:{a['action']} {a['seen']:,}" for a in apis))
escaped = [l.strip() for l in open(f"{out}/escaped.log") if l.strip()]
now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
seed = open(f"{out}/seed.time").read().strip()
body = "\n".join([
    f"Run {now}, rampart {commit} (release build), Prowler {pv} (PyPI, boto3 {boto3v}), moto "
    f"{open('tests/moto-requirements.txt').read().strip()}, {os.cpu_count()} cores. One account in moto: "
    f"{users} IAM users with access keys, {sgs} security groups, {inst} instances, us-east-1 only "
    f"(seeded in {seed} s). Both tools over iam, ec2, vpc in us-east-1, through `rampart-fault-proxy`.",
    "",
    *lines,
    "",
    "Most requested APIs:",
    *top,
    "",
    f"Requests that tried to leave 127.0.0.1 (caught by the HTTP(S)_PROXY guard): {len(escaped)}"
    + (": " + "; ".join(sorted(set(escaped))[:10]) if escaped else ""),
])
print(body)
open(f"{out}/peers.md", "w").write(body + "\n")
path = "bench/RESULTS.md"
text = open(path).read() if os.path.exists(path) else "# Benchmark results (issue 10)\n\n<!-- peers:begin -->\n<!-- peers:end -->\n"
if "<!-- peers:begin -->" not in text:
    text += "\n<!-- peers:begin -->\n<!-- peers:end -->\n"
new = re.sub(r"<!-- peers:begin -->.*<!-- peers:end -->",
             lambda _: f"<!-- peers:begin -->\n{body}\n<!-- peers:end -->", text, flags=re.S)
open(path, "w").write(new)
PY
