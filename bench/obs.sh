#!/usr/bin/env bash
# make bench: a 300 MB incompressible package through OBS to an emulator
# process on loopback (state on disk): upload time against reading and
# hashing the file, the client's peak RSS, a second upload (0 bytes);
# then fgsdeploy apply of it end to end and the re-plan and re-apply that
# follow (0 bytes uploaded). Prints figures; never fails on a figure.
set -euo pipefail
cd "$(dirname "$0")/.."
root=${FGSBENCH_DIR:-/tmp/fgsbench}/obs
size=${FGSBENCH_OBS_MB:-300}
bin=$PWD/bin/fgsdeploy
rm -rf "$root" && mkdir -p "$root/state"
go build -o "$root/obsbench" ./bench/obsbench
"$bin" emulator --addr 127.0.0.1:0 --state "$root/state" --access-key AK --secret-key SK \
  --project-id 0123456789abcdef0123456789abcdef --region cn-north-4 --bucket bench --quiet > "$root/emu.out" &
emu=$!
trap 'kill $emu 2>/dev/null; wait $emu 2>/dev/null || true' EXIT
for _ in $(seq 100); do grep -q listening "$root/emu.out" 2>/dev/null && break; sleep 0.1; done
url=$(sed -n 's/^listening on //p' "$root/emu.out")
echo "## A ${size} MB incompressible package through OBS (emulator process on loopback, state on disk)"
"$root/obsbench" -url "$url" -size "$size" -file "$root/app.zip"
export FGSDEPLOY_ENDPOINT=$url HUAWEICLOUD_SDK_IAM_ENDPOINT=$url FGSDEPLOY_OBS_ENDPOINT=$url \
  HUAWEICLOUD_SDK_AK=AK HUAWEICLOUD_SDK_SK=SK HUAWEICLOUD_SDK_REGION=cn-north-4 HUAWEICLOUD_SDK_PROJECT_ID=0123456789abcdef0123456789abcdef
printf 'functions:\n  big:\n    runtime: Python3.10\n    handler: index.handler\n    code: {path: ./app.zip, obs: {bucket: bench, prefix: apply/}}\n' > "$root/function.yaml"
/usr/bin/time -f '%e %M' -o "$root/t.txt" "$bin" apply -C "$root" --auto-approve --format json > "$root/apply.json" 2>/dev/null
read -r w m < "$root/t.txt"
echo "fgsdeploy apply (plan, upload, create): ${w} s, peak RSS $((m / 1024)) MB, uploaded $(grep -o '"uploaded_bytes": [0-9]*' "$root/apply.json" | grep -o '[0-9]*$') bytes"
/usr/bin/time -f '%e %M' -o "$root/t.txt" "$bin" plan -C "$root" --detailed-exitcode > "$root/plan.txt" 2>&1 || true
read -r w m < "$root/t.txt"
echo "re-plan: ${w} s, peak RSS $((m / 1024)) MB: $(tail -1 "$root/plan.txt")"
sed -i 's/handler: index.handler/handler: index.main/' "$root/function.yaml"
printf 'functions:\n  big:\n    runtime: Python3.10\n    handler: index.handler\n    description: again\n    code: {path: ./app.zip, obs: {bucket: bench, prefix: apply/}}\n' > "$root/function.yaml"
"$bin" apply -C "$root" --auto-approve --format json > "$root/apply2.json" 2>/dev/null
echo "re-apply (a config change; the package is in OBS): uploaded $(grep -o '"uploaded_bytes": [0-9]*' "$root/apply2.json" | grep -o '[0-9]*$' || echo 0) bytes, steps: $(tr -d '\n ' < "$root/apply2.json" | grep -o '"done":\[[^]]*\]')"
