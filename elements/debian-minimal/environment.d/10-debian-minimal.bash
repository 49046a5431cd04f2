# Debian's facts; every one can be set by the caller. The bootstrap (debootstrap) and the apt/dpkg
# glue (dpkg) read them.
export DISTRO_NAME=debian
# A codename (trixie) or a suite (stable, testing, unstable, oldstable). jdib looks it up on the
# mirror before the build starts and hands hooks the codename, so this default is rarely seen.
export DIB_RELEASE=${DIB_RELEASE:-stable}
if [ -n "${DIB_DEBIAN_DISTRIBUTION_MIRROR:-}" ]; then
    DIB_DISTRIBUTION_MIRROR=$DIB_DEBIAN_DISTRIBUTION_MIRROR
fi
export DIB_DISTRIBUTION_MIRROR=${DIB_DISTRIBUTION_MIRROR:-http://deb.debian.org/debian}
# Security updates live in their own archive. security.debian.org is often unreachable from build
# networks; deb.debian.org serves the same archive.
export DIB_DEBIAN_SECURITY_MIRROR=${DIB_DEBIAN_SECURITY_MIRROR:-http://deb.debian.org/debian-security}
# Appended to the security suite's name (RELEASE-security), as DIB does; empty for current releases.
export DIB_DEBIAN_SECURITY_SUBPATH=${DIB_DEBIAN_SECURITY_SUBPATH:-}
export DIB_DEBIAN_COMPONENTS=${DIB_DEBIAN_COMPONENTS:-main}
