#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make check-debug, after the build: the whole sandbox suite on the debug
# kernel of sandbox/debug-kernel.sh, then what the kernel's checkers found.
#
#   sandbox/check-debug.sh --kernel-dir DIR --kvm-dir DIR --module KO
#                          --selftests DIR --out DIR [--timeout SECONDS]
#
# --kernel-dir: the debug kernel's object tree (bzImage, irqbypass, ccp)
#
# The run list is selftests/runlist, then selftests/runlist.debug: KVM
# unloads, kmemleak scans, lockdep tells its state.  Besides all that
# sandbox/run.sh fails on, the run fails on
#   - a KASAN, lockdep, RCU or atomic-sleep report on the console, which
#     holds what a dying guest or an overflowing kernel log loses;
#   - lockdep switched off (debug_locks 0): after one report it is silent;
#   - a kmemleak suspect, but for the early-boot ACPI objects known by their
#     origin (below).
# These three checks are counted in the last line with everything else.
# Under KASAN and lockdep guest work is 3-5 times slower: the tests never
# assert on speed, only the timeout is longer (45 minutes by default, room
# for a shared host).

set -euo pipefail

usage() { sed -n '5,24s/^# \{0,1\}//p' "$0"; exit 2; }

kdir= kvm= module= tests= out= timeout=2700
while (($#)); do
	case $1 in
	--kernel-dir) kdir=$2 ;;
	--kvm-dir) kvm=$2 ;;
	--module) module=$2 ;;
	--selftests) tests=$2 ;;
	--out) out=$2 ;;
	--timeout) timeout=$2 ;;
	*) usage ;;
	esac
	shift 2
done
[[ -n $kdir && -n $kvm && -n $module && -n $tests && -n $out ]] || usage
here=$(dirname "$0")

rm -rf "$out/tests" && mkdir -p "$out/tests"
cp -a "$tests"/. "$out/tests/"
# The fuzzers run longer here: this is where a report would show.  The
# stock-QEMU test is make check's alone: it needs QEMU in the initramfs,
# and takes minutes even without KASAN.  pv_test's comparison of wake
# rates, throttled against unthrottled, is a speed check: here it only
# prints (DQ_NO_SPEED_CHECKS); make check judges it on the real kernels.
# The netlink fuzzer gets 60000 messages, three times make check's (it
# handles some 290 a second here, 11700 on the stock kernel: 200000 took
# 12 minutes), the ioctl fuzzer 200000 (7000 a second here).  DQ_DEBUG_NL_FUZZ, DQ_DEBUG_FUZZ (the ioctls) and
# DQ_DEBUG_STRESS (seconds per stress round, default 6) steer them.
sed -e "s|^\./nl_test\$|NL_FUZZ_COUNT=${DQ_DEBUG_NL_FUZZ:-60000} ./nl_test|" \
    -e "s|^\./ioctl_fuzz\$|DQ_FUZZ_COUNT=${DQ_DEBUG_FUZZ:-200000} ./ioctl_fuzz|" \
    -e "s|^\./stress_test\$|./stress_test -s ${DQ_DEBUG_STRESS:-6}|" \
    -e '/^\.\/qemu_test/d' \
    -e 's|^\./pv_test$|DQ_NO_SPEED_CHECKS=1 ./pv_test|' \
    "$tests/runlist" | cat - "$here/../selftests/runlist.debug" >"$out/tests/runlist"
grep -q NL_FUZZ_COUNT "$out/tests/runlist" && grep -q DQ_FUZZ_COUNT "$out/tests/runlist" &&
	grep -q DQ_NO_SPEED_CHECKS "$out/tests/runlist" ||
	{ echo "check-debug: cannot adapt the run list (fuzzers, pv_test)" >&2; exit 1; }

echo "check-debug: booting the sandbox on the debug kernel ($(cat "$kdir/include/config/kernel.release"))"
"$here/mkinitramfs.sh" --modules-dir "$kdir" --kvm-dir "$kvm" \
	--module "$module" --tests "$out/tests" --out "$out/initrd.gz"
# Lockdep reports at warning level, which "quiet" keeps off the console.
# kmemleak's own lines are judged below, from its report.
"$here/run.sh" --kernel "$kdir/arch/x86/boot/bzImage" --initrd "$out/initrd.gz" \
	--out "$out/sandbox" --timeout "$timeout" --append loglevel=5 \
	--not-splat 'kmemleak: ([0-9]+ new suspected memory leaks|Kernel memory leak detector initialized)' ||
	true
sb=$out/sandbox
read -r passed failed skipped < <(tail -n 1 "$sb/summary.txt" | awk '{ print $1, $3, $5 }')

pass() { passed=$((passed + 1)); echo "check-debug: ok   $*"; }
fail() { failed=$((failed + 1)); echo "check-debug: FAIL $*"; }
# Reads all its input: a writer cut off would fail the pipeline.
excerpt() { awk -v n="${1:-40}" 'NR <= n { print "  | " $0 }'; }

# The console, from the first report on.
report='BUG:|WARNING:|INFO:|KASAN|DEBUG_LOCKS_WARN_ON|Call Trace|Kernel panic|Oops'
report+='|general protection fault|self-detected stall|detected stalls'
# The console without its carriage returns, read by all that follows.
console=$out/console.txt
tr -d '\r' <"$sb/console.log" >"$console"
# (sandbox/init's "dq-sandbox: [N] command" lines name the tests, never a report.)
first=$(grep -nE "$report" "$console" | grep -v 'dq-sandbox: \[' |
	awk -F: 'NR == 1 { print $1 }' || true)
if [[ -z $first ]]; then
	pass "console: no KASAN, lockdep, RCU or atomic-sleep report"
else
	headline=$(sed -n "${first}p" "$console")
	during=$(head -n "$first" "$console" | sed -n 's/.*dq-sandbox: //p' | tail -n 1)
	headline+=" (during ${during:-the boot})"
	fail "console: a kernel report (console.log line $first):"
	tail -n +"$((first > 3 ? first - 3 : 1))" "$console" | excerpt 60
fi

locks=$(tr -d '\r' <"$sb/results.log" | sed -n 's/^ *debug_locks: *\([0-9]*\)$/\1/p')
case $locks in
1) pass "lockdep: debug_locks 1" ;;
'') fail "lockdep: no /proc/lockdep_stats (the run list did not get there)" ;;
*) fail "lockdep: debug_locks $locks: lockdep switched itself off after a report" ;;
esac

# kmemleak: each suspect is a paragraph "unreferenced object ...", its comm,
# a hex dump and a backtrace.  Known and not ours: the objects ACPI
# allocates while it boots (swapper, acpi_* callers), which are referenced
# only through physical addresses kmemleak does not scan.  Anything that
# went through a module, loaded or gone (an unresolved 0xffffffffc... frame),
# is never excused.
if ! grep -q '^DQ-KMEMLEAK-END' "$sb/results.log"; then
	fail "kmemleak: no report (the run list did not get there)"
else
	tr -d '\r' <"$sb/results.log" | awk '
	/^DQ-KMEMLEAK-BEGIN/ { on = 1; next }
	/^DQ-KMEMLEAK-END/ { on = 0; next }
	!on { next }
	/^unreferenced object/ { n++ }
	n { obj[n] = obj[n] $0 "\n" }
	END {
		for (i = 1; i <= n; i++) {
			o = obj[i]
			if (o ~ /comm "swapper\/[0-9]+"/ && o ~ /\] acpi_/ &&
			    o !~ /dirtyquota|kvm|irqbypass|ccp|\] 0x/)
				boot++
			else
				bad = bad o
		}
		printf "%d %d\n", n, boot
		printf "%s", bad
	}' >"$out/kmemleak.txt"
	read -r total boot <"$out/kmemleak.txt"
	if ((total == boot)); then
		pass "kmemleak: no leak ($boot early-boot ACPI objects, not ours)"
	else
		fail "kmemleak: $((total - boot)) suspected leaks ($boot early-boot ACPI objects besides):"
		tail -n +2 "$out/kmemleak.txt" | excerpt 80
	fi
fi

# A long report pushes its first line out of a log read from the end.
if ((failed)); then
	grep '^sandbox: FAIL' "$sb/summary.txt" | sed 's/^sandbox:/check-debug: again,/' | tail -n 8 || true
	[[ -z ${headline:-} ]] || echo "check-debug: again, the report began: $headline"
fi
echo "$passed passed, $failed failed${skipped:+, $skipped skipped}"
((failed == 0))
