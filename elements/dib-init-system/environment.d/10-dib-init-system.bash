# Exports DIB_INIT_SYSTEM for every hook, guessed from the tree unless the caller set it.
if [ -z "${DIB_INIT_SYSTEM:-}" ]; then
    DIB_INIT_SYSTEM=$("$(dirname "${BASH_SOURCE[0]}")/../bin/dib-init-system")
fi
export DIB_INIT_SYSTEM
