#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make check, after the build: the host unit tests, then the sandbox run,
# counted together in one last line "N passed, N failed, N skipped".
#
#   sandbox/check.sh --image-dir DIR --kvm-dir DIR --module KO
#                    --selftests DIR --unit DIR [--unit DIR...] --out DIR
#                    [--qemu-bundle FILE]
#
# --qemu-bundle: stock QEMU and its guest for selftests/qemu_test
# (sandbox/qemu-bundle.sh), appended to the sandbox's initramfs.

set -euo pipefail

units=() bundle=()
while (($#)); do
	case $1 in
	--image-dir) image=$2 ;;
	--kvm-dir) kvm=$2 ;;
	--module) module=$2 ;;
	--selftests) tests=$2 ;;
	--unit) units+=("$2") ;;
	--out) out=$2 ;;
	--qemu-bundle) bundle=(--append "$2") ;;
	*) echo "check: unknown argument $1" >&2; exit 2 ;;
	esac
	shift 2
done
mkdir -p "$out"

# cmocka speaks TAP when asked to.
passed=0 failed=0 skipped=0
for t in $(for u in "${units[@]}"; do ls "$u"/test_*; done); do
	CMOCKA_MESSAGE_OUTPUT=TAP "$t" >"$out/$(basename "$t").tap" 2>&1 || true
	p=$(grep -c '^ok ' "$out/$(basename "$t").tap" || true)
	f=$(grep -c '^not ok ' "$out/$(basename "$t").tap" || true)
	echo "check: host: $(basename "$t"): $p passed, $f failed"
	grep -A3 '^not ok ' "$out/$(basename "$t").tap" | sed 's/^/  | /' || true
	passed=$((passed + p)) failed=$((failed + f))
done

echo "check: booting the sandbox ($(basename "$image"))"
sandbox/mkinitramfs.sh --image-dir "$image" --kvm-dir "$kvm" \
	--module "$module" --tests "$tests" --out "$out/initrd.gz" "${bundle[@]}"
sandbox/run.sh --kernel "$(ls "$image"/boot/vmlinuz-*)" --initrd "$out/initrd.gz" \
	--out "$out/sandbox" --host-counts "$passed,$failed,$skipped"
