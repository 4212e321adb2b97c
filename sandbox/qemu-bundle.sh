#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Builds the part of the sandbox's initramfs that the stock-QEMU test
# (selftests/qemu_test.c) needs: this host's Debian qemu-system-x86_64 with
# the shared libraries it links and the firmware it loads, at their own
# paths, and the test's guest as /guest/bare.elf.  The kernel takes it
# appended to the sandbox's own initramfs (both are cpio archives).
#
#   sandbox/qemu-bundle.sh --guest ELF --out FILE

set -euo pipefail

usage() { sed -n '5,11s/^# \{0,1\}//p' "$0"; exit "${1:-2}"; }
die() { echo "qemu-bundle: $*" >&2; exit 1; }

guest= out=
while (($#)); do
	case $1 in
	--guest) guest=$2; shift 2 ;;
	--out) out=$2; shift 2 ;;
	-h|--help) usage 0 ;;
	*) usage ;;
	esac
done
[[ -n $guest && -n $out ]] || usage
qemu=$(command -v qemu-system-x86_64) || die "no qemu-system-x86_64: install qemu-system-x86"

root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
chmod 0755 "$root"

# The VMM and what the dynamic linker loads for it, at the same paths.
copy() { mkdir -p "$root$(dirname "$1")" && cp -L "$1" "$root$1"; }
copy "$qemu"
ldd "$qemu" | awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\// { print $1 }' |
	while read -r lib; do copy "$lib"; done
# What a pc machine loads to boot a multiboot kernel with -kernel (Debian's
# firmware path holds /usr/share/qemu and /usr/share/seabios).
for f in /usr/share/seabios/bios-256k.bin /usr/share/qemu/kvmvapic.bin \
	 /usr/share/qemu/multiboot_dma.bin /usr/share/qemu/multiboot.bin; do
	[[ -e $f ]] || die "no $f: install qemu-system-x86 and seabios"
	copy "$f"
done
install -D -m 0644 "$guest" "$root/guest/bare.elf"

(cd "$root" && find . | cpio -o -H newc --quiet | gzip -1) >"$out"
echo "qemu-bundle: $(du -h "$out" | cut -f1) for $("$qemu" --version | head -n 1)"
