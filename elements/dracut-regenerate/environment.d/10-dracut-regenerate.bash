#!/bin/bash
# The dracut modules (and the packages each needs) that finalise.d adds to the boot initrd: a YAML
# list, as DIB_DRACUT_ENABLED_MODULES takes it.
DIB_DRACUT_ENABLED_MODULES_DEFAULT_CONFIG=$'- name: crypt\n  packages:\n    - cryptsetup\n'
DIB_DRACUT_ENABLED_MODULES_DEFAULT_CONFIG+=$'- name: lvm\n  packages:\n    - lvm2\n'
export DIB_DRACUT_ENABLED_MODULES_DEFAULT_CONFIG
export DIB_DRACUT_ENABLED_MODULES=${DIB_DRACUT_ENABLED_MODULES:-$DIB_DRACUT_ENABLED_MODULES_DEFAULT_CONFIG}
