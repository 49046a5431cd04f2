#!/bin/bash
# VM image figures, side by side in one run: warm build wall time, qcow2 size, raw allocated vs
# apparent size, and boot-to-login seconds, for the BIOS (MBR) and the UEFI (GPT) image.
# A cold build is the first run with an empty --image-cache (set COLD=1 to include one).
# The disk steps' times come from NAME.d/build-times.json. To compare ways of making the disk, run
# it twice back to back, e.g. with JDIB_TREE_FILL=copy (tar onto the mounted disk instead of
# mke2fs -d) or DIB_QCOW2_COMPRESSION_TYPE=zstd in the environment.
# Usage: bench/build-vm.sh [OUTPUT_DIR]
set -eu -o pipefail
cd "$(dirname "$0")/.."
out=${1:-$(mktemp -d /var/tmp/jdib-bench-vm.XXXXXX)}
mkdir -p "$out"
cache_args=()
if [ -n "${COLD:-}" ]; then
    cache=$(mktemp -d /var/tmp/jdib-bench-cache.XXXXXX)
    trap 'rm -rf "$cache"' EXIT
    cache_args=(--image-cache "$cache")
fi
bin/jdib --version >/dev/null  # build the jar outside the timing

step_seconds() {
    grep -o "\"step\": \"$2\", \"seconds\": [0-9.]*" "$1" | grep -o '[0-9.]*$' || echo '?'
}

measure() {
    local name=$1 uefi=$2
    shift 2
    local start end
    start=$(date +%s.%N)
    bin/disk-image-create "${cache_args[@]}" -o "$out/$name" -t qcow2,raw "$@" > "$out/$name.log" 2>&1
    end=$(date +%s.%N)
    local raw=$out/$name.raw
    local times=$out/$name.d/build-times.json
    printf '%-5s build %.1f s (create disk %s s, convert %s s) | qcow2 %s | raw %s allocated of %s apparent | ' \
        "$name" "$(echo "$end - $start" | bc)" "$(step_seconds "$times" 'create disk')" \
        "$(step_seconds "$times" 'convert disk image')" "$(du -h --apparent-size "$out/$name.qcow2" | cut -f1)" \
        "$(du -h "$raw" | cut -f1)" "$(du -h --apparent-size "$raw" | cut -f1)"
    local boot_args=()
    [ "$uefi" = 1 ] && boot_args=(--uefi)
    bin/jdib boot "${boot_args[@]}" --console-log "$out/$name.console" "$out/$name.qcow2" | grep -o 'appeared after .*'
}
measure bios 0 debian-minimal vm
measure uefi 1 debian-minimal vm block-device-efi
