#!/usr/bin/env bash
# Secrets precision on real code (issue 13): rampart's secret scanner (`codescan-bench`,
# the `scan_tree` of `rampart secrets`, built without the AWS SDK) with the default
# configuration, no ignore file and no suppression by path, crate or file, over two trees
# that every build has and that are the same on every machine:
#   - crates: the sources of exactly the packages in Cargo.lock, where `cargo fetch
#     --locked` puts them ($CARGO_HOME/registry/src/*/NAME-VERSION);
#   - site-packages: the moto virtualenv of the test harness (.venv, from
#     tests/moto-requirements.txt, made here as .ci/run makes it when it is missing).
# Every finding is listed (redacted) in bench/out/secrets-precision.txt; the summary goes
# there and between the markers of bench/RESULTS.md.
# Usage: bench/secrets-precision.sh
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=bench/out
mkdir -p "$OUT"
RESULT=$OUT/secrets-precision.txt

cargo fetch --locked
CARGO_HOME=${CARGO_HOME:-$HOME/.cargo}
python3 - "$CARGO_HOME" >"$OUT/precision-crates.list" <<'PY'
import glob, sys, tomllib
home = sys.argv[1]
lock = tomllib.load(open("Cargo.lock", "rb"))
for p in lock["package"]:
    if not p.get("source", "").startswith("registry+"):
        continue  # the workspace's own crates
    found = glob.glob(f"{home}/registry/src/*/{p['name']}-{p['version']}")
    if len(found) != 1:
        sys.exit(f"{p['name']} {p['version']}: {len(found)} source directories after cargo fetch")
    print(found[0])
PY

if ! compgen -G '.venv/lib/python3*/site-packages' >/dev/null; then
  python3 -m venv .venv
  .venv/bin/pip install --quiet --disable-pip-version-check -r tests/moto-requirements.txt
  cp tests/moto-requirements.txt .venv/.rampart-requirements
fi
SITE=$(compgen -G '.venv/lib/python3*/site-packages' | head -1)

TARGET=${CARGO_TARGET_DIR:-target/codescan}
CARGO_TARGET_DIR=$TARGET cargo build --release -p rampart-codescan --examples
BIN=$TARGET/release/examples

mapfile -t CRATES <"$OUT/precision-crates.list"
"$BIN/codescan-bench" --no-ignore --threads 2 --list "${CRATES[@]}" >"$OUT/precision-crates.out"
"$BIN/codescan-bench" --no-ignore --threads 2 --list "$SITE" >"$OUT/precision-site.out"

python3 - "$OUT" "$CARGO_HOME" "$SITE" "$(git rev-parse --short HEAD)" "$(.venv/bin/pip freeze | grep -ci '')" <<'PY' | tee "$RESULT"
import collections, datetime, os, re, sys
out, home, site, commit, packages = sys.argv[1:]
trees = [
    ("crates", f"the {sum(1 for _ in open(f'{out}/precision-crates.list'))} crates of Cargo.lock", f"{out}/precision-crates.out", f"{home}/registry/src/"),
    ("site-packages", f"{site} ({packages} packages)", f"{out}/precision-site.out", site + "/"),
]
rows, listing = [], []
total_mb = total_files = total_findings = 0
for name, what, path, prefix in trees:
    text = open(path).read()
    r = dict(kv.split("=") for kv in re.search(r"^RESULT (.*)$", text, re.M).group(1).split())
    mb, files = int(r["bytes"]) / 1e6, int(r["files"])
    findings = [l.split(" ", 3)[1:] for l in text.splitlines() if l.startswith("finding: ")]
    by = collections.Counter(f[1] for f in findings)
    rows.append((name, what, mb, files, len(findings), by))
    total_mb += mb; total_files += files; total_findings += len(findings)
    for loc, detector, redacted in findings:
        shown = loc.split("/registry/src/", 1)[-1].split("/", 1)[-1] if "/registry/src/" in loc else loc.replace(prefix, "", 1)
        listing.append(f"  {name}: {shown} {detector} {redacted}")
stamp = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
print(f"Run {stamp}, rampart {commit}, default detectors, no ignore file, no suppression.\n")
print("| tree | MB | files | findings | per 100 MB | by detector |")
print("|---|---:|---:|---:|---:|---|")
for name, what, mb, files, n, by in rows:
    detectors = ", ".join(f"{d} {c}" for d, c in sorted(by.items(), key=lambda x: (-x[1], x[0]))) or "none"
    print(f"| {name}: {what} | {mb:.1f} | {files:,} | {n} | {100 * n / mb:.1f} | {detectors} |")
print(f"| **both** | {total_mb:.1f} | {total_files:,} | {total_findings} | **{100 * total_findings / total_mb:.1f}** | |")
print("\nEvery finding (path:line:column, detector, redacted):")
print("\n".join(listing) if listing else "  none")
PY

# The summary into bench/RESULTS.md, between its markers.
python3 - "$RESULT" bench/RESULTS.md <<'PY'
import sys
result, path = sys.argv[1:]
text = open(path).read()
begin, end = "<!-- secrets-precision:begin -->", "<!-- secrets-precision:end -->"
body = open(result).read().strip()
if begin in text:
    head, rest = text.split(begin, 1)
    text = head + begin + "\n" + body + "\n" + end + rest.split(end, 1)[1]
else:
    text += f"\n## Secrets precision on real code (`bench/secrets-precision.sh`)\n\n{begin}\n{body}\n{end}\n"
open(path, "w").write(text)
PY
