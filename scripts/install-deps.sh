#!/usr/bin/env bash
# Installs everything Tributary needs on Debian 12. Idempotent: packages already present
# are skipped, and `apt-get update` runs only when a package is missing.
#
#   scripts/install-deps.sh          build + run (what `make quickstart` needs)
#   scripts/install-deps.sh --test   also the test services (Ceph radosgw) and the
#                                    independent clients and readers the tests use
set -euo pipefail

want_test=0
for arg in "$@"; do
  case "$arg" in
    --test) want_test=1 ;;
    -h|--help) sed -n '2,8p' "$0"; exit 0 ;;
    *) echo "install-deps: unknown argument '$arg' (expected --test)" >&2; exit 2 ;;
  esac
done

here=$(cd "$(dirname "$0")/.." && pwd)

build_pkgs=(
  build-essential cmake ninja-build ccache pkg-config git
  librdkafka-dev libcurl4-openssl-dev libssl-dev zlib1g-dev libzstd-dev
  libsnappy-dev liblz4-dev libsimdjson-dev libspdlog-dev libfmt-dev libpugixml-dev libre2-dev
  libgtest-dev libgmock-dev
  libprotobuf-dev
)
test_pkgs=(
  ceph-mon ceph-osd radosgw ceph-common uuid-runtime
  kcat python3-kafka python3-confluent-kafka python3-boto3 python3-avro awscli
  gzip zstd lz4 python3-snappy
  pigz python3-matplotlib protobuf-compiler python3-protobuf
  chromium fonts-dejavu-core python3-prometheus-client
)
# Node.js may come from another build that bundles npm; ask Debian only for what is missing.
if [ "$want_test" = 1 ]; then
  command -v node >/dev/null 2>&1 || test_pkgs+=(nodejs)
  command -v npm >/dev/null 2>&1 || test_pkgs+=(npm)
fi

pkgs=("${build_pkgs[@]}")
[ "$want_test" = 1 ] && pkgs+=("${test_pkgs[@]}")

missing=()
for p in "${pkgs[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done

sudo=""
[ "$(id -u)" = 0 ] || sudo="sudo"

if [ "${#missing[@]}" -gt 0 ]; then
  echo "install-deps: installing ${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
else
  echo "install-deps: Debian packages already present"
fi

if [ "$want_test" = 1 ]; then
  # Node packages for the independent readers and clients (DuckDB, kafkajs, hyparquet),
  # pinned by tests/node/package-lock.json and installed into tests/node/node_modules.
  if [ ! -d "$here/tests/node/node_modules/@duckdb/node-api" ] ||
     [ "$here/tests/node/package-lock.json" -nt "$here/tests/node/node_modules/.package-lock.json" ]; then
    # Not `npm ci`: it rejects this lock file because @duckdb/node-bindings lists
    # platform packages (darwin, win32, ...) that npm never resolves on Linux. `npm
    # install --no-save` installs exactly the locked versions and leaves the lock alone.
    echo "install-deps: npm install (locked versions) in tests/node"
    (cd "$here/tests/node" && npm install --no-save --no-audit --no-fund --loglevel=error)
  else
    echo "install-deps: npm packages already present"
  fi
fi
