#!/bin/bash
# Same layout kind as block-device-efi, for hooks that ask; Power firmware has no EFI.
case "${ARCH:-}" in
    ppc64 | ppc64le | ppc64el)
        echo "block-device-efi-4k: no EFI on ${ARCH}; use block-device-gpt or block-device-mbr" >&2
        exit 1
        ;;
esac
export DIB_BLOCK_DEVICE=efi
