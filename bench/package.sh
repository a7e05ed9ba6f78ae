#!/usr/bin/env bash
# make bench, part 1: packaging of a realistic tree (bench/node_modules.sh),
# fgsdeploy package against zip -X -r -q + sha512sum, in turn (A B A B ...),
# the ratio taken pair by pair so that a machine whose speed drifts still
# gives a fair one. Whole-process figures from /usr/bin/time: wall, CPU
# (user + system), peak RSS; medians with min-max. Prints figures; never
# fails on a figure. FGSBENCH_RUNS pairs (default 7), FGSBENCH_DIR.
set -euo pipefail
cd "$(dirname "$0")/.."
root=${FGSBENCH_DIR:-/tmp/fgsbench}
runs=${FGSBENCH_RUNS:-7}
bench/node_modules.sh "$root/app"
printf 'functions:\n  app:\n    runtime: Node.js18.15\n    handler: index.handler\n    code: {path: ./app}\n' > "$root/function.yaml"
bin=$PWD/bin/fgsdeploy
timeit() { # appends "wall cpu maxrss_kb" of one run of "$@" to $1
  local to=$1; shift
  /usr/bin/time -f '%e %U %S %M' -o "$root/time.txt" "$@" >/dev/null 2>&1
  awk '{printf "%s %.2f %s\n", $1, $2 + $3, $4}' "$root/time.txt" >> "$to"
}
stats() { # "median (min-max)" of the numbers on stdin
  sort -g | awk '{a[NR] = $1} END {printf "%s (%s-%s)", a[int((NR + 1) / 2)], a[1], a[NR]}'
}
load() { cut -d' ' -f1-3 /proc/loadavg; }

echo "## Packaging: $(find "$root/app" -type f | wc -l) files, $(du -sm "$root/app" | cut -f1) MB, $runs runs each, in turn"
echo "load average before: $(load) on $(nproc) CPUs"
rm -f "$root/f.txt" "$root/z.txt"
timeit /dev/null "$bin" package -C "$root" # warm-up: the tree in the page cache
for _ in $(seq "$runs"); do
  timeit "$root/f.txt" "$bin" package -C "$root"
  rm -f "$root/zip.zip"
  timeit "$root/z.txt" sh -c "cd '$root/app' && zip -X -r -q '$root/zip.zip' . && sha512sum '$root/zip.zip'"
done
echo "load average after:  $(load)"
"$bin" package -C "$root" --out "$root/out" >/dev/null
fs=$(stat -c %s "$root/out/app.zip"); zs=$(stat -c %s "$root/zip.zip")
col() { cut -d' ' -f"$2" "$root/$1.txt"; }
printf '%-26s %20s %20s %16s %14s\n' "" "wall (s)" "CPU (s)" "peak RSS (MB)" "size (bytes)"
for w in f z; do
  name="fgsdeploy package"; [ $w = z ] && name="zip -X -r -q + sha512sum"
  printf '%-26s %20s %20s %16s %14s\n' "$name" "$(col $w 1 | stats)" "$(col $w 2 | stats)" \
    "$(col $w 3 | awk '{print int($1 / 1024)}' | stats)" "$([ $w = f ] && echo "$fs" || echo "$zs")"
done
ratio() { paste -d' ' <(col f "$1") <(col z "$1") | awk '{printf "%.3f\n", $1 / $2}' | stats; }
echo "time ratio, pair by pair: wall $(ratio 1) (target <= 0.25), CPU $(ratio 2)"
awk -v c="$fs" -v d="$zs" 'BEGIN {printf "size ratio %.3f (target within 5%%)\n", c / d}'
