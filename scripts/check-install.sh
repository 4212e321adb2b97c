#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make check-install: follows the README's install instructions on a real
# Debian 12 system, booted under QEMU, and checks what they installed.
#
#   scripts/check-install.sh --abi KERNEL_ABI --selftests DIR --out DIR
#                            [--worktree] [--timeout SECONDS] [--smp N]
#                            [--shell]
#   scripts/check-install.sh --abi KERNEL_ABI --rootfs-only
#
# The guest is a minimal Debian 12 root filesystem made with debootstrap,
# with systemd, git and both pinned Debian kernel images installed as
# packages (pins: scripts/install-deps.sh).  It is built once and cached as
# a raw ext4 image in $DQ_CACHE/install-rootfs-<key>, the key being a hash of
# everything that went into it; the guest writes to a throwaway snapshot.
# QEMU boots that kernel and its initrd (TCG, -cpu EPYC,+svm, user-mode
# networking to the Debian mirror); a systemd unit runs
# sandbox/install/guest.sh from a second disk that also holds the repository
# (a clone of HEAD: what is tested is what is committed; --worktree takes
# the working tree instead, for local iteration) and dq_vm from DIR.
# The guest runs the README's install block line by line, a VM, dqctl
# show/set, the uninstall block, and reports each step on its second serial
# port.  The run fails on a failed step, a kernel splat, a missing success
# token or a timeout (the console's tail is shown).  Last line:
# "N passed, N failed".  --shell boots the guest with a root shell on the
# console instead (the disk is a snapshot: nothing is kept).
# --rootfs-only builds the cached root filesystem and stops (CI does it
# while other checks run); a lock keeps two builds from racing.

set -euo pipefail

usage() { sed -n '5,30s/^# \{0,1\}//p' "$0"; exit "${1:-2}"; }
say() { echo "check-install: $*"; }
die() { echo "check-install: $*" >&2; exit 1; }

abi= tests= out= worktree=0 timeout=3600 smp=2 shell=0 rootfs_only=0
while (($#)); do
	case $1 in
	--abi) abi=$2; shift 2 ;;
	--selftests) tests=$2; shift 2 ;;
	--out) out=$2; shift 2 ;;
	--worktree) worktree=1; shift ;;
	--timeout) timeout=$2; shift 2 ;;
	--smp) smp=$2; shift 2 ;;
	--shell) shell=1; shift ;;
	--rootfs-only) rootfs_only=1; shift ;;
	-h|--help) usage 0 ;;
	*) usage ;;
	esac
done
[[ -n $abi ]] || usage
if ! ((rootfs_only)); then
	[[ -n $tests && -n $out ]] || usage
	[[ -x $tests/dq_vm ]] || die "no $tests/dq_vm: run make first"
fi
[[ $(id -u) == 0 ]] || die "run as root: debootstrap needs it"

top=$(cd "$(dirname "$0")/.." && pwd)
cache=${DQ_CACHE:-/var/cache/dirtyquota}
mirror=http://deb.debian.org/debian
suite=bookworm

# pin ABI: the Debian version of linux-image-ABI, from the one place.
pin() {
	awk -v k="[$1]=" 'index($1, k) == 1 { print substr($1, length(k) + 1); exit }' \
		"$top/scripts/install-deps.sh"
}
abis=(6.1.0-56-amd64 6.12.117+deb12-amd64)
[[ " ${abis[*]} " == *" $abi "* ]] || die "no guest kernel for $abi (known: ${abis[*]})"
kernels=()
for a in "${abis[@]}"; do
	v=$(pin "$a")
	[[ -n $v ]] || die "no pin for $a in scripts/install-deps.sh"
	kernels+=("linux-image-$a=$v")
done

# What the guest's system has before the README runs: enough to boot with
# systemd and the network, git (the user cloned this repository), the
# kernels.  Everything else must come from the README.
include=systemd-sysv,udev,kmod,procps,iproute2,netbase,ca-certificates,git,initramfs-tools,zstd

for cmd in debootstrap mke2fs qemu-system-x86_64; do
	command -v "$cmd" >/dev/null && continue
	say "installing debootstrap"
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap e2fsprogs >/dev/null
	break
done

# The guest's apt: the host's sources and settings (Valid-Until is off).
apt_files=(/etc/apt/sources.list.d/debian.sources /etc/apt/apt.conf.d/99artifact-registry)
key=$( {
	echo "$suite $mirror $include ${kernels[*]}"
	cat "${apt_files[@]}" "$top/sandbox/install/dq-install-test.service"
	sed -n '/^build_rootfs()/,/^}/p' "$0"
} | sha256sum | cut -c1-16)
rootfs=$cache/install-rootfs-$key

build_rootfs() {
	local dir=$rootfs/tree a
	rm -rf "$rootfs" && mkdir -p "$rootfs"
	say "debootstrap $suite into $dir (a few minutes, once)"
	debootstrap --variant=minbase --include="$include" "$suite" "$dir" "$mirror" \
		>"$rootfs/debootstrap.log" 2>&1 ||
		{ tail -n 20 "$rootfs/debootstrap.log"; die "debootstrap failed"; }
	rm -f "$dir/etc/apt/sources.list"
	cp "${apt_files[0]}" "$dir/etc/apt/sources.list.d/"
	cp "${apt_files[1]}" "$dir/etc/apt/apt.conf.d/"
	cat >"$dir/etc/apt/apt.conf.d/90dq-install-test" <<-'EOF'
		APT::Install-Recommends "false";
		APT::Periodic::Enable "0";
	EOF
	say "installing the kernels into the rootfs: ${kernels[*]}"
	mount -t proc proc "$dir/proc"
	mount -t sysfs sysfs "$dir/sys"
	if ! chroot "$dir" sh -c "apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
			apt-get install -y -qq ${kernels[*]} && apt-get clean" \
			>"$rootfs/kernels.log" 2>&1; then
		umount "$dir/proc" "$dir/sys"
		tail -n 20 "$rootfs/kernels.log"
		die "installing the kernels failed"
	fi
	umount "$dir/proc" "$dir/sys"
	rm -rf "$dir"/var/lib/apt/lists/*_Packages "$dir"/var/lib/apt/lists/*_InRelease

	echo dqtest >"$dir/etc/hostname"
	printf '127.0.0.1\tlocalhost\n127.0.1.1\tdqtest\n' >"$dir/etc/hosts"
	echo 'nameserver 10.0.2.3' >"$dir/etc/resolv.conf"
	echo '/dev/vda / ext4 defaults 0 1' >"$dir/etc/fstab"
	printf '[Match]\nName=en*\n\n[Network]\nDHCP=ipv4\n' \
		>"$dir/etc/systemd/network/10-dhcp.network"
	mkdir -p "$dir/etc/systemd/system/serial-getty@ttyS0.service.d"
	printf '[Service]\nExecStart=\nExecStart=-/sbin/agetty --autologin root --noclear %%I 115200 linux\n' \
		>"$dir/etc/systemd/system/serial-getty@ttyS0.service.d/autologin.conf"
	cp "$top/sandbox/install/dq-install-test.service" "$dir/etc/systemd/system/"
	chroot "$dir" systemctl -q enable systemd-networkd dq-install-test.service
	chroot "$dir" systemctl -q mask apt-daily.timer apt-daily-upgrade.timer \
		e2scrub_all.timer fstrim.timer 2>/dev/null || true

	for a in "${abis[@]}"; do
		cp "$dir/boot/vmlinuz-$a" "$dir/boot/initrd.img-$a" "$rootfs/"
	done
	say "making the 8 GiB ext4 image"
	mke2fs -q -t ext4 -L dqroot -d "$dir" "$rootfs/rootfs.ext4" 8G >/dev/null
	rm -rf "$dir"
	touch "$rootfs/.done"
}

mkdir -p "$cache"
exec 9>"$cache/install-rootfs.lock"
flock 9
if [[ -f $rootfs/.done ]]; then
	say "rootfs $rootfs (cached)"
else
	start=$SECONDS
	rm -rf "$cache"/install-rootfs-*	# older recipes
	build_rootfs
	say "rootfs built in $((SECONDS - start)) s"
fi
exec 9>&-
((rootfs_only)) && exit 0

# The second disk: the guest script, dq_vm and the repository.
rm -rf "$out" && mkdir -p "$out/disk"
cp "$top/sandbox/install/guest.sh" "$tests/dq_vm" "$out/disk/"
if ((worktree)); then
	say "the repository: the working tree of $top"
	tar -C "$top" --exclude=./build -cf - . | tar -C "$out/disk" --one-top-level=dirtyquota -xf -
else
	say "the repository: a clone of $top at $(git -C "$top" rev-parse --short HEAD)"
	git clone -q --no-local "$top" "$out/disk/dirtyquota"
fi
echo "dq.abi=$abi dq.timeout=$((timeout - 60))" >"$out/disk/args"
mke2fs -q -t ext4 -L dqdata -d "$out/disk" "$out/data.ext4" 512M >/dev/null

qemu=(qemu-system-x86_64 -accel "tcg,thread=$( ((smp > 1)) && echo multi || echo single)"
      -cpu EPYC,+svm -smp "$smp" -m 4G -no-reboot
      -kernel "$rootfs/vmlinuz-$abi" -initrd "$rootfs/initrd.img-$abi"
      -drive "file=$rootfs/rootfs.ext4,format=raw,if=virtio,snapshot=on,cache=unsafe"
      -drive "file=$out/data.ext4,format=raw,if=virtio"
      -netdev user,id=net0 -device virtio-net-pci,netdev=net0)
cmdline="root=/dev/vda rw console=ttyS0 panic=-1 panic_on_warn=1 oops=panic"
cmdline+=" softlockup_panic=1 hung_task_panic=1 net.ifnames=1"
export TMPDIR=$out	# the snapshot's writes

if ((shell)); then
	exec "${qemu[@]}" -nographic -append "$cmdline systemd.mask=dq-install-test.service"
fi

: >"$out/results.log"
tail -n +1 -f --pid=$$ "$out/results.log" 2>/dev/null |
	sed -un -e 's/\r$//' -e 's/^DQ-STEP-BEGIN /check-install: guest: /p' \
		-e 's/^DQ-SAY /check-install: guest: /p' &
follower=$!
trap 'kill $follower 2>/dev/null || true' EXIT

say "booting Debian with $abi (TCG, $smp vCPUs; timeout $timeout s)"
start=$SECONDS
status=0
timeout --foreground -k 10 "$timeout" "${qemu[@]}" -display none -monitor none \
	-serial "file:$out/console.log" -serial "file:$out/results.log" \
	-append "$cmdline" 2>"$out/qemu.log" || status=$?
sleep 0.5
say "guest ran for $((SECONDS - start)) s (qemu status $status)"

# shellcheck source=sandbox/splat.sh
. "$(dirname "$0")/../sandbox/splat.sh"

awk -v splat="$splat" -v qstatus="$status" '
{ sub(/\r$/, "") }
function result(ok, what) {
	n[ok ? "passed" : "failed"]++
	printf "check-install: %-4s %s\n", ok ? "ok" : "FAIL", what
}
/^DQ-STEP-BEGIN / { name = $0; sub(/^DQ-STEP-BEGIN /, "", name); instep = 1; out = ""; next }
/^DQ-STEP-END / { instep = 0
	if ($2 == 0) {
		result(1, name " (" $3 " s)")
	} else {
		result(0, name " (exit status " $2 ", " $3 " s)")
		printf "%s", out
	}
	next }
/^DQ-DMESG-BEGIN/ { indmesg = 1; next }
/^DQ-DMESG-END/ { indmesg = 0; next }
/^DQ-INSTALL-DONE/ { done = 1; next }
/^DQ-TIMEOUT/ { result(0, "guest watchdog: " $0); next }
indmesg { if ($0 ~ splat) { splats++; if (splats <= 20) print "check-install: kernel: " $0 }; next }
instep { out = out "  | " $0 "\n"; if (length(out) > 8000) out = substr(out, length(out) - 8000) }
END {
	if (instep)
		result(0, name " (did not finish)")
	if (!done)
		result(0, "the guest did not finish (qemu status " qstatus ")")
	result(!splats, "guest kernel log: " (splats + 0) " splat lines")
	printf "%d passed, %d failed\n", n["passed"], n["failed"]
	exit n["failed"] ? 1 : 0
}' "$out/results.log" >"$out/summary.txt" || true

if ! grep -q '^DQ-INSTALL-DONE' "$out/results.log"; then
	say "last console lines:"
	tail -n 40 "$out/console.log" | sed 's/^/  | /'
fi
cat "$out/summary.txt"
tail -n 1 "$out/summary.txt" | grep -q ' 0 failed$'
