#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Installs what building and testing dirtyquota needs on Debian 12, for one
# pinned Debian kernel: its headers and source with apt-get, and its image
# unpacked into $DQ_CACHE (the host's own kernel is left alone).
#
#   scripts/install-deps.sh [KERNEL_ABI [PACKAGE...]]
#
# PACKAGEs are what one target needs on top (make bench: gnuplot).
# The pins below are the one place that names kernel versions.

set -euo pipefail

declare -A deb_version=(
	[6.1.0-56-amd64]=6.1.192-2
	[6.12.117+deb12-amd64]=6.12.117-1~deb12u1
)
declare -A source_pkg=(
	[6.1.0-56-amd64]=linux-source-6.1
	[6.12.117+deb12-amd64]=linux-source-6.12
)

abi=${1:-6.1.0-56-amd64}
shift $(($# ? 1 : 0))
cache=${DQ_CACHE:-/var/cache/dirtyquota}
ver=${deb_version[$abi]:-}
src=${source_pkg[$abi]:-}

say() { echo "deps: $*"; }
die() { echo "deps: $*" >&2; exit 1; }

[[ -n $ver ]] || die "no pin for kernel $abi (pins are in $0)"
[[ $(id -u) == 0 ]] || die "run as root: packages are installed with apt-get"

tools=(qemu-system-x86 busybox-static cpio gzip xz-utils kmod patch make gcc
       libc6-dev libcmocka-dev libnl-genl-3-dev libnl-3-dev pkg-config flex
       bison libelf-dev bc rsync sparse python3-yaml python3-jsonschema
       debootstrap e2fsprogs)
pkgs=("linux-headers-$abi=$ver" "$src=$ver" "${tools[@]}" "$@")

missing=()
for p in "${pkgs[@]}"; do
	name=${p%%=*} want=${p#*=}
	have=$(dpkg-query -W -f='${db:Status-Abbrev}${Version}' "$name" 2>/dev/null || true)
	if [[ $p == *=* ]]; then
		[[ $have == "ii $want" ]] || missing+=("$p")
	else
		[[ $have == ii* ]] || missing+=("$p")
	fi
done

if ((${#missing[@]})); then
	say "installing ${missing[*]}"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq
	for p in "${missing[@]}"; do
		[[ $p == *=* ]] || continue
		apt-cache show "$p" >/dev/null 2>&1 ||
			die "${p%%=*} version ${p#*=} is not available from the package mirrors; the pin is in $0"
	done
	apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

image=$cache/image-$abi
if [[ ! -f $image/.done ]]; then
	say "unpacking linux-image-$abi $ver into $image"
	rm -rf "$image" && mkdir -p "$image/deb"
	chown _apt "$image/deb" 2>/dev/null || true
	(cd "$image/deb" && apt-get download -qq "linux-image-$abi=$ver") ||
		die "linux-image-$abi version $ver is not available; the pin is in $0"
	dpkg-deb -x "$image"/deb/*.deb "$image"
	rm -rf "$image/deb"
	touch "$image/.done"
fi
say "kernel $abi ($ver): headers, source and image ready"
