#!/usr/bin/env bash
# make bench: packaging of a realistic tree, fgsdeploy vs zip -X -r -q + sha512sum
# (wall time, peak RSS, size), then plan/apply of 200 functions against the
# emulator with 50 ms latency. Prints figures; never fails on a figure.
set -euo pipefail
cd "$(dirname "$0")/.."
root=${FGSBENCH_DIR:-/tmp/fgsbench}
runs=${FGSBENCH_RUNS:-5}
bench/node_modules.sh "$root/app"
printf 'functions:\n  app:\n    runtime: Node.js18.15\n    handler: index.handler\n    code: {path: ./app}\n' > "$root/function.yaml"
bin=$PWD/bin/fgsdeploy
timeit() { # prints "seconds maxrss_kb" of one run of "$@"
  /usr/bin/time -f '%e %M' -o "$root/time.txt" "$@" >/dev/null 2>&1
  cat "$root/time.txt"
}
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

echo "## Packaging: $(find "$root/app" -type f | wc -l) files, $(du -sm "$root/app" | cut -f1) MB, $runs runs each"
rm -f "$root/f.txt" "$root/z.txt"
for i in $(seq "$runs"); do
  timeit "$bin" package -C "$root" >> "$root/f.txt"
  rm -f "$root/zip.zip"
  timeit sh -c "cd '$root/app' && zip -X -r -q '$root/zip.zip' . && sha512sum '$root/zip.zip'" >> "$root/z.txt"
done
fw=$(cut -d' ' -f1 "$root/f.txt" | median); fm=$(cut -d' ' -f2 "$root/f.txt" | median)
zw=$(cut -d' ' -f1 "$root/z.txt" | median); zm=$(cut -d' ' -f2 "$root/z.txt" | median)
"$bin" package -C "$root" --out "$root/out" >/dev/null
fs=$(stat -c %s "$root/out/app.zip"); zs=$(stat -c %s "$root/zip.zip")
printf '%-26s %10s %14s %14s\n' "" "wall (s)" "peak RSS (MB)" "size (bytes)"
printf '%-26s %10s %14s %14s\n' "fgsdeploy package" "$fw" "$((fm / 1024))" "$fs"
printf '%-26s %10s %14s %14s\n' "zip -X -r -q + sha512sum" "$zw" "$((zm / 1024))" "$zs"
awk -v a="$fw" -v b="$zw" -v c="$fs" -v d="$zs" 'BEGIN {printf "time ratio %.2f (target <= 0.30), size ratio %.3f (target within 5%%)\n", a/b, c/d}'

echo
echo "## Plan and apply against the emulator"
go run ./bench/applybench -functions 200 -latency 50ms -parallelism 1,8,32
go run ./bench/applybench -functions 200 -latency 50ms -parallelism 8,32 -release
echo
echo "## Plans with triggers: 100 functions, 3 triggers each, against the same without"
go run ./bench/applybench -functions 100 -latency 50ms -parallelism 8 -triggers 3
bench/local.sh
bench/local_exit.sh

echo
echo "## Invocations under --local"
go run ./bench/invokebench
bench/obs.sh
