#!/usr/bin/env bash
# make bench, part 2: the embedded emulator's store under --local.
#  1. apply --local of N functions, each with a publish and an alias, from
#     an empty state (wall time per function should not grow with N);
#  2. two concurrent apply --local on one project (two manifests, one
#     state directory): both must succeed and a plan right after must be
#     empty for both (no lost write), RUNS times.
# Prints figures; never fails on a figure (a lost write is reported).
set -euo pipefail
cd "$(dirname "$0")/.."
bin=$PWD/bin/fgsdeploy
root=${FGSBENCH_DIR:-/tmp/fgsbench}/local
sizes=${FGSBENCH_LOCAL_SIZES:-250 1000 2000}
runs=${FGSBENCH_LOCAL_RUNS:-20}
reps=${FGSBENCH_LOCAL_REPS:-5}
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
rm -rf "$root"; mkdir -p "$root"

manifest() { # manifest PREFIX COUNT: functions PREFIX0000.. with publish and alias
  printf 'defaults:\n  runtime: Python3.10\n  handler: index.handler\n  memory_size: 256\n  code: {path: ./src}\n  publish: {version: v1}\n  aliases: {live: {version: $published}}\nfunctions:\n'
  for ((i = 0; i < $2; i++)); do printf '  %s%04d: {environment: {INDEX: "%d"}}\n' "$1" "$i" "$i"; done
}
project() { # project DIR
  rm -rf "$1"; mkdir -p "$1/src"
  printf 'def handler(e, c):\n    return 1\n' > "$1/src/index.py"
}

echo "## apply --local, every function with publish and alias, from an empty state (median of $reps)"
printf '%-10s %10s %14s %14s\n' functions "wall (s)" "per function" "peak RSS (MB)"
first="" last=""
for n in $sizes; do
  p=$root/size$n; : > "$root/times.txt"
  for ((r = 1; r <= reps; r++)); do
    project "$p"; manifest fn "$n" > "$p/function.yaml"
    /usr/bin/time -f '%e %M' -o "$root/time.txt" "$bin" apply -C "$p" --local --auto-approve > "$root/out.txt" 2>&1 ||
      { echo "apply of $n functions failed:"; tail -5 "$root/out.txt"; exit 1; }
    cat "$root/time.txt" >> "$root/times.txt"
  done
  wall=$(cut -d' ' -f1 "$root/times.txt" | median); rss=$(cut -d' ' -f2 "$root/times.txt" | median)
  per=$(awk -v w="$wall" -v n="$n" 'BEGIN {printf "%.2f ms", w * 1000 / n}')
  printf '%-10s %10s %14s %14s   (runs: %s)\n' "$n" "$wall" "$per" "$((rss / 1024))" "$(cut -d' ' -f1 "$root/times.txt" | tr '\n' ' ')"
  [ -z "$first" ] && first=$(awk -v w="$wall" -v n="$n" 'BEGIN {print w / n}')
  last=$(awk -v w="$wall" -v n="$n" 'BEGIN {print w / n}')
done
awk -v a="$first" -v b="$last" 'BEGIN {if (a > 0) printf "per-function ratio, largest to smallest: %.2f (target <= 1.3)\n", b / a}'

echo
echo "## two concurrent apply --local on one project, $runs runs"
p=$root/concurrent; lost=0; failed=0
for ((r = 1; r <= runs; r++)); do
  project "$p"; manifest a 20 > "$p/a.yaml"; manifest b 20 > "$p/b.yaml"
  "$bin" apply -C "$p" -f a.yaml --local --auto-approve > "$root/a.txt" 2>&1 & pa=$!
  "$bin" apply -C "$p" -f b.yaml --local --auto-approve > "$root/b.txt" 2>&1 & pb=$!
  wait $pa || failed=$((failed + 1)); wait $pb || failed=$((failed + 1))
  for m in a b; do
    "$bin" plan -C "$p" -f $m.yaml --local --detailed-exitcode > "$root/plan.txt" 2>&1 || lost=$((lost + 1))
  done
done
echo "failed applies: $failed; manifests with lost writes (plan not empty after both): $lost (target 0)"
