#!/bin/bash
# The sector size the source image (DIB_LOCAL_IMAGE) was made for: 512, or 4096 for an image built
# with block-device-efi-4k.
export DIB_SOURCE_BLOCK_SIZE=${DIB_SOURCE_BLOCK_SIZE:-512}
# What DIB sets for the elements it pulls in: the tree's packages are not touched.
export DIB_SKIP_GRUB_PACKAGE_INSTALL=True
export DIB_SKIP_BASE_PACKAGE_INSTALL=1
export DIB_AVOID_PACKAGES_UPDATE=1
