#!/usr/bin/env bash
# make bench: the end-to-end benchmark (bench/e2e_bench.py) — not part of the tests.
# Installs what it needs through the project's own script, builds, and writes
# docs/BENCHMARKS.md and docs/images/bench-*.png. Arguments go to e2e_bench.py
# (--records N, --s3, --no-perf, --perf-data FILE).
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
"$here/scripts/install-deps.sh" --test
cmake -S "$here" -B "$here/build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$here/build" -j2 --target tributary
exec /usr/bin/python3 "$here/bench/e2e_bench.py" --build "$here/build" "$@"
