#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make demo: boots the sandbox and runs selftests/dq_demo.c, a VM whose
# vCPUs dirty memory at different rates, first only counted by dirtyquota,
# then held to a VM budget in sleep mode; then selftests/dqctl_demo.sh, the
# same seen and steered from outside the VMM with dqctl.
#
#   sandbox/demo.sh --image-dir DIR --kvm-dir DIR --module KO
#                   --selftests DIR --out DIR

set -euo pipefail

while (($#)); do
	case $1 in
	--image-dir) image=$2 ;;
	--kvm-dir) kvm=$2 ;;
	--module) module=$2 ;;
	--selftests) tests=$2 ;;
	--out) out=$2 ;;
	*) echo "demo: unknown argument $1" >&2; exit 2 ;;
	esac
	shift 2
done

rm -rf "$out/tests" && mkdir -p "$out/tests"
cp "$tests"/{dq_demo,dq_vm,dqctl,dqctl_demo.sh} "$out/tests/"
cat >"$out/tests/runlist" <<'LIST'
insmod /modules/irqbypass.ko
insmod /modules/kvm.ko
insmod /modules/ccp.ko
insmod /modules/kvm-amd.ko
insmod /modules/dirtyquota.ko
./dq_demo
./dqctl_demo.sh
LIST
sandbox/mkinitramfs.sh --image-dir "$image" --kvm-dir "$kvm" \
	--module "$module" --tests "$out/tests" --out "$out/initrd.gz"
sandbox/run.sh --kernel "$(ls "$image"/boot/vmlinuz-*)" --initrd "$out/initrd.gz" \
	--out "$out/sandbox" --timeout 300 --verbose
