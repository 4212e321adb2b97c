#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Builds the sandbox's initramfs: busybox, sandbox/init, the kernel modules
# it loads (Debian's irqbypass and ccp, the patched kvm and kvm-amd,
# dirtyquota) and a test directory that holds the run list.  Debian's
# kvmgt.ko, built against the stock KVM, and the modules it needs go to
# /modules/kabi/, in load order in /modules/kabi/order, for kabi_test.sh;
# a kernel without kvmgt.ko leaves them out.
#
#   sandbox/mkinitramfs.sh --image-dir DIR --kvm-dir DIR [--module KO]
#                          --tests DIR --out FILE [--modules-dir DIR]
#                          [--append FILE]
#
# --image-dir: the unpacked Debian kernel image (boot/, lib/modules/)
# --modules-dir: where irqbypass and ccp are instead, in the kernel tree's
#              layout (a kernel's object tree; then --image-dir is not needed)
# --kvm-dir:   where kvm.ko and kvm-amd.ko are
# --tests:     copied to /tests; must hold a file "runlist" (see init)
# --append:    a compressed cpio archive appended as it is (the kernel
#              unpacks one after the other): sandbox/qemu-bundle.sh's

set -euo pipefail

usage() { sed -n '5,18s/^# \{0,1\}//p' "$0"; exit "${1:-2}"; }
die() { echo "mkinitramfs: $*" >&2; exit 1; }

image= kvm= module= tests= out= mods= extra=
while (($#)); do
	case $1 in
	--image-dir) image=$2; shift 2 ;;
	--kvm-dir) kvm=$2; shift 2 ;;
	--module) module=$2; shift 2 ;;
	--tests) tests=$2; shift 2 ;;
	--out) out=$2; shift 2 ;;
	--modules-dir) mods=$2; shift 2 ;;
	--append) extra=$2; shift 2 ;;
	-h|--help) usage 0 ;;
	*) usage ;;
	esac
done
[[ -n $image$mods && -n $kvm && -n $tests && -n $out ]] || usage
[[ -f $tests/runlist ]] || die "$tests/runlist is missing"

[[ -n $mods ]] || mods=$(echo "$image"/lib/modules/*/kernel)
root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT

# mktemp made it 0700: let the tests' unprivileged users walk the tree.
chmod 0755 "$root"
mkdir -p "$root"/{bin,sbin,dev,proc,sys,tmp,modules,tests}
cp /bin/busybox "$root/bin/"
for applet in $(/bin/busybox --list); do
	[[ $applet == busybox ]] || ln -sf busybox "$root/bin/$applet"
done
cp "$(dirname "$0")/init" "$root/init"

# ko_copy FILE DEST: a module, uncompressed (6.12 ships .ko.xz).
ko_copy() {
	if [[ $1 == *.xz ]]; then
		xz -dc "$1" >"$2"
	else
		cp "$1" "$2"
	fi
}
# Debian's own modules (or --modules-dir's).
for m in virt/lib/irqbypass drivers/crypto/ccp/ccp; do
	f=$mods/$m.ko
	[[ -f $f ]] || f=$f.xz
	ko_copy "$f" "$root/modules/$(basename "$m").ko"
done
cp "$kvm/kvm.ko" "$kvm/kvm-amd.ko" "$root/modules/"

# kvmgt.ko and what it depends on, dependencies first; KVM is ours.
declare -A kos=()
while read -r f; do
	n=$(basename "$f"); n=${n%.xz}; n=${n%.ko}
	kos[${n//-/_}]=$f
done < <(find "$mods" -name '*.ko' -o -name '*.ko.xz')
kabi_order=()
kabi_visit() {
	local m=$1 d
	[[ $m == kvm || $m == irqbypass || " ${kabi_order[*]} " == *" $m "* ]] && return
	[[ -n ${kos[$m]:-} ]] || die "kvmgt.ko needs $m, which $mods lacks"
	for d in $(modinfo -F depends "${kos[$m]}" | tr , ' '); do
		kabi_visit "${d//-/_}"
	done
	kabi_order+=("$m")
}
if [[ -n ${kos[kvmgt]:-} ]]; then
	kabi_visit kvmgt
	mkdir -p "$root/modules/kabi"
	for m in "${kabi_order[@]}"; do
		ko_copy "${kos[$m]}" "$root/modules/kabi/$m.ko"
		echo "$m" >>"$root/modules/kabi/order"
	done
fi
[[ -z $module ]] || cp "$module" "$root/modules/"
cp -r "$tests"/. "$root/tests/"

(cd "$root" && find . | cpio -o -H newc --quiet | gzip -1) >"$out"
[[ -z $extra ]] || cat "$extra" >>"$out"
