# Defaults of the bootstrap, after the distribution element (10-*) has set its own; every one can be
# set by the caller.
# Archive components, comma separated as DIB documents them (spaces work too).
export DIB_DEBIAN_COMPONENTS=${DIB_DEBIAN_COMPONENTS:-main}
# Packages added to the bootstrap itself (comma separated): an init system, so the tree can boot.
export DIB_DEBIAN_BOOTSTRAP_PACKAGES=${DIB_DEBIAN_BOOTSTRAP_PACKAGES:-systemd-sysv}
# Days a cached bootstrap tarball is reused; 0 always bootstraps afresh.
export DIB_DEBIAN_ROOTFS_CACHE_DAYS=${DIB_DEBIAN_ROOTFS_CACHE_DAYS:-7}
