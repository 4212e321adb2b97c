#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Build Debian's KVM modules with the dirtyquota core patch, out of tree.
#
#   kvm/build.sh KVER SOURCE_TARBALL PATCH_DIR OUT_DIR VERSION
#   kvm/build.sh --check KVER SOURCE_TARBALL PATCH_DIR
#
# The source must be the target kernel's own: the same upstream release as
# its headers and, when dpkg knows both, the same Debian version.  --check
# only checks that (dkms runs it first, where its message is seen).
#
# Only arch/x86/kvm, virt/kvm and the other files the series touches are
# taken from the distro's linux-source tarball.  Headers that the series
# changes or adds (include/, arch/x86/include/) form an overlay that comes
# before the kernel's own headers, through NOSTDINC_FLAGS, for KVM and for
# every module built against it; it includes a generated/autoconf.h with
# the Kconfig symbols the series selects.  The result is
# OUT_DIR/arch/x86/kvm/*.ko and its Module.symvers, and the overlay
# (OUT_DIR/include/linux/kvm_dirty_provider.h and the rest);
# every export keeps the CRC it has in the kernel's Module.symvers, or the
# build fails (kvm/kabi-check.sh).
# KDIR=DIR builds against another kernel's object tree than
# /lib/modules/KVER/build (the debug kernel of `make check-debug`).
# The three modules get MODULE_VERSION "dirtyquota-VERSION": dkms does not
# replace an in-tree module by one that has no version.

set -euo pipefail

die() { echo "kvm/build.sh: $*" >&2; exit 1; }

check=
[[ ${1:-} == --check ]] && check=1 && shift
if [[ $check ]]; then
	[[ $# -eq 3 ]] || die "usage: $0 --check KVER SOURCE_TARBALL PATCH_DIR"
else
	[[ $# -eq 5 ]] || die "usage: $0 KVER SOURCE_TARBALL PATCH_DIR OUT_DIR VERSION"
fi
kver=$1 tarball=$2 patches=$3 out=${4:+$(realpath -m -- "$4")} version=${5:-}
kbuild=${KDIR:-/lib/modules/$kver/build}
top=$(basename "$tarball" .tar.xz)	# Debian: linux-source-X.Y/...

[[ -d $kbuild ]] || die "no kernel headers for $kver in $kbuild: install linux-headers-$kver"
compgen -G "$patches/0[0-9][0-9][1-9]-*.patch" >/dev/null ||
	die "no core patch for $kver in $patches (there is one for: $(ls "$(dirname "$patches")" 2>/dev/null | xargs))"

# The kernel's release and Debian version (6.1.192, 6.1.192-2), the source's.
krel=$(make -s --no-print-directory -C "$kbuild" kernelversion 2>/dev/null || true)
[[ $krel ]] || die "cannot read the kernel version from $kbuild"
kdeb=$(sed -n 's/^#define LINUX_PACKAGE_ID " Debian \(.*\)"$/\1/p' \
	"$kbuild/include/generated/package.h" 2>/dev/null || true)
want="linux-source-${krel%.*}${kdeb:+=$kdeb}"
[[ -r $tarball ]] || die "no kernel source $tarball for $kver: install $want"
srel=$(tar -xJOf "$tarball" --occurrence "$top/Makefile" 2>/dev/null | awk '
	$1 == "VERSION" { v = $3 } $1 == "PATCHLEVEL" { p = $3 }
	$1 == "SUBLEVEL" { s = $3 } $1 == "EXTRAVERSION" { e = $3 }
	$1 == "NAME" { print v "." p "." s e; exit }' || true)
[[ $srel == "$krel" ]] ||
	die "$tarball is Linux ${srel:-unknown}, kernel $kver is Linux $krel: install $want"
spkg=$(dpkg-query -S "$tarball" 2>/dev/null | cut -d: -f1 || true)
sdeb=$(dpkg-query -W -f='${Version}' "$spkg" 2>/dev/null || true)
[[ -z $kdeb || -z $sdeb || $sdeb == "$kdeb" ]] ||
	die "$tarball is $spkg $sdeb, kernel $kver is Debian $kdeb: install $want"
[[ $check ]] && exit 0

# Other files the series modifies, less those it creates.
mapfile -t touched < <(awk '
	/^diff --git /		{ f = substr($4, 3) }
	/^new file mode/	{ new[f] = 1 }
	/^--- a\//		{ old[substr($2, 3)] = 1 }
	END { for (f in old) if (!(f in new) && f !~ /^(arch\/x86\/kvm|virt\/kvm)\//) print f }
' "$patches"/0*-*.patch | sort)

rm -rf "$out.tmp"
mkdir -p "$out.tmp"/{include/uapi,arch/x86/include}
# Debian's tarball is xz in many blocks: decompress them on every CPU
# (DKMS runs this on the host being installed, or in a slow guest).
tar -I 'xz -T0' -xf "$tarball" -C "$out.tmp" --strip-components=1 \
	"$top/arch/x86/kvm" "$top/virt/kvm" "${touched[@]/#/$top/}"

for p in "$patches"/0*-*.patch; do
	[[ $(basename "$p") == 0000-* ]] && continue
	patch -s -d "$out.tmp" -p1 --no-backup-if-mismatch <"$p" ||
		die "$(basename "$p") does not apply to $tarball"
done

# The Kconfig symbols that the series adds and the architecture selects
# (HAVE_KVM_DIRTY_QUOTA) are not in the kernel's configuration, which an
# out-of-tree build cannot change: the overlay gets a generated/autoconf.h,
# the kernel's own plus those, which <linux/kconfig.h> finds first.
mapfile -t selects < <(sed -n 's/^+\tselect \([A-Z0-9_]*\)$/\1/p' \
	"$patches"/0*-*.patch | sort -u)
autoconf=$kbuild/include/generated/autoconf.h
[[ -r $autoconf ]] || die "no $autoconf: the kernel headers are incomplete"
mkdir -p "$out.tmp/include/generated"
cp "$autoconf" "$out.tmp/include/generated/autoconf.h"
for sym in "${selects[@]}"; do
	grep -q "^#define CONFIG_$sym 1\$" "$autoconf" && continue
	grep -q "^config $sym\$" "$out.tmp/virt/kvm/Kconfig" ||
		die "the series selects $sym, which it does not define"
	echo "#define CONFIG_$sym 1" >>"$out.tmp/include/generated/autoconf.h"
done

# One file per module, the one with its MODULE_LICENSE.
for f in virt/kvm/kvm_main.c arch/x86/kvm/svm/svm.c arch/x86/kvm/vmx/vmx.c; do
	grep -q '^MODULE_LICENSE' "$out.tmp/$f" || die "cannot set MODULE_VERSION in $f"
	echo "MODULE_VERSION(\"dirtyquota-$version\");" >>"$out.tmp/$f"
done

# Build from this tree rather than $(srctree), headers overlay first.
mk=$out.tmp/arch/x86/kvm/Makefile
sed -i -e 's|\$(srctree)/arch/x86/kvm|$(src)|' \
	-e 's|include \$(srctree)/virt/kvm/Makefile.kvm|include $(src)/../../../virt/kvm/Makefile.kvm|' "$mk"
grep -q '^include $(src)/../../../virt/kvm/Makefile.kvm' "$mk" || die "cannot adapt $mk"
cat >>"$mk" <<'EOM'

# dirtyquota: out-of-tree build, see kvm/build.sh
ccflags-y += -I$(src)/..
NOSTDINC_FLAGS += -I$(src)/../../../include -I$(src)/../../../include/uapi \
		  -I$(src)/../../../arch/x86/include
EOM

rm -rf "$out"
mv "$out.tmp" "$out"
make -C "$kbuild" M="$out/arch/x86/kvm" -j"$(nproc)" modules

# Modules built against the stock KVM (i915's kvmgt.ko) must still load.
if [[ -r $kbuild/Module.symvers ]]; then
	"$(dirname "$0")/kabi-check.sh" "$kbuild/Module.symvers" \
		"$out/arch/x86/kvm/Module.symvers" ||
		die "the patched KVM would keep other modules from loading (above)"
else
	echo "kvm/build.sh: $kbuild has no Module.symvers: the kABI is not checked" >&2
fi
