#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Debian's kvmgt.ko (i915 GVT-g), built against the stock KVM, loads
# against the patched one: every KVM symbol it imports kept its CRC (see
# kvm/kabi-check.sh, which compares them all at build time).  The modules
# are in /modules/kabi/, in load order in /modules/kabi/order
# (sandbox/mkinitramfs.sh); run after kvm.ko is loaded.

dir=/modules/kabi
n=0 failed=0

check() {
	n=$((n + 1))
	what=$1
	shift
	if "$@"; then
		echo "ok $n - $what"
	else
		echo "not ok $n - $what"
		failed=$((failed + 1))
	fi
}

echo "1..3"
if [ ! -f $dir/order ]; then
	for i in 1 2 3; do
		echo "ok $i - # SKIP this kernel ships no kvmgt.ko"
	done
	exit 0
fi
mods=$(cat $dir/order)

loaded=
load_all() {
	for m in $mods; do
		insmod $dir/$m.ko || { echo "# insmod $m.ko failed"; return 1; }
		loaded="$m $loaded"
	done
}
check "kvmgt.ko and what it needs ($(echo $mods | tr ' ' ,)) load" load_all
check "no module disagrees about a symbol's version" \
	sh -c '! dmesg | grep -i "disagrees about version"'

unload_all() {
	for m in $loaded; do
		rmmod "$m" || { echo "# rmmod $m failed"; return 1; }
	done
}
check "and unload again" unload_all
[ $failed = 0 ]
