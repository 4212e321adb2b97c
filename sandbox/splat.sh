# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# Sourced by the scripts that judge a guest's kernel log: an extended
# regular expression for the lines that mean the kernel, or dirtyquota,
# found a bug: warnings, oopses, lockdep, KASAN, UBSAN, RCU stalls, hung
# tasks, kmemleak, and objects dirtyquota still had at unload.

# shellcheck disable=SC2034
splat='WARNING: CPU:|BUG:|Oops|Call Trace|Kernel panic|general protection fault'
splat+='|KASAN|UBSAN|possible circular locking|possible recursive locking'
splat+='|INFO: task .* blocked|rcu.*(stall|detected)|kmemleak'
splat+='|dirtyquota: leaked'
