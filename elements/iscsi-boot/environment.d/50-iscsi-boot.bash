#!/bin/bash
# With dracut making the initrd (dracut-regenerate in the build), ask it for network and iSCSI root
# support. Sorted after dracut-regenerate's default, so the default list is kept and extended.
if [[ " ${IMAGE_ELEMENT:-} " == *" dracut-regenerate "* ]]; then
    if [[ ${DISTRO_NAME:-} =~ ^(debian|ubuntu)$ ]]; then
        # Debian ships dracut's network and iscsi modules in dracut-network; its network-legacy
        # module also needs ip and pgrep, which a minimal tree lacks.
        DIB_DRACUT_ENABLED_MODULES+=$'\n- name: network\n  packages: [dracut-network, iproute2, procps]\n- name: iscsi\n'
    else
        DIB_DRACUT_ENABLED_MODULES+=$'\n- name: network\n- name: iscsi\n'
    fi
    export DIB_DRACUT_ENABLED_MODULES
fi
