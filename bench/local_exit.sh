#!/usr/bin/env bash
# make bench, part 4: how long a no-op plan of N functions takes under
# --local (the embedded emulator starts and stops with the command)
# against the same plan sent to a standalone `fgsdeploy emulator`, whole
# process, median of RUNS. FGSBENCH_BIN overrides the binary (to measure
# another build). Prints figures; never fails on a figure.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${FGSBENCH_BIN:-$PWD/bin/fgsdeploy}
root=${FGSBENCH_DIR:-/tmp/fgsbench}/local_exit
n=${FGSBENCH_EXIT_FUNCTIONS:-40}
runs=${FGSBENCH_EXIT_RUNS:-20}
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
rm -rf "$root"; mkdir -p "$root/p/src"
p=$root/p
printf 'def handler(e, c):\n    return 1\n' > "$p/src/index.py"
{
  printf 'defaults:\n  runtime: Python3.10\n  handler: index.handler\n  memory_size: 256\n  code: {path: ./src}\n'
  printf '  publish: {version: v1}\n  aliases: {live: {version: $published}}\nfunctions:\n'
  for ((i = 0; i < n; i++)); do printf '  fn%04d: {environment: {INDEX: "%d"}}\n' "$i" "$i"; done
} > "$p/function.yaml"

times() { # times LABEL CMD...: RUNS wall times of CMD, one a line
  for ((r = 1; r <= runs; r++)); do
    /usr/bin/time -f '%e' -o "$root/t" "$@" > /dev/null 2> "$root/err" || { echo "$1 failed:"; tail -3 "$root/err"; exit 1; }
    cat "$root/t"
  done
}

"$bin" apply -C "$p" --local --auto-approve > /dev/null
local=$(times "$bin" plan -C "$p" --local)

"$bin" emulator --addr 127.0.0.1:0 --state "$root/state" --access-key AK --secret-key SK \
  --project-id 0123456789abcdef0123456789abcdef --region cn-north-4 --quiet > "$root/emu.out" 2> "$root/emu.err" &
emu=$!
trap 'kill $emu 2>/dev/null || true' EXIT
for ((i = 0; i < 100 && $(wc -l < "$root/emu.out") < 2; i++)); do sleep 0.05; done
url=$(sed -n 's/^listening on //p' "$root/emu.out")
lts=$(sed -n 's/^lts listening on //p' "$root/emu.out")
export FGSDEPLOY_ENDPOINT=$url HUAWEICLOUD_SDK_IAM_ENDPOINT=$url FGSDEPLOY_OBS_ENDPOINT=$url FGSDEPLOY_LTS_ENDPOINT=$lts
export HUAWEICLOUD_SDK_AK=AK HUAWEICLOUD_SDK_SK=SK HUAWEICLOUD_SDK_REGION=cn-north-4 HUAWEICLOUD_SDK_PROJECT_ID=0123456789abcdef0123456789abcdef
"$bin" apply -C "$p" --auto-approve > /dev/null
standalone=$(times "$bin" plan -C "$p")

lm=$(median <<< "$local"); sm=$(median <<< "$standalone")
echo "## no-op plan of $n functions (publish and alias each), median of $runs"
echo "--local:            $lm s   (runs: $(tr '\n' ' ' <<< "$local"))"
echo "standalone emulator: $sm s   (runs: $(tr '\n' ' ' <<< "$standalone"))"
echo "over 1 s under --local: $(awk '$1 > 1' <<< "$local" | wc -l) of $runs"
awk -v a="$lm" -v b="$sm" 'BEGIN {if (b > 0) printf "ratio --local / standalone: %.2f (target <= 1.5)\n", a / b}'
