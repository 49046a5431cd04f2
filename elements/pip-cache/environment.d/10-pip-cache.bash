# Inside the chroot (where the hooks directory is /tmp/in_target.d), pip caches in /tmp/pip, which
# root.d filled from the host's cache. Not set outside: it would point host tools at the host's /tmp.
if [ "${TMP_HOOKS_PATH:-}" = /tmp/in_target.d ]; then
    export PIP_CACHE_DIR=/tmp/pip
    export PIP_DOWNLOAD_CACHE=/tmp/pip
fi
