#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# make demo, second part: an operator's view with dqctl.  A VM named "demo"
# runs a heavy writer (vCPU 0), a light one (vCPU 1) and two compute vCPUs;
# dqctl watches it, holds it to 8 MiB/s in sleep mode, and monitor prints
# the events that come with it.

cd "$(dirname "$0")" || exit 1
PATH=$PWD:$PATH
say() { printf '\n$ %s\n' "$*"; "$@"; }

rm -f /tmp/ready
dq_vm -name guest=demo -t 60 -r /tmp/ready loop:512 loop:64 compute compute &
vm=$!
while [ ! -f /tmp/ready ]; do sleep 0.1; done
dqctl monitor >/tmp/events &
mon=$!
sleep 2

say dqctl show demo
say dqctl top -b -n 2 -d 2 demo
say dqctl set demo mode sleep budget 8MiB/s
sleep 2
say dqctl top -b -n 2 -d 2 demo
say dqctl set-quota demo 1 share
say dqctl set-quota demo 0 2MiB/s
sleep 2
say dqctl top -b -n 2 -d 2 demo

kill "$vm"
wait "$vm"
sleep 1
kill "$mon"
wait "$mon"
printf '\n$ dqctl monitor   (meanwhile, in another terminal; %s events)\n' \
	"$(wc -l </tmp/events)"
head -n 8 /tmp/events
echo "..."
tail -n 3 /tmp/events
