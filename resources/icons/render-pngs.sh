#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Renders the hicolor PNGs of batchmon.svg (committed, so the build needs no SVG renderer).
# Needs rsvg-convert (Debian: librsvg2-bin). Run it again after changing the SVG.
set -eu
cd "$(dirname "$0")"
for size in 16 22 24 32 48 64 128 256; do
    rsvg-convert -w "$size" -h "$size" batchmon.svg -o "batchmon-$size.png"
done
