#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# dkms PRE_BUILD of dirtyquota: dirtyquota.ko builds against the patched
# KVM's headers and Module.symvers that the kvm-dirtyquota package installed
# for the same kernel keeps in KVM_DIR (kvm/dkms-post-build.sh).  Without
# them, say what to install rather than fail on undefined symbols.
#
#   dkms-pre-build.sh KVM_DIR KVER VERSION

kvm=$1 kver=$2 version=$3

[ -f "$kvm/include/linux/kvm_dirty_provider.h" ] &&
	[ -f "$kvm/arch/x86/kvm/Module.symvers" ] && exit 0
echo "dirtyquota: needs KVM with the dirtyquota core patch for $kver:" \
	"dkms install kvm-dirtyquota/$version -k $kver" >&2
exit 1
