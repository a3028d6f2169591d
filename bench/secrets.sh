#!/usr/bin/env bash
# Secrets benchmark (issue 5). Measures rampart's secret scanner (`codescan-bench`, the
# `scan_tree` that `rampart secrets` runs, built without the AWS SDK) on
#   - a generated corpus: SIZE_MB (default 1100) of source-like text with secrets of every
#     detector planted at known places and negative examples (documentation keys, hashes,
#     UUIDs, placeholders, the detectors' own negative examples) beside them, from the page
#     cache, against ripgrep searching the same files for one regex that joins the
#     detectors' patterns; recall on the planted secrets, findings on anything else;
#   - a real corpus: the crates in the local cargo registry (~/.cargo/registry/src), again
#     against ripgrep, with the findings by detector;
#   - a ~20 MB sample of the generated corpus, against detect-secrets (PyPI).
# Each timing is the wall time of the whole process, median of RUNS (default 3) runs taken
# alternately, both tools on 2 threads. The generated corpus is deleted at the end.
# Usage: bench/secrets.sh
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=bench/out
SIZE_MB=${SIZE_MB:-1100}
SAMPLE_MB=${SAMPLE_MB:-20}
RUNS=${RUNS:-3}
REAL=${REAL:-$HOME/.cargo/registry/src}
mkdir -p "$OUT"
CORPUS=$OUT/corpus
MANIFEST=$OUT/corpus-manifest.tsv
SAMPLE=$OUT/sample
RESULTS=$OUT/secrets-bench.txt
trap 'rm -rf "$CORPUS" "$SAMPLE"' EXIT

# Tools: ripgrep from Debian, detect-secrets from PyPI into a venv.
if ! command -v rg >/dev/null; then
  apt-get update -qq && apt-get install -y -qq ripgrep >/dev/null
fi
if [ ! -x "$OUT/venv/bin/detect-secrets" ]; then
  python3 -m venv "$OUT/venv"
  "$OUT/venv/bin/pip" install --quiet --disable-pip-version-check detect-secrets
fi
# Its own target dir (no AWS SDK in it) unless CARGO_TARGET_DIR names one.
TARGET=${CARGO_TARGET_DIR:-target/codescan}
CARGO_TARGET_DIR=$TARGET cargo build --release -p rampart-codescan --examples
BIN=$TARGET/release/examples

"$BIN/gen-corpus" "$CORPUS" "$MANIFEST" "$SIZE_MB"
RE=$("$BIN/codescan-bench" --joined-regex)

now() { date +%s.%N; }
# time_runs NAME CMD...: RUNS timings of CMD (stdout to $OUT/NAME.out) into $OUT/NAME.times
time_one() {
  local name=$1; shift
  local t0 t1
  local status=0
  t0=$(now); "$@" >"$OUT/$name.out" || status=$?; t1=$(now)
  # ripgrep exits 1 when nothing matches; anything else is a failure.
  [ "$status" -le 1 ] || { echo "$*: exit $status" >&2; exit 1; }
  awk -v a="$t0" -v b="$t1" 'BEGIN {print b - a}' >>"$OUT/$name.times"
}
compare() { # compare TAG DIR [extra rampart args]: alternate rampart and ripgrep
  local tag=$1 dir=$2; shift 2
  rm -f "$OUT/$tag-rampart.times" "$OUT/$tag-rg.times"
  # Warm the page cache: both tools read every file once, untimed.
  "$BIN/codescan-bench" --no-ignore --threads 2 "$dir" >/dev/null
  rg -c --no-ignore --hidden -j2 --no-unicode -e "$RE" "$dir" >/dev/null || true
  for _ in $(seq "$RUNS"); do
    time_one "$tag-rampart" "$BIN/codescan-bench" --no-ignore --threads 2 "$@" "$dir"
    time_one "$tag-rg" rg -c --no-ignore --hidden -j2 --no-unicode -e "$RE" "$dir"
  done
}

LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
compare generated "$CORPUS" --manifest "$MANIFEST"
compare real "$REAL"

# detect-secrets on a sample of the generated corpus (whole files, sorted by path).
rm -rf "$SAMPLE"; mkdir -p "$SAMPLE"
python3 - "$CORPUS" "$SAMPLE" "$SAMPLE_MB" <<'PY'
import os, shutil, sys
src, dst, mb = sys.argv[1], sys.argv[2], float(sys.argv[3])
files = sorted(os.path.join(r, f) for r, _, fs in os.walk(src) for f in fs)
total = 0
for f in files:
    if total >= mb * 1e6:
        break
    rel = os.path.relpath(f, src)
    os.makedirs(os.path.dirname(os.path.join(dst, rel)), exist_ok=True)
    shutil.copy(f, os.path.join(dst, rel))
    total += os.path.getsize(f)
PY
rm -f "$OUT/sample-rampart.times" "$OUT/sample-ds.times"
time_one sample-rampart "$BIN/codescan-bench" --no-ignore --threads 2 --manifest "$MANIFEST" "$SAMPLE"
( cd "$SAMPLE" && t0=$(now) && ../venv/bin/detect-secrets scan --all-files . >../detect-secrets.json && t1=$(now) && awk -v a="$t0" -v b="$t1" 'BEGIN {print b - a}' >../sample-ds.times )
LOAD_AFTER=$(cut -d' ' -f1-3 /proc/loadavg)

KW='akia|asia|abia|acca|a3t|aws|secret|session_token|sessiontoken|session-token|security_token|securitytoken|security-token|-----begin|ghp_|gho_|ghu_|ghs_|ghr_|github_pat_|glpat-|xox[baprs]-|hooks\.slack\.com|[sr]k_live_|aiza|eyj|postgres(ql)?://|mysql://|mariadb://|mongodb(\+srv)?://|rediss?://|amqps?://|password|passwd|passphrase|pwd'
density() { # share of lines holding a detector keyword (case-insensitive)
  local all kw
  all=$(rg -c --no-ignore --hidden -j2 '' "$1" | awk -F: '{s+=$NF} END {print s}')
  kw=$(rg -c -i --no-ignore --hidden -j2 -e "$KW" "$1" | awk -F: '{s+=$NF} END {print s}')
  awk -v k="$kw" -v a="$all" 'BEGIN {printf "%.1f", 100 * k / a}'
}
DENSITY_GEN=$(density "$CORPUS")
DENSITY_REAL=$(density "$REAL")

python3 - "$OUT" "$SAMPLE" "$MANIFEST" "$LOAD_BEFORE" "$LOAD_AFTER" "$DENSITY_GEN" "$DENSITY_REAL" "$(rg --version | sed -n 1p)" "$("$OUT/venv/bin/detect-secrets" --version)" "$(nproc)" "$REAL" <<'PY' | tee "$RESULTS"
import json, os, statistics, sys
out, sample, manifest, load0, load1, dens_gen, dens_real, rg_version, ds_version, cores, real = sys.argv[1:]
def times(name):
    return [float(x) for x in open(f"{out}/{name}.times").read().split()]
def result(name):
    line = [l for l in open(f"{out}/{name}.out") if l.startswith("RESULT")][-1]
    return {k: float(v) for k, v in (p.split("=") for p in line.split()[1:])}
def findings(name):
    return [l.split(":", 1)[1].strip() for l in open(f"{out}/{name}.out") if l.startswith("findings:")][-1]
def rg_lines(name):
    return sum(int(l.rsplit(":", 1)[1]) for l in open(f"{out}/{name}.out") if ":" in l)
print(f"machine: {cores} cores; load average {load0} before, {load1} after (other work shares the cores)")
print(f"tools: {rg_version}; detect-secrets {ds_version}")
for tag, label in [("generated", "generated corpus"), ("real", f"real corpus ({real})")]:
    r = result(f"{tag}-rampart")
    mb = r["bytes"] / 1e6
    tr, tg = statistics.median(times(f"{tag}-rampart")), statistics.median(times(f"{tag}-rg"))
    print(f"\n{label}: {int(r['files'])} files, {mb:.1f} MB, {dens_gen if tag == 'generated' else dens_real}% of lines hold a detector keyword")
    print(f"  rampart : {tr:.3f} s = {mb / tr:.0f} MB/s (median of {len(times(f'{tag}-rampart'))}: {', '.join(f'{t:.3f}' for t in times(f'{tag}-rampart'))})")
    print(f"  ripgrep : {tg:.3f} s = {mb / tg:.0f} MB/s (median of {len(times(f'{tag}-rg'))}: {', '.join(f'{t:.3f}' for t in times(f'{tag}-rg'))}), {rg_lines(f'{tag}-rg')} matching lines")
    print(f"  rampart is {tg / tr:.2f}x ripgrep's speed")
    print(f"  rampart findings: {findings(f'{tag}-rampart')}")
    if tag == "generated":
        print(f"  recall: {int(r['found'])}/{int(r['planted'])} planted secrets found; {int(r['false_positives'])} findings on anything else (negative examples, hashes, UUIDs, placeholders, documentation keys)")
# detect-secrets on the sample
size = sum(os.path.getsize(os.path.join(r, f)) for r, _, fs in os.walk(sample) for f in fs)
mb = size / 1e6
t_ds = times("sample-ds")[0]
t_r = times("sample-rampart")[0]
rs = result("sample-rampart")
ds = json.load(open(f"{out}/detect-secrets.json"))["results"]
ds_lines = {(os.path.normpath(f), x["line_number"]) for f, xs in ds.items() for x in xs}
planted = [l.split("\t") for l in open(manifest)]
in_sample = [(os.path.normpath(p), int(n)) for p, n, *_ in planted if os.path.exists(os.path.join(sample, p))]
ds_found = sum(1 for k in in_sample if k in ds_lines)
print(f"\ndetect-secrets sample: {mb:.1f} MB of the generated corpus")
print(f"  detect-secrets: {t_ds:.1f} s = {mb / t_ds:.2f} MB/s; {sum(len(x) for x in ds.values())} results; planted secrets on a reported line: {ds_found}/{len(in_sample)}")
print(f"  rampart       : {t_r:.3f} s = {mb / t_r:.0f} MB/s; {int(rs['findings'])} findings; recall {int(rs['found'])}/{int(rs['planted'])}, {int(rs['false_positives'])} others")
print(f"  rampart is {t_ds / t_r:.0f}x detect-secrets' speed")
PY
