# Settings of the apt/dpkg glue; every one can be set by the caller.
# A directory of extra apt keys (.gpg or .asc files) that apt inside the image trusts.
export DIB_ADD_APT_KEYS=${DIB_ADD_APT_KEYS:-}
# 0: do not share downloaded .deb files between builds through $DIB_IMAGE_CACHE/apt.
export DIB_APT_LOCAL_CACHE=${DIB_APT_LOCAL_CACHE:-1}
# 1: leave apt's downloaded archives and package lists in the image.
export DIB_DISABLE_APT_CLEANUP=${DIB_DISABLE_APT_CLEANUP:-0}
