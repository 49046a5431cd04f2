# 1 keeps the packages the bootstrap installed at their versions (no dist-upgrade in install.d).
export DIB_AVOID_PACKAGES_UPDATE=${DIB_AVOID_PACKAGES_UPDATE:-0}
# 1 leaves out base's packages: the iSCSI initiator and the apt tools.
export DIB_SKIP_BASE_PACKAGE_INSTALL=${DIB_SKIP_BASE_PACKAGE_INSTALL:-0}
