#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Builds the debug kernel of `make check-debug` from the distro's kernel
# source: `tinyconfig` with a config fragment merged over it, the kernel and
# its modules (irqbypass, ccp, kvm, kvm-amd).  The result is cached in
# $DQ_CACHE under a key made of the source tarball, the fragment and the
# compiler, so only the first run pays (some 25 CPU-minutes: 12 minutes on
# 2 idle cores).
#
#   sandbox/debug-kernel.sh SOURCE_TARBALL CONFIG_FRAGMENT
#
# Prints the directory it is in, which holds src/ and build/: build/ is the
# object tree to build modules against (KDIR), with
# build/arch/x86/boot/bzImage.  Progress goes to stderr.

set -euo pipefail

say() { echo "debug-kernel: $*" >&2; }
die() { echo "debug-kernel: $*" >&2; exit 1; }

[[ $# -eq 2 ]] || die "usage: $0 SOURCE_TARBALL CONFIG_FRAGMENT"
tarball=$1 fragment=$(realpath "$2")
[[ -r $tarball ]] || die "no kernel source $tarball (install the matching linux-source package)"
[[ -r $fragment ]] || die "no config fragment $fragment"

top=$(basename "$tarball" .tar.xz)
cache=${DQ_CACHE:-/var/cache/dirtyquota}
key=$({ sha256sum <"$tarball"; cat "$fragment"; gcc --version | head -n 1; } |
	sha256sum | cut -c 1-16)
dir=$cache/debug-$top-$key

mkdir -p "$cache"
exec 9>"$dir.lock"
flock 9
if [[ -f $dir/.done ]]; then
	say "cached in $dir"
	echo "$dir"
	exit 0
fi

# The object tree names its source by absolute path: build in place, and
# only .done says the directory is whole.
start=$SECONDS
rm -rf "$dir" && mkdir -p "$dir/src" "$dir/build"
say "extracting $top into $dir"
tar -xJf "$tarball" -C "$dir/src" --strip-components=1

kmake() { make -C "$dir/src" O="$dir/build" "$@"; }
kmake -s tinyconfig >/dev/null
"$dir/src/scripts/kconfig/merge_config.sh" -m -O "$dir/build" \
	"$dir/build/.config" "$fragment" >/dev/null
kmake -s olddefconfig >/dev/null

# Kconfig drops what it cannot satisfy, silently: every line must hold.
bad=$(awk '
	FNR == NR { if (/^CONFIG_/ || /^# CONFIG_.* is not set$/) want[NR] = $0; next }
	{ have[$0] = 1 }
	END { for (i in want) if (!(want[i] in have)) print "  " want[i] }
' "$fragment" "$dir/build/.config")
[[ -z $bad ]] || die "$(basename "$fragment"): not in the final .config:"$'\n'"$bad"

log=$dir/build.log
say "building Linux $(kmake -s kernelversion) (some 25 CPU-minutes; log in $log)"
kmake -j"$(nproc)" bzImage modules >"$log" 2>&1 &
builder=$!
# A line a minute, so that CI sees the build go on.
last=$SECONDS
while kill -0 "$builder" 2>/dev/null; do
	sleep 5
	if ((SECONDS - last >= 60)); then
		last=$SECONDS
		say "... $((SECONDS - start)) s, $(grep -c '^  CC' "$log") files compiled"
	fi
done
wait "$builder" || { tail -n 40 "$log" >&2; die "the build failed"; }

touch "$dir/.done"
say "built in $((SECONDS - start)) s"
echo "$dir"
