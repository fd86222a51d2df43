#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Guest side of the lockdown test (tests/vm/stress-suite runs it with
# run-guest --script on Debian's kernel, which has the lockdown LSM built
# in).  Lockdown can only be raised, so one boot goes none -> integrity ->
# confidentiality, with ptscope.ko loaded before the first step.
#
# What 6.1 does (fs/debugfs/file.c, debugfs_locked_down(), at open): a
# debugfs file whose mode has any bit besides the read bits (0444), or an
# open for writing, or fops with ioctl or mmap, is refused with EPERM once
# LOCKDOWN_DEBUGFS is in force, which it is from "integrity" on (it ranks
# below LOCKDOWN_INTEGRITY_MAX).  So at both levels:
#   - query, target and flush (0600) are refused, for reading too;
#   - the read-only text views vmas, pt, ptes, xlate, stats and flush_stats
#     (0400, no ioctl/mmap) still open and read, showing the target that
#     was set before lockdown (none can be set after it);
#   - the ptscope tool cannot open query and falls back to /proc, saying
#     so (its note names the EPERM); pagemap is not restricted by lockdown
#     and still gives frames to root with CAP_SYS_ADMIN;
#   - loading an unsigned module (ptscope.ko itself, after rmmod, which
#     lockdown allows) fails with EPERM and the kernel logs "Lockdown:
#     insmod: unsigned module loading is restricted; see man
#     kernel_lockdown.7".
# Every refused open logs "Lockdown: PROG: debugfs access is restricted; see
# man kernel_lockdown.7" (rate limited).  These lines are expected; the
# harness looks for oops/BUG/WARNING/KASAN/... patterns, none of which they
# match, and it still catches a real report in the same run.
# Prints TAP.
n=0
failed=0
ok() { n=$((n + 1)); echo "ok $n - $*"; }
nok() { n=$((n + 1)); echo "not ok $n - $*"; failed=1; }
note() { echo "# $*"; }

D=/sys/kernel/debug/ptscope
L=/sys/kernel/security/lockdown
KO=/ptscope/ptscope.ko
mount -t securityfs securityfs /sys/kernel/security 2> /dev/null

if [ ! -w "$L" ]; then
	echo "ok 1 - lockdown # SKIP no lockdown LSM on this kernel ($L missing)"
	exit 0
fi
note "lockdown at start: $(cat $L)"

sh -c 'x=$(head -c 500000 /dev/zero | tr "\0" a); sleep 100000' &
target=$!
sleep 1

# before lockdown: everything works; set the target the views will show
if echo "pid=$target" > "$D/target" && grep -q . "$D/vmas" &&
   ptscope vma show "$target" > /dev/null 2> /tmp/err &&
   ! grep -q 'not available' /tmp/err; then
	ok "no lockdown: target set, views read, the tool uses the module"
else
	nok "no lockdown: module usable ($(cat /tmp/err))"
fi

# try NAME MODE: "ok" or the error of opening $D/NAME for read or write
try() {
	if [ "$2" = r ]; then
		cat "$D/$1" > /tmp/out 2> /tmp/err && echo ok && return
	else
		echo "pid=$target" 2> /tmp/err > "$D/$1" && echo ok && return
	fi
	if grep -q 'Operation not permitted' /tmp/err; then echo EPERM; else cat /tmp/err; fi
}

level_checks() { # level_checks LEVEL
	lv=$1
	if ! echo "$lv" > "$L" 2> /tmp/err; then
		nok "raise lockdown to $lv: $(cat /tmp/err)"
		return
	fi
	case "$(cat $L)" in
	*"[$lv]"*) ok "lockdown raised to $lv at run time ($(cat $L))" ;;
	*) nok "lockdown is $(cat $L), wanted [$lv]" ;;
	esac
	ok_files=""
	for p in "$D"/*; do
		f=${p##*/}
		r=$(try "$f" r)
		w=$(try "$f" w)
		note "$lv: $f ($(stat -c %a "$D/$f")): read $r, write $w"
		case "$f" in
		query | target | flush)
			[ "$r" = EPERM ] && [ "$w" = EPERM ] ||
				{ nok "$lv: $f (0600) refused with EPERM for read and write (read $r, write $w)"; continue; }
			;;
		*)
			[ "$r" = ok ] && [ "$w" = EPERM ] ||
				{ nok "$lv: $f (0400) still readable, refused for writing (read $r, write $w)"; continue; }
			;;
		esac
		ok_files="$ok_files $f"
	done
	ok "$lv: files behave as debugfs_locked_down() says:$ok_files"
	cat "$D/vmas" > /tmp/vmas 2> /dev/null
	if grep -q . /tmp/vmas; then
		ok "$lv: the vmas view still shows the target set before lockdown ($(wc -l < /tmp/vmas) lines)"
	else
		nok "$lv: the vmas view shows nothing"
	fi
	if ptscope vma show "$target" > /tmp/out 2> /tmp/err &&
	   grep -q "ptscope.ko not available ($D/query: Operation not permitted), using /proc" /tmp/err; then
		ok "$lv: the tool falls back to /proc and says why: $(grep 'not available' /tmp/err)"
	else
		nok "$lv: the tool's fallback ($(cat /tmp/err))"
	fi
	if ptscope -J pt show "$target" > /tmp/out 2>&1 &&
	   grep -q '"source":"proc"' /tmp/out &&
	   grep -Eq '"pfn":[1-9]' /tmp/out; then
		ok "$lv: /proc still gives frames to root with CAP_SYS_ADMIN (pagemap is not locked down)"
	else
		nok "$lv: ptscope -J pt show from /proc: $(head -c 300 /tmp/out)"
	fi
}

level_checks integrity
level_checks confidentiality

# unsigned module loading: ptscope.ko out, then refused back in
if rmmod ptscope 2> /tmp/err; then
	ok "confidentiality: rmmod ptscope allowed"
else
	nok "confidentiality: rmmod ptscope: $(cat /tmp/err)"
fi
# "Lockdown: ..." lines are rate limited (10 per 5 s): wait for a new window
sleep 6
before=$(dmesg | grep -c 'Lockdown: insmod')
if insmod "$KO" 2> /tmp/err; then
	nok "confidentiality: unsigned ptscope.ko loaded under lockdown"
	rmmod ptscope
else
	msg=$(dmesg | grep 'Lockdown: insmod' | tail -1)
	after=$(dmesg | grep -c 'Lockdown: insmod')
	if grep -q 'Operation not permitted' /tmp/err && [ "$after" -gt "$before" ]; then
		ok "confidentiality: insmod of the unsigned module refused (EPERM), kernel says: ${msg#*] }"
	else
		nok "confidentiality: insmod refused, but: $(cat /tmp/err) / dmesg: $msg"
	fi
fi
if ptscope vma show "$target" > /dev/null 2> /tmp/err &&
   grep -q 'not available' /tmp/err; then
	ok "module absent: the tool falls back: $(grep 'not available' /tmp/err)"
else
	nok "module absent: the tool ($(cat /tmp/err))"
fi
kill "$target"
exit $failed
