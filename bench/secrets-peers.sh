#!/usr/bin/env bash
# rampart beside git-secrets (issue 13) on the planted corpus of bench/secrets.sh: SIZE_MB
# (default 200) of generated source-like text with secrets of every detector planted at
# known places (`gen-corpus` writes their manifest) and decoys beside them (documentation
# keys, hashes, UUIDs, placeholders, the detectors' negative examples).
#   - rampart: `codescan-bench` (the `scan_tree` of `rampart secrets`), default detectors,
#     2 threads;
#   - git-secrets (Debian's package, AWS Labs' tool) with the patterns of
#     `git secrets --register-aws`, scanning the files with `git secrets --scan --no-index`
#     (git grep over the directory; the corpus is made a git repository only to hold that
#     configuration).
# Recall per kind (a planted secret counts when the tool reports its file and line, rampart
# also its detector), other lines flagged (decoys and anything else), and wall time
# (median of RUNS, default 3, taken alternately, page cache warm). The corpus is deleted at
# the end; the summary goes to bench/out/secrets-peers.txt and between the markers of
# bench/RESULTS.md.
# Usage: bench/secrets-peers.sh
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=bench/out
SIZE_MB=${SIZE_MB:-200}
RUNS=${RUNS:-3}
mkdir -p "$OUT"
CORPUS=$OUT/peer-corpus
MANIFEST=$OUT/peer-manifest.tsv
RESULT=$OUT/secrets-peers.txt
trap 'rm -rf "$CORPUS"' EXIT

if ! git secrets >/dev/null 2>&1 && ! command -v git-secrets >/dev/null; then
  apt-get update -qq && apt-get install -y -qq git-secrets >/dev/null
fi
TARGET=${CARGO_TARGET_DIR:-target/codescan}
CARGO_TARGET_DIR=$TARGET cargo build --release -p rampart-codescan --examples
BIN=$(cd "$TARGET/release/examples" && pwd)

rm -rf "$CORPUS"
"$BIN/gen-corpus" "$CORPUS" "$MANIFEST" "$SIZE_MB"
git -C "$CORPUS" init -q
git -C "$CORPUS" secrets --register-aws

now() { date +%s.%N; }
rampart_run() { "$BIN/codescan-bench" --no-ignore --threads 2 --list "$CORPUS" >"$OUT/peer-rampart.out"; }
# git-secrets reports on standard error and exits 1 when something matched.
gitsecrets_run() { (cd "$CORPUS" && git secrets --scan --no-index) 2>"$OUT/peer-git-secrets.out" || [ $? -eq 1 ]; }
timed() { # timed NAME FUNCTION: append the wall time of FUNCTION to $OUT/peer-NAME.times
  local t0 t1
  t0=$(now); "$2"; t1=$(now)
  awk -v a="$t0" -v b="$t1" 'BEGIN {print b - a}' >>"$OUT/peer-$1.times"
}
rm -f "$OUT/peer-rampart.times" "$OUT/peer-git-secrets.times"
rampart_run; gitsecrets_run # warm the page cache, untimed
for _ in $(seq "$RUNS"); do
  timed rampart rampart_run
  timed git-secrets gitsecrets_run
done

python3 - "$OUT" "$CORPUS" "$MANIFEST" "$(git rev-parse --short HEAD)" \
  "$(dpkg-query -W -f '${Version}' git-secrets 2>/dev/null || echo unknown)" "$(nproc)" \
  "$(cut -d' ' -f1-3 /proc/loadavg)" <<'PY' | tee "$RESULT"
import collections, datetime, re, statistics, sys
out, corpus, manifest, commit, gs_version, cores, load = sys.argv[1:]
planted = {}
for line in open(manifest):
    path, n, detector, _fp = line.rstrip("\n").split("\t")
    planted[(path, int(n))] = detector
kinds = collections.Counter(planted.values())
prefix = corpus.rstrip("/") + "/"
rampart, rampart_other = collections.Counter(), 0
text = open(f"{out}/peer-rampart.out").read()
for line in text.splitlines():
    if not line.startswith("finding: "):
        continue
    _, loc, detector, _red = line.split(" ", 3)
    path, n, _col = loc.replace(prefix, "", 1).rsplit(":", 2)
    if planted.get((path, int(n))) == detector:
        rampart[detector] += 1
    else:
        rampart_other += 1
mb = int(re.search(r"^RESULT files=\d+ bytes=(\d+)", text, re.M).group(1)) / 1e6
flagged = set()
for line in open(f"{out}/peer-git-secrets.out", errors="replace"):
    m = re.match(r"^([^:\n]+):(\d+):", line)
    if m:
        flagged.add((m.group(1).removeprefix("./"), int(m.group(2))))
gs = collections.Counter(planted[k] for k in flagged if k in planted)
gs_other = sum(1 for k in flagged if k not in planted)
def times(name):
    return [float(x) for x in open(f"{out}/peer-{name}.times").read().split()]
tr, tg = times("rampart"), times("git-secrets")
stamp = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
print(f"Run {stamp}, rampart {commit}, git-secrets {gs_version} (Debian) with `--register-aws`; "
      f"{mb:.1f} MB generated corpus, {len(planted)} planted secrets; {cores} cores, load {load}.\n")
print("| kind | planted | rampart | git-secrets |")
print("|---|---:|---:|---:|")
for kind in sorted(kinds):
    print(f"| {kind} | {kinds[kind]} | {rampart[kind]} | {gs[kind]} |")
total_r, total_g = sum(rampart.values()), sum(gs.values())
print(f"| **all** | {len(planted)} | **{total_r}** ({100 * total_r / len(planted):.1f}%) | **{total_g}** ({100 * total_g / len(planted):.1f}%) |")
print(f"| other lines flagged (decoys, anything not planted) | | {rampart_other} | {gs_other} |")
fmt = lambda ts: f"{statistics.median(ts):.2f} s ({mb / statistics.median(ts):.0f} MB/s; median of {len(ts)}: {', '.join(f'{t:.2f}' for t in ts)})"
print(f"| wall time | | {fmt(tr)} | {fmt(tg)} |")
PY

python3 - "$RESULT" bench/RESULTS.md <<'PY'
import sys
result, path = sys.argv[1:]
text = open(path).read()
begin, end = "<!-- secrets-peers:begin -->", "<!-- secrets-peers:end -->"
body = open(result).read().strip()
if begin in text:
    head, rest = text.split(begin, 1)
    text = head + begin + "\n" + body + "\n" + end + rest.split(end, 1)[1]
else:
    text += f"\n## Secrets beside git-secrets (`bench/secrets-peers.sh`)\n\n{begin}\n{body}\n{end}\n"
open(path, "w").write(text)
PY
