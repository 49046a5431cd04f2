# Defaults of the bootstrap, after the distribution element (10-*) has set its own; every one can be
# set by the caller.
# Archive components, comma separated as DIB documents them (spaces work too).
export DIB_DEBIAN_COMPONENTS=${DIB_DEBIAN_COMPONENTS:-main}
# Packages added to the bootstrap itself (comma separated): an init system, so the tree can boot.
export DIB_DEBIAN_BOOTSTRAP_PACKAGES=${DIB_DEBIAN_BOOTSTRAP_PACKAGES:-systemd-sysv}
# Days a cached bootstrap tarball is reused; 0 always bootstraps afresh.
export DIB_DEBIAN_ROOTFS_CACHE_DAYS=${DIB_DEBIAN_ROOTFS_CACHE_DAYS:-7}
# Where downloaded .deb files are shared between builds of one release and architecture: the
# bootstrap puts its packages there, and jdib offers them to apt in the chroot and keeps what apt
# downloads. Empty (no sharing) with DIB_APT_LOCAL_CACHE=0 or without an image cache.
if [ "${DIB_APT_LOCAL_CACHE:-1}" = 0 ] || [ -z "${DIB_IMAGE_CACHE:-}" ]; then
    export JDIB_APT_ARCHIVE_CACHE=
else
    export JDIB_APT_ARCHIVE_CACHE=${JDIB_APT_ARCHIVE_CACHE:-$DIB_IMAGE_CACHE/apt/${DIB_RELEASE:-}-${ARCH:-}}
fi
