#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Whether the patched KVM keeps the distro kernel's kABI.
#
#   kvm/kabi-check.sh KERNEL_SYMVERS KVM_SYMVERS
#
# KERNEL_SYMVERS is the kernel's own Module.symvers (linux-headers ships
# it), KVM_SYMVERS the one kvm/build.sh wrote.  Every symbol that the
# kernel's KVM modules export must be exported by the patched build with
# the same CRC: other modules built against the stock KVM (i915's
# kvmgt.ko) import them, and with CONFIG_MODVERSIONS a different CRC
# keeps them from loading.  Symbols the series adds are listed, not
# judged.  Prints one line per symbol that differs or is missing and
# exits 1 if there is any, or if the kernel's file names no KVM export.

set -euo pipefail

[[ $# -eq 2 ]] || { echo "usage: $0 KERNEL_SYMVERS KVM_SYMVERS" >&2; exit 2; }
for f in "$1" "$2"; do
	[[ -r $f ]] || { echo "kabi: cannot read $f" >&2; exit 2; }
done

# Module.symvers: CRC, symbol, module path, export type, namespace.
awk -F '\t' '
	NR == FNR {
		if ($3 ~ /(^|\/)arch\/x86\/kvm\/kvm(-amd|-intel)?$/) {
			crc[$2] = $1
			n++
		}
		next
	}
	$3 ~ /\/kvm(-amd|-intel)?$/ { got[$2] = $1 }
	END {
		if (!n) {
			print "kabi: the kernel exports no KVM symbol: wrong Module.symvers?"
			exit 1
		}
		for (s in crc) {
			if (!(s in got)) {
				print "kabi: " s ": no longer exported"
				bad++
			} else if (got[s] != crc[s]) {
				print "kabi: " s ": CRC " got[s] ", the kernel has " crc[s]
				bad++
			}
		}
		for (s in got)
			if (!(s in crc))
				added = added " " s
		printf "kabi: %d of %d KVM exports keep their CRC", n - bad, n
		if (added)
			printf "; new:%s", added
		printf "\n"
		exit bad > 0
	}' "$1" "$2"
