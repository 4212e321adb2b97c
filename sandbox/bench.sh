#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make bench, after the build: boots the sandbox once, runs the benchmark
# programs (bench/*.c, built as bench-NAME with the selftests) one after
# the other, then scripts/bench-report.py makes OUT/results.json, the table
# on stdout and the plots from what they printed.
#
#   sandbox/bench.sh --image-dir DIR --kvm-dir DIR --module KO
#                    --selftests DIR --out DIR [--only NAME,...]
#                    [--args NAME=ARGS]... [--timeout SECONDS]
#
# --only:    run only these benchmarks (hook, accuracy, fairness, migrate)
# --args:    extra arguments for one benchmark, e.g. --args migrate=-q
#
# The stock (unpatched) kvm.ko and kvm-amd.ko of the Debian image go to
# /tests/stock for bench-hook, which compares them with the patched ones;
# dq_hookbench.ko (bench/kmod) goes to /tests for it too;
# veth.ko goes to /modules for bench-migrate's network namespace.  Every
# program's output is kept in OUT/sandbox/results.log.  The run fails if a
# program fails (a benchmark fails only when something that must hold did
# not, such as a byte-for-byte copy) or the kernel reported anything.

set -euo pipefail

usage() { sed -n '5,21s/^# \{0,1\}//p' "$0"; exit 2; }

image= kvm= module= tests= out= only=hook,accuracy,fairness,migrate timeout=2400
declare -A args=()
while (($#)); do
	case $1 in
	--image-dir) image=$2 ;;
	--kvm-dir) kvm=$2 ;;
	--module) module=$2 ;;
	--selftests) tests=$2 ;;
	--out) out=$2 ;;
	--only) only=$2 ;;
	--args) args[${2%%=*}]=${2#*=} ;;
	--timeout) timeout=$2 ;;
	*) usage ;;
	esac
	shift 2
done
[[ -n $image && -n $kvm && -n $module && -n $tests && -n $out ]] || usage
here=$(dirname "$0")

t=$out/tests
rm -rf "$t" && mkdir -p "$t/stock"
mods=$(echo "$image"/lib/modules/*/kernel)
unpack() {
	if [[ -f $1.ko ]]; then cp "$1.ko" "$2"; else xz -dc "$1.ko.xz" >"$2"; fi
}
unpack "$mods/arch/x86/kvm/kvm" "$t/stock/kvm.ko"
unpack "$mods/arch/x86/kvm/kvm-amd" "$t/stock/kvm-amd.ko"
unpack "$mods/drivers/net/veth" "$t/veth.ko"
cp "$tests/dqctl" "$t/"
# bench-hook's timing module, if built (make hookbench).
[[ -f $tests/dq_hookbench.ko ]] && cp "$tests/dq_hookbench.ko" "$t/"

cat >"$t/runlist" <<'LIST'
insmod /modules/irqbypass.ko
insmod /modules/kvm.ko
insmod /modules/ccp.ko
insmod /modules/kvm-amd.ko
insmod /modules/dirtyquota.ko
insmod /tests/veth.ko
LIST
IFS=, read -ra names <<<"$only"
for n in "${names[@]}"; do
	[[ -x $tests/bench-$n ]] || { echo "bench: no benchmark $n in $tests" >&2; exit 2; }
	cp "$tests/bench-$n" "$t/"
	echo "./bench-$n ${args[$n]:-}" >>"$t/runlist"
done
echo "rmmod dirtyquota" >>"$t/runlist"

echo "bench: booting the sandbox ($(basename "$image")): ${names[*]}"
"$here/mkinitramfs.sh" --image-dir "$image" --kvm-dir "$kvm" \
	--module "$module" --tests "$t" --out "$out/initrd.gz"

# Progress: what the programs print, but the data lines.
mkdir -p "$out/sandbox"
: >"$out/sandbox/results.log"
tail -n +1 -F --pid=$$ "$out/sandbox/results.log" 2>/dev/null | sed -u 's/\r$//' |
	grep --line-buffered -vE '^(BENCH-|DQ-)' | sed -u 's/^/bench: | /' &
trap 'kill $! 2>/dev/null || true' EXIT

status=0
"$here/run.sh" --kernel "$(ls "$image"/boot/vmlinuz-*)" --initrd "$out/initrd.gz" \
	--out "$out/sandbox" --timeout "$timeout" | grep -E '^(sandbox: (FAIL|guest)|[0-9]+ passed)' ||
	status=1
sleep 1

"$here/../scripts/bench-report.py" "$out/sandbox/results.log" "$out" || status=1
exit $status
