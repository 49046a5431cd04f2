#!/bin/bash
# Cold and warm wall time of a debian-minimal tar build, side by side in one run.
# Cold: empty image cache (bootstrap and every .deb downloaded). Warm: the cache from the cold run.
# Usage: bench/build-tree.sh [OUTPUT_DIR]
set -eu -o pipefail
cd "$(dirname "$0")/.."
out=${1:-$(mktemp -d /var/tmp/jdib-bench.XXXXXX)}
mkdir -p "$out"
cache=$(mktemp -d /var/tmp/jdib-bench-cache.XXXXXX)
trap 'rm -rf "$cache"' EXIT
bin/jdib --version >/dev/null  # build the jar outside the timing

time_build() {
    local name=$1
    local start end
    start=$(date +%s.%N)
    bin/disk-image-create --image-cache "$cache" -o "$out/$name" -t tar debian-minimal > "$out/$name.log" 2>&1
    end=$(date +%s.%N)
    printf '%s %.1f s, tar %s\n' "$name" "$(echo "$end - $start" | bc)" "$(du -h --apparent-size "$out/$name.tar" | cut -f1)"
}
time_build cold
time_build warm
