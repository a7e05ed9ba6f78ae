#!/usr/bin/env bash
# make bench: packaging of a realistic tree, fgsdeploy vs zip -X -r -q + sha512sum
# (bench/package.sh), then plan/apply of 200 functions against the
# emulator with 50 ms latency. Prints figures; never fails on a figure.
set -euo pipefail
cd "$(dirname "$0")/.."
bench/package.sh

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
