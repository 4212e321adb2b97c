#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Boots the sandbox and judges what ran in it.
#
#   sandbox/run.sh --kernel VMLINUZ --initrd FILE --out DIR
#                  [--timeout SECONDS] [--host-counts P,F,S] [--verbose]
#                  [--shell] [--append ARGS] [--not-splat REGEX]
#
# QEMU emulates an AMD EPYC with SVM (nested paging) in software; the guest
# kernel panics on any warning and QEMU then stops.  The console goes to
# DIR/console.log, the run list's output (see sandbox/init) to
# DIR/results.log, which is followed here as it grows.  The run fails on a
# timeout, a missing success token, any kernel splat in the guest's log, or
# any failed test.  The last line is "N passed, N failed, N skipped",
# counting every TAP result (or, for programs that print no TAP, their exit
# status: 0 passed, 4 skipped, else failed), plus --host-counts.
# --verbose shows everything the tests print as it comes.  --append adds
# to the kernel command line; --not-splat names kernel log lines that are
# no splat (the caller judges them itself).
# Exit status: 0 if nothing failed, 1 otherwise.

set -euo pipefail

usage() { sed -n '5,23s/^# \{0,1\}//p' "$0"; exit 2; }

kernel= initrd= out= timeout=900 host=0,0,0 shell=0 verbose=0 append= notsplat=
while (($#)); do
	case $1 in
	--kernel) kernel=$2; shift 2 ;;
	--initrd) initrd=$2; shift 2 ;;
	--out) out=$2; shift 2 ;;
	--timeout) timeout=$2; shift 2 ;;
	--host-counts) host=$2; shift 2 ;;
	--shell) shell=1; shift ;;
	--verbose) verbose=1; shift ;;
	--append) append=$2; shift 2 ;;
	--not-splat) notsplat=$2; shift 2 ;;
	*) usage ;;
	esac
done
[[ -n $kernel && -n $initrd && -n $out ]] || usage
mkdir -p "$out"

qemu=(qemu-system-x86_64 -accel tcg,thread=single -cpu EPYC,+svm -smp 2
      -m 3G -no-reboot -kernel "$kernel" -initrd "$initrd")
cmdline="console=ttyS0 panic=-1 panic_on_warn=1 oops=panic softlockup_panic=1"
cmdline+=" hung_task_panic=1 quiet dq.timeout=$((timeout - 30))${append:+ $append}"

if ((shell)); then
	exec "${qemu[@]}" -nographic -append "$cmdline dq.shell=1"
fi

: >"$out/results.log"
if ((verbose)); then
	tail -n +1 -f --pid=$$ "$out/results.log" 2>/dev/null | tr -d '\r' |
		sed -u -e '/^DQ-DMESG-BEGIN/,/^DQ-DMESG-END/d' -e '/^DQ-END/d' \
		       -e '/^DQ-SANDBOX-DONE/d' -e 's/^DQ-BEGIN \([0-9]*\) /sandbox: [\1] /' &
else
	tail -n +1 -f --pid=$$ "$out/results.log" 2>/dev/null | sed -un 's/^DQ-BEGIN \([0-9]*\) /sandbox: [\1] /p' &
fi
follower=$!
trap 'kill $follower 2>/dev/null || true' EXIT

start=$SECONDS
status=0
timeout --foreground -k 10 "$timeout" "${qemu[@]}" -display none -monitor none \
	-serial "file:$out/console.log" -serial "file:$out/results.log" \
	-append "$cmdline" 2>"$out/qemu.log" || status=$?
sleep 0.5
echo "sandbox: guest ran for $((SECONDS - start)) s (qemu status $status)"

# shellcheck source=sandbox/splat.sh
. "$(dirname "$0")/splat.sh"

awk -v host="$host" -v splat="$splat" -v notsplat="$notsplat" -v qstatus="$status" '
{ sub(/\r$/, "") }
function result(kind, what) {
	n[kind]++
	if (kind == "failed")
		printf "sandbox: FAIL %s\n", what
}
/^DQ-BEGIN / { cur = $2; name = $0; sub(/^DQ-BEGIN [0-9]+ /, "", name)
	tp = tf = ts = 0; inentry = 1; next }
/^DQ-END / { inentry = 0
	rc = $3
	if (tp + tf + ts) {
		n["passed"] += tp; n["skipped"] += ts; n["failed"] += tf
		if (rc != 0 && rc != 4 && !tf)
			result("failed", name " (exit status " rc ")")
	} else if (rc == 0) {
		result("passed", name)
	} else if (rc == 4) {
		result("skipped", name)
	} else {
		result("failed", name " (exit status " rc ")")
	}
	printf "sandbox: %-4s %s\n", (rc == 0 || rc == 4) && !tf ? "ok" : "FAIL", name
	next }
/^DQ-DMESG-BEGIN/ { indmesg = 1; next }
/^DQ-DMESG-END/ { indmesg = 0; next }
/^DQ-SANDBOX-DONE/ { done = 1; next }
/^SANDBOX TIMEOUT/ { result("failed", "watchdog: " $0); next }
indmesg && /dq-sandbox: \[[0-9]+\] / { next }
indmesg { if ($0 ~ splat && (notsplat == "" || $0 !~ notsplat)) { splats++; if (splats <= 20) print "sandbox: kernel: " $0 }; next }
inentry && /^not ok [0-9]+/ { tf++; printf "sandbox: FAIL %s: %s\n", name, $0; next }
inentry && /^ok [0-9]+/ { if (toupper($0) ~ /# SKIP/) ts++; else tp++; next }
END {
	if (inentry)
		result("failed", name " (did not finish)")
	if (!done)
		result("failed", "the sandbox did not finish (qemu status " qstatus ")")
	if (splats)
		result("failed", "kernel log: " splats " splat lines")
	split(host, h, ",")
	printf "%d passed, %d failed, %d skipped\n", n["passed"] + h[1],
	       n["failed"] + h[2], n["skipped"] + h[3]
	exit n["failed"] + h[2] ? 1 : 0
}' "$out/results.log" >"$out/summary.txt" || true

# A guest that died leaves its reason on the console.
if ! grep -q '^DQ-SANDBOX-DONE' "$out/results.log"; then
	echo "sandbox: last console lines:"
	tail -n 40 "$out/console.log" | sed 's/^/  | /'
fi
cat "$out/summary.txt"
tail -n 1 "$out/summary.txt" | grep -q ' 0 failed' || exit 1
