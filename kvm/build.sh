#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Build Debian's KVM modules with the dirtyquota core patch, out of tree.
#
#   kvm/build.sh KVER SOURCE_TARBALL PATCH_DIR OUT_DIR
#
# Only arch/x86/kvm, virt/kvm and the other files the series touches are
# taken from the distro's linux-source tarball.  Headers that the series
# changes or adds (include/, arch/x86/include/) form an overlay that comes
# before the kernel's own headers, through NOSTDINC_FLAGS, for KVM and for
# every module built against it.  The result is OUT_DIR/arch/x86/kvm/*.ko
# and its Module.symvers, and OUT_DIR/include/linux/kvm_dirty_provider.h.

set -euo pipefail

die() { echo "kvm/build.sh: $*" >&2; exit 1; }

[[ $# -eq 4 ]] || die "usage: $0 KVER SOURCE_TARBALL PATCH_DIR OUT_DIR"
kver=$1 tarball=$2 patches=$3 out=$4
kbuild=/lib/modules/$kver/build

[[ -d $kbuild ]] || die "no kernel headers for $kver in $kbuild (install linux-headers-$kver)"
[[ -r $tarball ]] || die "no kernel source $tarball (install the matching linux-source package)"
compgen -G "$patches/0[0-9][0-9][1-9]-*.patch" >/dev/null || die "no patches in $patches"

top=$(basename "$tarball" .tar.xz)	# Debian: linux-source-X.Y/...

# Other files the series modifies, less those it creates.
mapfile -t touched < <(awk '
	/^diff --git /		{ f = substr($4, 3) }
	/^new file mode/	{ new[f] = 1 }
	/^--- a\//		{ old[substr($2, 3)] = 1 }
	END { for (f in old) if (!(f in new) && f !~ /^(arch\/x86\/kvm|virt\/kvm)\//) print f }
' "$patches"/0*-*.patch | sort)

rm -rf "$out.tmp"
mkdir -p "$out.tmp"/{include/uapi,arch/x86/include}
tar -xJf "$tarball" -C "$out.tmp" --strip-components=1 \
	"$top/arch/x86/kvm" "$top/virt/kvm" "${touched[@]/#/$top/}"

for p in "$patches"/0*-*.patch; do
	[[ $(basename "$p") == 0000-* ]] && continue
	patch -s -d "$out.tmp" -p1 --no-backup-if-mismatch <"$p" ||
		die "$(basename "$p") does not apply to $tarball"
done

# Build from this tree rather than $(srctree), headers overlay first.
mk=$out.tmp/arch/x86/kvm/Makefile
sed -i -e 's|\$(srctree)/arch/x86/kvm|$(src)|' \
	-e 's|include \$(srctree)/virt/kvm/Makefile.kvm|include $(src)/../../../virt/kvm/Makefile.kvm|' "$mk"
grep -q '^include $(src)/../../../virt/kvm/Makefile.kvm' "$mk" || die "cannot adapt $mk"
cat >>"$mk" <<'EOF'

# dirtyquota: out-of-tree build, see kvm/build.sh
ccflags-y += -I$(src)/..
NOSTDINC_FLAGS += -I$(src)/../../../include -I$(src)/../../../include/uapi \
		  -I$(src)/../../../arch/x86/include
EOF

rm -rf "$out"
mv "$out.tmp" "$out"
make -C "$kbuild" M="$out/arch/x86/kvm" -j"$(nproc)" modules
