#!/bin/bash
# Read by jdib: make no disk image (tree outputs are still written).
export JDIB_NO_FINAL_IMAGE=1
