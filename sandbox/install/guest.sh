#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The install test inside the Debian guest (see scripts/check-install.sh),
# run by dq-install-test.service from /mnt/dq, which holds this script,
# dq_vm, the repository and "args" (dq.timeout=SECONDS).  Each step goes to
# the second serial port, for the host to count:
#
#   DQ-STEP-BEGIN <what>
#   ...what it printed...
#   DQ-STEP-END <exit status> <seconds>
#
# Steps: the network, the README's install block (one step per line, run
# verbatim with sh -c in the clone, as root), a VM seen and throttled with
# dqctl, the README's uninstall block, the modules gone; then the kernel log
# between DQ-DMESG-BEGIN and DQ-DMESG-END and the token DQ-INSTALL-DONE.

set -uo pipefail

exec 3>/dev/ttyS1
export HOME=/root PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
data=/mnt/dq
repo=/root/dirtyquota
vm=dqinstall
arg() { tr ' ' '\n' <"$data/args" | sed -n "s/^$1=//p"; }

# step WHAT CMD...: one counted step; its output goes to both consoles.
step() {
	local what=$1 rc start=$SECONDS
	shift
	echo "DQ-STEP-BEGIN $what" >&3
	"$@" 2>&1 </dev/null | tee /dev/fd/3
	rc=${PIPESTATUS[0]}
	echo "DQ-STEP-END $rc $((SECONDS - start))" >&3
	return "$rc"
}
note() { echo "DQ-SAY $*" >&3; echo "$*"; }

dump_dmesg() {
	echo DQ-DMESG-BEGIN >&3
	dmesg >&3
	echo DQ-DMESG-END >&3
}

# README block NAME: the lines between <!-- NAME:begin --> and
# <!-- NAME:end -->, less the code fences.
readme_block() {
	awk -v b="<!-- $1:begin -->" -v e="<!-- $1:end -->" '
		$0 == b { on = 1; next }
		$0 == e { on = 0; next }
		on && !/^```/ && NF' "$repo/README.md"
}

# run_block NAME: every line of a README block, in order, until one fails.
run_block() {
	local line
	mapfile -t lines < <(readme_block "$1")
	step "README: the $1 block, ${#lines[@]} lines" test "${#lines[@]}" -gt 0 || return 1
	for line in "${lines[@]}"; do
		(cd "$repo" && step "README $1: $line" sh -c "$line") || return 1
	done
}

# vcpu_val INDEX KEY: KEY of one vCPU of the VM, from dqctl's JSON.
vcpu_val() {
	dqctl -j show "name:$vm" |
		awk -v i="$1" -v k="\"$2\":" '
			$1 == "\"index\":" { cur = $2 + 0 }
			$1 == k && cur == i { v = $2; sub(/,$/, "", v); print v }'
}

# vm_ready PID: dq_vm's vCPUs run (it made /tmp/ready) within a minute.
vm_ready() {
	for _ in $(seq 600); do
		[[ -f /tmp/ready ]] && return 0
		kill -0 "$1" 2>/dev/null || break
		sleep 0.1
	done
	cat /tmp/dq_vm.log
	echo "dq_vm did not start"
	return 1
}

# The writer's dirty rate, median of three samples a second apart, within
# 25% of 2 MiB/s, once it was seen to dirty at least 1.5 times that
# unthrottled (room for a host shared with other work).
throttled() {
	local budget=$((2 * 1024 * 1024)) free rates
	free=$(vcpu_val 0 dirty_rate)
	echo "the writer dirties ${free:-?} B/s unthrottled"
	[[ ${free:-0} -ge $((budget * 3 / 2)) ]] ||
		{ echo "too slow to show a 2 MiB/s budget"; return 1; }
	dqctl set "$vm" mode sleep budget 2MiB/s || return 1
	sleep 5
	rates=$(for _ in 1 2 3; do vcpu_val 0 dirty_rate; sleep 1; done | sort -n)
	echo "after 'dqctl set $vm mode sleep budget 2MiB/s':" $rates "B/s"
	dqctl show "$vm"
	echo "$rates" | sed -n 2p | awk -v b="$budget" '{ exit !($1 >= b * 0.75 && $1 <= b * 1.25) }'
}

# ours_loaded: dirtyquota and the patched KVM are what runs: each module is
# loaded, from updates/ (where DKMS puts it), and is that very file.
ours_loaded() {
	local m f
	for m in kvm kvm_amd dirtyquota; do
		f=$(modinfo -n "$m") || return 1
		echo "$m: $f, version $(modinfo -F version "$m")"
		[[ $f == */updates/* ]] || { echo "$m is not from updates/"; return 1; }
		[[ $(cat "/sys/module/$m/srcversion" 2>/dev/null) == "$(modinfo -F srcversion "$m")" ]] ||
			{ echo "the loaded $m is not $f"; return 1; }
	done
}

# After the uninstall block: dirtyquota unloaded, no patched KVM loaded,
# nothing installed or left in DKMS, and Debian's own KVM loads.
modules_gone() {
	local kver m left
	kver=$(uname -r)
	lsmod
	if lsmod | grep -q '^dirtyquota '; then
		echo "dirtyquota is still loaded"
		return 1
	fi
	for m in kvm kvm_amd kvm_intel; do
		[[ $(cat "/sys/module/$m/version" 2>/dev/null) != dirtyquota-* ]] ||
			{ echo "the patched $m is still loaded"; return 1; }
	done
	dkms status 2>&1
	if dkms status 2>/dev/null | grep -Eq 'dirtyquota|kvm'; then
		echo "dkms still has them"
		return 1
	fi
	left=$(find "/lib/modules/$kver" -path "/lib/modules/$kver/kernel" -prune -o \
		\( -name 'dirtyquota.ko*' -o -name 'kvm*.ko*' \) -print)
	[[ -z $left ]] || { echo "left behind: $left"; return 1; }
	modprobe kvm_amd && echo "Debian's own kvm: $(modinfo -n kvm)" &&
		[[ $(modinfo -n kvm) == "/lib/modules/$kver/kernel/"* ]] &&
		[[ $(cat /sys/module/kvm/srcversion) == "$(modinfo -F srcversion kvm)" ]]
}

timeout=$(arg dq.timeout)
if [[ -n $timeout ]]; then
	(
		sleep "$timeout"
		echo "DQ-TIMEOUT guest watchdog after ${timeout}s" >&3
		echo w >/proc/sysrq-trigger
		dump_dmesg
		echo o >/proc/sysrq-trigger
	) &
fi

note "up after $(cut -d' ' -f1 /proc/uptime) s: $(uname -r), $(nproc) CPUs"
step "DNS: deb.debian.org resolves" getent hosts deb.debian.org
step "HTTP: the Debian mirror's Release file" /usr/lib/apt/apt-helper \
	download-file "http://deb.debian.org/debian/dists/bookworm/Release" /tmp/Release
step "a clone of the repository in $repo" cp -a "$data/dirtyquota" "$repo"

if run_block install; then
	step "dirtyquota and the patched KVM are loaded, from updates/" ours_loaded
	"$data/dq_vm" -name "guest=$vm" -t 300 -r /tmp/ready loop:512 compute \
		>/tmp/dq_vm.log 2>&1 </dev/null &
	vm_pid=$!
	if step "dq_vm: a VM whose vCPU 0 writes 512 pages around" vm_ready "$vm_pid"; then
		step "dqctl show $vm" dqctl show "$vm"
		step "dqctl set $vm mode sleep budget 2MiB/s: the writer near 2 MiB/s" throttled
	fi
	kill "$vm_pid" 2>/dev/null
	wait "$vm_pid"
fi
if run_block uninstall; then
	step "the modules are gone (lsmod, dkms status)" modules_gone
fi

dump_dmesg
echo DQ-INSTALL-DONE >&3
