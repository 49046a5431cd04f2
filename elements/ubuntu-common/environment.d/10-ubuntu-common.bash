# Ubuntu's facts shared by ubuntu-minimal and ubuntu; every one can be set by the caller.
export DISTRO_NAME=${DISTRO_NAME:-ubuntu}
# The current LTS release.
export DIB_RELEASE=${DIB_RELEASE:-noble}
# Comma separated, as in DIB; Ubuntu's cloud packages (cloud-init's helpers and more) are in universe.
export DIB_DEBIAN_COMPONENTS=${DIB_DEBIAN_COMPONENTS:-main,universe}
export DIB_INIT_SYSTEM=${DIB_INIT_SYSTEM:-systemd}
export EFI_BOOT_DIR=${EFI_BOOT_DIR:-EFI/ubuntu}
# Ubuntu serves amd64 and i386 from its archive, every other architecture from its ports archive.
case "${ARCH:-amd64}" in
    amd64|i386) ubuntu_default_mirror=http://archive.ubuntu.com/ubuntu ;;
    *) ubuntu_default_mirror=http://ports.ubuntu.com/ubuntu-ports ;;
esac
export DIB_DISTRIBUTION_MIRROR=${DIB_DISTRIBUTION_MIRROR:-$ubuntu_default_mirror}
unset ubuntu_default_mirror
