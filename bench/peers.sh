#!/bin/bash
# jdib side by side with its peers, in one run, on one target: Debian (trixie) amd64 with a kernel,
# bootable, as a compressed qcow2.
#
#   jdib        bin/disk-image-create debian-minimal vm                  (this worktree's jar)
#   DIB         disk-image-create debian-minimal vm                      (Debian's diskimage-builder)
#   mkosi       Format=disk Bootable=yes, then qemu-img convert -c       (Debian's mkosi)
#   mmdebstrap  the floor: the same package set into a tarball, nothing else
#
# Each tool runs cold (its private cache emptied first) and then warm (the same command again on
# the cache the cold run filled), and one table is printed: wall time, peak memory, qcow2 size,
# the raw image's allocated size, and each figure's ratio to jdib's run of the same kind.
# jdib and DIB build with one more element, bench-edit (a word written by an install.d and by a
# finalise.d hook); after its warm run jdib also rebuilds after changing the finalise.d hook
# ("fin") and then the install.d hook ("inst"), and the table ends with both as ratios of its cold run.
#
# Usage: bench/peers.sh [--quick] [--boot] [--only TOOL,...] [OUTPUT_DIR]
#   --quick        skip the cold runs: warm runs only, on the caches a previous run left
#                  (a tool whose cache is empty is reported as cold). Or QUICK=1.
#   --boot         boot every image once with bin/jdib boot (QEMU TCG) after the table.
#   --only LIST    run only these tools (jdib,dib,mkosi,mmdebstrap).
#   OUTPUT_DIR     images, logs and table (default /var/tmp/jdib-peers-out).
# Environment: PEERS_CACHE (tools' caches, default /var/tmp/jdib-peers-cache), PEERS_TOOLS (the
# peers as installed, default /var/tmp/jdib-peers-tools), RELEASE (default trixie),
# MIRROR (default http://deb.debian.org/debian).
#
# How the peers run on a machine like this one (no device-mapper, no loop partition scanning,
# bookworm host):
#   - DIB: Debian's python3-diskimage-builder is not in bookworm, and trixie's (3.37) cannot build
#     trixie (it installs software-properties-common, which trixie dropped); the script downloads
#     sid's (3.40) .deb with apt (a private apt state under PEERS_TOOLS: the host's sources are not
#     touched) and unpacks it under PEERS_TOOLS; its Python dependencies come from bookworm.
#     DIB maps partitions with `kpartx -uvs` (or, where /.dockerenv exists, as here, `kpartx -av`
#     and `dmsetup --noudevsync mknodes`) and undoes them with `kpartx -d` / `dmsetup remove`: a
#     kpartx and a dmsetup written here put them on `partx -a` (real /dev/loopNpM) and link
#     /dev/mapper/loopNpM to those, removing both afterwards. A sudo that runs its command as is
#     (we are root).
#   - mkosi: bookworm's mkosi 14 runs its package manager in systemd-nspawn, which trips over this
#     machine's mounts (not tried further). trixie's mkosi 25 builds without nspawn (its own mount-namespace
#     sandbox) and writes disk images with `systemd-repart --offline` (mkfs from a directory, no
#     loop devices). It needs systemd >= 254, which bookworm lacks, so it runs with a tools tree
#     (mkosi's ToolsTree=): a trixie tree made once with mmdebstrap holding systemd-repart,
#     systemd-boot, ukify, apt and mkfs tools. mkosi boots with systemd-boot (UEFI), so its image
#     is booted with `jdib boot --uefi`; jdib's and DIB's are BIOS/MBR with GRUB.
# Nothing is installed into the host beyond bookworm packages; the peers and mkosi's tools tree stay
# in PEERS_TOOLS for the next run. Mounts, loop devices and /dev/mapper links made by a run are
# undone when it ends, however it ends.
set -eu -o pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)

quick=${QUICK:-}
boot=
only=jdib,dib,mkosi,mmdebstrap
while [ $# -gt 0 ]; do
    case $1 in
        --quick) quick=1 ;;
        --boot) boot=1 ;;
        --only) only=$2; shift ;;
        -h|--help) sed -n '2,/^set -eu/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
        -*) echo "unknown option $1" >&2; exit 2 ;;
        *) break ;;
    esac
    shift
done
out=${1:-/var/tmp/jdib-peers-out}
release=${RELEASE:-trixie}
mirror=${MIRROR:-http://deb.debian.org/debian}
cache=${PEERS_CACHE:-/var/tmp/jdib-peers-cache}
tools=${PEERS_TOOLS:-/var/tmp/jdib-peers-tools}
mkdir -p "$out" "$cache" "$tools"
out=$(cd "$out" && pwd)
cache=$(cd "$cache" && pwd)
tools=$(cd "$tools" && pwd)
# The package set of jdib's debian-minimal vm on amd64, which the floor installs too.
packages=systemd-sysv,linux-image-amd64,initramfs-tools,grub-pc-bin,grub-efi-amd64-bin,grub2-common

log() { printf '[peers %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

# ---------------------------------------------------------------------------------------------
# Cleanup: whatever a tool left under our directories (mounts, loop devices with their partx
# partitions, /dev/mapper links our kpartx made). Runs after every tool and on exit.
mapper_ledger=$out/.mapper-links
cleanup_host() {
    local m dev back
    # Mounts under our directories, deepest first.
    findmnt -rn -o TARGET | awk -v a="$out/" -v b="$cache/" 'index($0, a) == 1 || index($0, b) == 1' \
        | sort -r | while read -r m; do
        log "cleanup: unmounting $m"
        umount "$m" 2>/dev/null || umount -l "$m" || true
    done
    # /dev/mapper links our kpartx shim made.
    if [ -f "$mapper_ledger" ]; then
        while read -r m; do
            [ -L "/dev/mapper/$m" ] && { log "cleanup: removing /dev/mapper/$m"; rm -f "/dev/mapper/$m"; }
        done < "$mapper_ledger"
        rm -f "$mapper_ledger"
    fi
    # Loop devices backed by files under our directories (partx partitions first).
    losetup -n -l -O NAME,BACK-FILE 2>/dev/null | while read -r dev back; do
        case $back in
            "$out"/*|"$cache"/*)
                log "cleanup: detaching $dev ($back)"
                partx -d "$dev" 2>/dev/null || true
                losetup -d "$dev" || true ;;
        esac
    done
}
trap 'rc=$?; trap - EXIT INT TERM; cleanup_host; exit $rc' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# ---------------------------------------------------------------------------------------------
# Installing the peers (once; kept in $tools).
host_packages=(mmdebstrap debootstrap qemu-utils time gdisk fdisk jq git curl uuid-runtime ovmf
    python3-yaml python3-networkx python3-pbr python3-stevedore python3-jsonschema)
missing=()
for p in "${host_packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
    log "installing host packages: ${missing[*]}"
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}" >&2
fi

apt_private() {
    # apt on trixie and sid, with its own state under $tools/apt: the host's sources are not touched.
    local a=$tools/apt
    mkdir -p "$a/lists/partial" "$a/archives/partial"
    printf 'deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] %s %s main\n' \
        "$mirror" trixie "$mirror" sid > "$a/sources.list"
    apt-get -o Dir::State="$a" -o Dir::State::Lists="$a/lists" -o Dir::Cache="$a" \
        -o Dir::Cache::Archives="$a/archives" -o Dir::Etc::SourceList="$a/sources.list" \
        -o Dir::Etc::SourceParts=/dev/null -o Dir::State::status=/var/lib/dpkg/status \
        -o APT::Sandbox::User=root -o Acquire::Languages=none "$@"
}
fetch_deb() { # NAME SUITE DIR: the package NAME of SUITE unpacked into DIR
    local name=$1 suite=$2 dir=$3
    [ -f "$dir/.done" ] && return 0
    log "downloading $suite's $name"
    [ -f "$tools/apt/.updated" ] || { apt_private update -qq >&2; touch "$tools/apt/.updated"; }
    rm -rf "$dir" && mkdir -p "$dir"
    rm -f "$tools/apt/archives/${name}_"*.deb
    (cd "$tools/apt/archives" && apt_private download -qq "$name/$suite" >&2)
    dpkg-deb -x "$(ls -t "$tools/apt/archives/${name}_"*.deb | head -1)" "$dir"
    touch "$dir/.done"
}
dib_dir=$tools/diskimage-builder
mkosi_dir=$tools/mkosi
mkosi_tools=$tools/mkosi-tools
case ,$only, in *,dib,*) fetch_deb python3-diskimage-builder sid "$dib_dir" ;; esac
case ,$only, in *,mkosi,*)
    fetch_deb mkosi trixie "$mkosi_dir"
    if [ ! -f "$mkosi_tools/.done" ]; then
        log "making mkosi's tools tree (trixie) in $mkosi_tools"
        rm -rf "$mkosi_tools"
        mmdebstrap --mode=root --variant=apt --format=directory --aptopt='Acquire::Languages "none"' \
            --include=systemd,systemd-repart,systemd-boot,systemd-boot-efi,systemd-ukify,python3-pefile,python3-cryptography,e2fsprogs,dosfstools,mtools,kmod,cpio,zstd,xz-utils,util-linux,debian-archive-keyring,ca-certificates,jq,openssl,erofs-utils,squashfs-tools,gnupg,fdisk,tar \
            trixie "$mkosi_tools" "$mirror" >&2
        touch "$mkosi_tools/.done"
    fi ;;
esac

# The shims DIB finds first on its PATH.
shims=$out/shims
rm -rf "$shims" && mkdir -p "$shims"
cat > "$shims/sudo" <<'EOF'
#!/bin/bash
# sudo for a build that already runs as root: drop sudo's own options, run the command.
while [ $# -gt 0 ]; do
    case $1 in
        --) shift; break ;;
        -u|-g|-C|-D|-h|-p|-r|-t|-U) shift 2 ;;
        -*) shift ;;
        *) break ;;
    esac
done
exec "$@"
EOF
cat > "$shims/kpartx" <<EOF
#!/bin/bash
# kpartx without device-mapper: partitions through partx (BLKPG: real /dev/loopNpM), each linked
# as /dev/mapper/loopNpM where DIB looks for it. Every link is written to the ledger first.
set -eu
ledger=$mapper_ledger
EOF
cat >> "$shims/kpartx" <<'EOF'
mode= dev=
for a; do
    case $a in
        -a*|-u*) mode=add ;;
        -d*) mode=delete ;;
        -*) ;;
        *) dev=$a ;;
    esac
done
[ -n "$mode" ] && [ -b "$dev" ] || { echo "kpartx shim: usage kpartx -a|-u|-d /dev/loopN" >&2; exit 1; }
base=$(basename "$dev")
if [ "$mode" = add ]; then
    partx -a "$dev" 2>/dev/null || partx -u "$dev"
    mkdir -p /dev/mapper
    for p in /sys/block/"$base"/"$base"p*; do
        [ -e "$p" ] || continue
        name=$(basename "$p")
        for _ in 1 2 3 4 5 6 7 8 9 10; do [ -b "/dev/$name" ] && break; sleep 0.2; done
        echo "$name" >> "$ledger"
        ln -sfn "/dev/$name" "/dev/mapper/$name"
        echo "add map $name (/dev/$name)"
    done
else
    for l in /dev/mapper/"$base"p*; do
        [ -L "$l" ] && rm -f "$l"
    done
    partx -d "$dev" 2>/dev/null || true
fi
EOF
cat > "$shims/dmsetup" <<'EOF'
#!/bin/bash
# dmsetup for the kpartx shim: `remove loopNpM` removes the link (partx -d drops the partition);
# mknodes has nothing to make; anything else is not available here.
args=()
for a; do case $a in --*) ;; *) args+=("$a") ;; esac; done
case ${args[0]:-} in
    remove)
        name=${args[1]:-}
        [ -L "/dev/mapper/$name" ] && rm -f "/dev/mapper/$name"
        if [[ $name =~ ^(loop[0-9]+)p([0-9]+)$ ]] && [ -b "/dev/$name" ]; then
            partx -d --nr "${BASH_REMATCH[2]}" "/dev/${BASH_REMATCH[1]}" || true
        fi ;;
    mknodes) ;;
    *) echo "dmsetup shim: no device-mapper on this host (${args[*]})" >&2; exit 1 ;;
esac
EOF
chmod +x "$shims"/*

# ---------------------------------------------------------------------------------------------
# The builds. Each writes $out/TOOL-RUN.{log,time} and its image; the timed command is the whole
# tool, with the conversion to compressed qcow2 where the tool does not write one itself.
build_jdib() { # RUN
    ELEMENTS_PATH="$out/bench-elements" \
        bin/disk-image-create --image-cache "$cache/jdib" -o "$out/jdib-$1" debian-minimal vm bench-edit
}
build_dib() {
    env -u TMPDIR PATH="$shims:$dib_dir/usr/bin:/usr/local/sbin:/usr/sbin:/usr/bin:/sbin:/bin" PYTHONPATH="$dib_dir/usr/lib/python3/dist-packages" \
        TMP_DIR="$out/tmp-dib" DIB_IMAGE_CACHE="$cache/dib" DIB_RELEASE="$release" \
        DIB_DISTRIBUTION_MIRROR="$mirror" \
        DIB_DEBIAN_SECURITY_MIRROR=http://deb.debian.org/debian-security \
        ELEMENTS_PATH="$out/bench-elements" \
        /usr/bin/python3 "$dib_dir/usr/bin/disk-image-create" -o "$out/dib-$1" -t qcow2 debian-minimal vm bench-edit
}
# bench-edit: one install.d and one finalise.d hook, each writing a word into /etc; jdib's "fin" and
# "inst" runs change one word and rebuild, as a pipeline does after editing one hook.
make_bench_element() {
    local el=$out/bench-elements/bench-edit
    rm -rf "$el" && mkdir -p "$el/install.d" "$el/finalise.d"
    echo "Writes /etc/bench-edit-install and /etc/bench-edit-finalise (bench/peers.sh)." > "$el/README.rst"
    printf '#!/bin/bash\nset -eu\necho one > /etc/bench-edit-install\n' > "$el/install.d/50-bench-edit"
    printf '#!/bin/bash\nset -eu\necho one > /etc/bench-edit-finalise\n' > "$el/finalise.d/50-bench-edit"
    chmod +x "$el/install.d/50-bench-edit" "$el/finalise.d/50-bench-edit"
}
edit_bench_hook() { # PHASE WORD
    sed -i "s/echo [a-z]* >/echo $2 >/" "$out/bench-elements/bench-edit/$1.d/50-bench-edit"
}
make_bench_element
build_mkosi() {
    local conf=$out/mkosi-conf
    rm -rf "$conf" "$out/mkosi-out-$1" && mkdir -p "$conf" "$out/mkosi-out-$1" "$out/mkosi-ws" "$cache/mkosi/pkg"
    # mkosi installs the Essential packages and those listed: udev (device units, so the serial
    # getty starts) and login come with jdib's and DIB's trees and are named here. The settings
    # systemd-firstboot would otherwise ask for on the console are given.
    cat > "$conf/mkosi.conf" <<EOF
[Distribution]
Distribution=debian
Release=$release
Architecture=x86-64
LocalMirror=$mirror

[Output]
Format=disk
ImageId=mkosi

[Content]
Bootable=yes
Bootloader=systemd-boot
Packages=systemd-sysv
         udev
         login
         linux-image-amd64
         systemd-boot
KernelCommandLine=console=ttyS0
RootPassword=root
Locale=C.UTF-8
Keymap=us
Timezone=UTC
Hostname=mkosi
EOF
    (cd "$conf" && PYTHONPATH="$mkosi_dir/usr/lib/python3/dist-packages" /usr/bin/python3 -m mkosi \
        --tools-tree="$mkosi_tools" --cache-directory="$cache/mkosi" \
        --package-cache-directory="$cache/mkosi/pkg" --workspace-directory="$out/mkosi-ws" \
        --output-directory="$out/mkosi-out-$1" -f build)
    qemu-img convert -c -f raw -O qcow2 "$out/mkosi-out-$1/mkosi.raw" "$out/mkosi-$1.qcow2"
}
build_mmdebstrap() {
    mkdir -p "$cache/mmdebstrap/archives"
    mmdebstrap --mode=root --format=tar --variant=minbase --include="$packages" \
        --aptopt='Acquire::Languages "none"' \
        --setup-hook='mkdir -p "$1/var/cache/apt/archives"' \
        --setup-hook="sync-in $cache/mmdebstrap/archives /var/cache/apt/archives" \
        --customize-hook="sync-out /var/cache/apt/archives $cache/mmdebstrap/archives" \
        --skip=download/empty \
        "$release" "$out/mmdebstrap-$1.tar" "$mirror"
}
export -f build_jdib build_dib build_mkosi build_mmdebstrap
export out cache release mirror shims dib_dir mkosi_dir mkosi_tools packages

mib() { echo $(( ($1 + 1048575) / 1048576 )); }
declare -A wall rss img raw
results=()
run_one() { # TOOL RUN
    local tool=$1 run=$2 start end rc=0
    rm -rf "$out/$tool-$run".* "$out/$tool-$run" "$out/tmp-$tool" "$out/mkosi-ws"
    mkdir -p "$out/tmp-$tool"
    [ "$tool" = jdib ] && bin/jdib --version >/dev/null  # the jar is built outside the timing
    log "$tool $run ..."
    start=$(date +%s.%N)
    /usr/bin/time -v -o "$out/$tool-$run.time" bash -c "build_$tool $run" > "$out/$tool-$run.log" 2>&1 || rc=$?
    end=$(date +%s.%N)
    cleanup_host
    rm -rf "$out/tmp-$tool" "$out/mkosi-ws"
    if [ $rc -ne 0 ]; then
        log "$tool $run FAILED (exit $rc); last lines of $out/$tool-$run.log:"
        tail -15 "$out/$tool-$run.log" >&2
        results+=("$tool $run FAILED")
        return 0
    fi
    local k=$tool-$run
    wall[$k]=$(echo "$end - $start" | bc)
    rss[$k]=$(awk -F': ' '/Maximum resident set size/ {print int($2 / 1024)}' "$out/$k.time")
    if [ "$tool" = mmdebstrap ]; then
        img[$k]=$(mib "$(stat -c %s "$out/$k.tar")")
        raw[$k]=
    else
        img[$k]=$(mib "$(stat -c %s "$out/$k.qcow2")")
        # The raw image's allocated size: the qcow2 written out sparse, measured, removed.
        qemu-img convert -f qcow2 -O raw "$out/$k.qcow2" "$out/$k.raw-measure"
        raw[$k]=$(( $(du -k "$out/$k.raw-measure" | cut -f1) / 1024 ))
        rm -f "$out/$k.raw-measure"
    fi
    rm -rf "$out/mkosi-out-$run"
    results+=("$tool $run")
    log "$tool $run: ${wall[$k]} s"
}

IFS=, read -r -a tools_run <<< "$only"
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
for tool in "${tools_run[@]}"; do
    if [ -z "$quick" ]; then
        rm -rf "${cache:?}/$tool" && mkdir -p "$cache/$tool"
        run_one "$tool" cold
        run_one "$tool" warm
        if [ "$tool" = jdib ]; then
            edit_bench_hook finalise two
            run_one jdib fin
            edit_bench_hook install two
            run_one jdib inst
            make_bench_element
        fi
    else
        mkdir -p "$cache/$tool"
        if [ -z "$(ls -A "$cache/$tool")" ]; then run_one "$tool" cold; else run_one "$tool" warm; fi
    fi
done
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

ratio() { # VALUE BASE
    if [ -z "$1" ] || [ -z "$2" ] || [ "$2" = 0 ]; then echo -; else printf '%.2fx' "$(echo "$1 / $2" | bc -l)"; fi
}
{
    echo "Debian $release amd64, kernel, bootable, compressed qcow2; $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores"
    echo "load average before: $load_before, after: $load_after"
    echo
    printf '| %-10s | %-4s | %8s | %8s | %9s | %9s | %6s | %6s | %6s | %6s |\n' tool run 'wall s' 'RSS MiB' 'qcow2 MiB' 'raw MiB' 'wall' 'RSS' 'qcow2' 'raw'
    printf '| %-10s | %-4s | %8s | %8s | %9s | %9s | %6s | %6s | %6s | %6s |\n' --- --- ---: ---: ---: ---: ---: ---: ---: ---:
    for r in "${results[@]}"; do
        set -- $r
        tool=$1 run=$2 k=$1-$2 j=jdib-$2
        if [ "${3:-}" = FAILED ]; then
            printf '| %-10s | %-4s | %8s | %8s | %9s | %9s | %6s | %6s | %6s | %6s |\n' "$tool" "$run" FAILED - - - - - - -
            continue
        fi
        size=${img[$k]}
        [ "$tool" = mmdebstrap ] && size="tar ${img[$k]}"
        printf '| %-10s | %-4s | %8.1f | %8s | %9s | %9s | %6s | %6s | %6s | %6s |\n' "$tool" "$run" \
            "${wall[$k]}" "${rss[$k]}" "$size" "${raw[$k]:--}" \
            "$(ratio "${wall[$k]}" "${wall[$j]:-}")" "$(ratio "${rss[$k]}" "${rss[$j]:-}")" \
            "$(ratio "${img[$k]}" "${img[$j]:-}")" "$(ratio "${raw[$k]}" "${raw[$j]:-}")"
    done
    echo
    echo "wall: the whole tool, start to compressed qcow2 (mkosi: its build plus qemu-img convert -c;"
    echo "  mmdebstrap: a tarball only). RSS: GNU time's maximum resident set size, i.e. the peak of the"
    echo "  largest single process in the tool's process tree (not their sum). raw: blocks allocated by the"
    echo "  qcow2 written out as a sparse raw file. Ratios: to jdib's run of the same kind (cold/warm)."
    if [ -n "${wall[jdib-fin]:-}" ] && [ -n "${wall[jdib-inst]:-}" ]; then
        echo "jdib fin / inst: the rebuild after changing bench-edit's finalise.d / install.d hook:"
        echo "  $(printf '%.1f' "${wall[jdib-fin]}") s ($(ratio "${wall[jdib-fin]}" "${wall[jdib-cold]}") of cold)" \
            "and $(printf '%.1f' "${wall[jdib-inst]}") s ($(ratio "${wall[jdib-inst]}" "${wall[jdib-cold]}") of cold)."
    fi
} | tee "$out/table.md"

if [ -n "$boot" ]; then
    for r in "${results[@]}"; do
        set -- $r
        [ "${3:-}" = FAILED ] || [ "$1" = mmdebstrap ] && continue
        args=()
        [ "$1" = mkosi ] && args=(--uefi)
        printf '%s %s boot: ' "$1" "$2"
        bin/jdib boot "${args[@]}" --timeout 600 --console-log "$out/$1-$2.console" "$out/$1-$2.qcow2" 2>&1 \
            | tail -1 || true
    done
fi
