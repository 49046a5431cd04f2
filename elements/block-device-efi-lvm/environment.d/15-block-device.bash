# The layout family, as DIB's block-device elements export it.
export DIB_BLOCK_DEVICE=efi
