#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# checkpatch --strict, from the distro's kernel source, over the core patch
# series and the module's files.
#
#   scripts/checkpatch.sh SOURCE_TARBALL "PATCH_DIR..." FILE...

set -euo pipefail

tarball=$1 patches=$2
shift 2
top=$(basename "$tarball" .tar.xz)
dir=${DQ_CACHE:-/var/cache/dirtyquota}/checkpatch-$top

if [[ ! -f $dir/.done || $dir/.done -ot $tarball ]]; then
	echo "style: extracting checkpatch from $tarball"
	rm -rf "$dir" && mkdir -p "$dir"
	tar -xJf "$tarball" -C "$dir" --strip-components=1 \
		"$top/scripts/checkpatch.pl" "$top/scripts/spelling.txt" \
		"$top/scripts/const_structs.checkpatch"
	touch "$dir/.done"
fi

cp=("$dir/scripts/checkpatch.pl" --strict --no-tree --terse --show-types
    --ignore FILE_PATH_CHANGES,SPDX_LICENSE_TAG)
# checkpatch misreads patches inside a git work tree as files: run it from
# outside, on absolute paths.
read -ra dirs <<<"$patches"
patches=()
for d in "${dirs[@]}"; do patches+=("$(realpath "$d")"/0*-*.patch); done
files=()
for f in "$@"; do files+=("$(realpath "$f")"); done
cd "$dir"
ret=0
for p in "${patches[@]}"; do
	[[ $(basename "$p") == 0000-* ]] && continue
	# FILE_PATH_CHANGES: MAINTAINERS lists include/linux/kvm* already.
	"${cp[@]}" "$p" || ret=1
done
# SPDX_LICENSE_TAG: without a tree checkpatch cannot see LICENSES/.
"${cp[@]}" -f "${files[@]}" || ret=1
[[ $ret == 0 ]] && echo "style: checkpatch --strict clean"
exit $ret
