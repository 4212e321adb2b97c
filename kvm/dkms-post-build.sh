#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# dkms POST_BUILD of kvm-dirtyquota: keeps what a module built against the
# patched KVM needs, its headers overlay and Module.symvers, in the layout of
# kvm/build.sh's OUT_DIR, at KEEP_DIR (see dkms.conf).
#
#   dkms-post-build.sh OUT_DIR KEEP_DIR

set -eu

out=$1 keep=$2

rm -rf "$keep"
mkdir -p "$keep/arch/x86/kvm"
cp -R "$out/include" "$keep/"
cp -R "$out/arch/x86/include" "$keep/arch/x86/"
cp "$out/arch/x86/kvm/Module.symvers" "$keep/arch/x86/kvm/"
