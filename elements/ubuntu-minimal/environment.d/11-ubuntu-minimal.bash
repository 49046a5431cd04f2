# The kernel meta package: linux-image-generic, linux-image-virtual, linux-image-kvm (not on arm64)
# or linux-image-hwe (the release's hardware-enablement kernel, linux-generic-hwe-YY.MM).
export DIB_UBUNTU_KERNEL=${DIB_UBUNTU_KERNEL:-linux-image-generic}
# The suites besides the release itself, comma separated: RELEASE-updates, -security, -backports.
export DIB_UBUNTU_MIRROR_DISTS=${DIB_UBUNTU_MIRROR_DISTS:-updates,security,backports}
