#!/usr/bin/env bash
# Commit-path benchmark (issue 13): the wall time of `rampart secrets --staged` on a typical
# commit, cold process included, as the pre-commit hook runs it. A repository of FILES
# (default 300) source-like files is committed, then STAGED (default 10) of them gain 20
# lines each and are staged; the median of RUNS (default 30) runs is reported, with
# hyperfine when it is installed (3 warm-up runs), else a loop timed with `date +%s%N`.
# Builds nothing: RAMPART_BIN names the binary, else $CARGO_TARGET_DIR/release/rampart (or
# target/release/rampart) when present, else the debug one. Say which when quoting a figure.
# Usage: bench/staged.sh            RAMPART_BIN=path/to/rampart RUNS=50 bench/staged.sh
set -euo pipefail
cd "$(dirname "$0")/.."
FILES=${FILES:-300}
STAGED=${STAGED:-10}
RUNS=${RUNS:-30}
TARGET=${CARGO_TARGET_DIR:-target}
if [ -z "${RAMPART_BIN:-}" ]; then
  if [ -x "$TARGET/release/rampart" ]; then RAMPART_BIN=$TARGET/release/rampart
  else RAMPART_BIN=$TARGET/debug/rampart; fi
fi
[ -x "$RAMPART_BIN" ] || { echo "no rampart binary at $RAMPART_BIN (build one, or set RAMPART_BIN)" >&2; exit 2; }
RAMPART_BIN=$(realpath "$RAMPART_BIN")

REPO=$(mktemp -d)
trap 'rm -rf "$REPO"' EXIT
export GIT_CONFIG_GLOBAL=/dev/null GIT_CONFIG_NOSYSTEM=1
export GIT_AUTHOR_NAME=bench GIT_AUTHOR_EMAIL=bench@example.com
export GIT_COMMITTER_NAME=bench GIT_COMMITTER_EMAIL=bench@example.com
git -C "$REPO" init -q
for i in $(seq "$FILES"); do
  mkdir -p "$REPO/src/m$((i % 20))"
  awk -v n="$i" 'BEGIN { for (l = 1; l <= 200; l++)
    printf "fn f%d_%d(x: u64) -> u64 { let region = \"eu-west-1\"; x * %d + %d } // line %d\n", n, l, l, n, l }' \
    >"$REPO/src/m$((i % 20))/file$i.rs"
done
git -C "$REPO" add -A
git -C "$REPO" commit -q -m "base"
for i in $(seq "$STAGED"); do
  f="$REPO/src/m$((i % 20))/file$i.rs"
  awk -v n="$i" 'BEGIN { for (l = 1; l <= 20; l++)
    printf "const LIMIT_%d_%d: &str = \"value-%d-%d-for-the-config-of-this-service\";\n", n, l, n, l }' >>"$f"
done
git -C "$REPO" add -A
staged=$(git -C "$REPO" diff --cached --name-only | wc -l)
# The staged lines are clean: exit 0 is checked once, untimed.
(cd "$REPO" && "$RAMPART_BIN" secrets --staged >/dev/null)

echo "rampart: $RAMPART_BIN"
echo "commit: $staged file(s) staged, 20 added lines each, in a repository of $FILES files; $RUNS runs"
if command -v hyperfine >/dev/null; then
  json=$(mktemp)
  (cd "$REPO" && hyperfine -N --warmup 3 --runs "$RUNS" --export-json "$json" \
    "$RAMPART_BIN secrets --staged" >/dev/null)
  median=$(python3 -c 'import json,sys; print("%.1f" % (json.load(open(sys.argv[1]))["results"][0]["median"] * 1000))' "$json")
  rm -f "$json"
  tool=hyperfine
else
  times=()
  for _ in $(seq "$RUNS"); do
    t0=$(date +%s%N)
    (cd "$REPO" && "$RAMPART_BIN" secrets --staged >/dev/null)
    t1=$(date +%s%N)
    times+=($(( (t1 - t0) / 1000 )))
  done
  median=$(printf '%s\n' "${times[@]}" | sort -n | awk '{ a[NR] = $1 } END {
    m = (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2; printf "%.1f", m / 1000 }')
  tool="date +%s%N loop (the subshell's fork is included)"
fi
echo "median wall: $median ms ($tool)"
