# Defaults of the Debian bootstrap; every one can be set by the caller.
export DISTRO_NAME=debian
# A codename (trixie) or a suite (stable, testing, unstable, oldstable). jdib looks it up on the
# mirror before the build starts and hands hooks the codename, so this default is rarely seen.
export DIB_RELEASE=${DIB_RELEASE:-stable}
if [ -n "${DIB_DEBIAN_DISTRIBUTION_MIRROR:-}" ]; then
    DIB_DISTRIBUTION_MIRROR=$DIB_DEBIAN_DISTRIBUTION_MIRROR
fi
export DIB_DISTRIBUTION_MIRROR=${DIB_DISTRIBUTION_MIRROR:-http://deb.debian.org/debian}
# security.debian.org is often unreachable from build networks; deb.debian.org serves the same archive.
export DIB_DEBIAN_SECURITY_MIRROR=${DIB_DEBIAN_SECURITY_MIRROR:-http://deb.debian.org/debian-security}
export DIB_DEBIAN_COMPONENTS=${DIB_DEBIAN_COMPONENTS:-main}
# Packages added to the bootstrap itself (comma separated): an init system, so the tree can boot.
export DIB_DEBIAN_BOOTSTRAP_PACKAGES=${DIB_DEBIAN_BOOTSTRAP_PACKAGES:-systemd-sysv}
# Days a cached bootstrap tarball is reused; 0 always bootstraps afresh.
export DIB_DEBIAN_ROOTFS_CACHE_DAYS=${DIB_DEBIAN_ROOTFS_CACHE_DAYS:-7}
