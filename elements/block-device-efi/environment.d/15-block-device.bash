#!/bin/bash
# The layout this element gives, for hooks that depend on it (DIB exports the same).
export DIB_BLOCK_DEVICE=efi
