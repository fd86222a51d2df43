#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Guest-side smoke test of the debug kernel (tests/vm/debug-kernel/build):
#
#   k=$(tests/vm/debug-kernel/build)
#   PTSCOPE_KO=/path/to/a/module/built/against/$k/build.ko \
#   tests/vm/run-guest --kcache "$k" --mode la57 \
#           --script tests/vm/debug-kernel/smoke.sh
#
# Prints TAP.  Optional, from the kernel command line (--append):
#   ptscope.smoke_kunit=1   also load /ptscope/kmod/ptscope_hello_kunit.ko
#                           and check its KUnit result (taints the kernel
#                           with TAINT_TEST, N)
#   lockdown=MODE           the lockdown LSM must report MODE as current
n=0
failed=0
ok() { n=$((n + 1)); echo "ok $n - $*"; }
nok() { n=$((n + 1)); echo "not ok $n - $*"; failed=1; }
check() { # check "description" command...
	d=$1
	shift
	if "$@" > /dev/null 2>&1; then ok "$d"; else nok "$d"; fi
}
note() { echo "# $*"; }

cmdline=$(cat /proc/cmdline)
arg() { # arg NAME: value of NAME= on the command line
	for a in $cmdline; do
		case "$a" in "$1"=*) echo "${a#*=}"; return 0 ;; esac
	done
	return 1
}

note "kernel $(uname -r), up $(cut -d' ' -f1 /proc/uptime) s at job start"
dmesg > /tmp/dmesg.txt

# --- the kernel is the debug one ------------------------------------------
check "config.gz: this is the debug kernel" sh -c '
	zcat /proc/config.gz > /tmp/config &&
	for o in KASAN KASAN_GENERIC PROVE_LOCKING DEBUG_VM DEBUG_ATOMIC_SLEEP \
		 DEBUG_KMEMLEAK PTDUMP_DEBUGFS KUNIT TRANSPARENT_HUGEPAGE \
		 HUGETLBFS KSM ZRAM ZSMALLOC SWAP USERFAULTFD MEM_SOFT_DIRTY \
		 X86_5LEVEL PAGE_TABLE_ISOLATION SECURITY_LOCKDOWN_LSM \
		 DETECT_HUNG_TASK SOFTLOCKUP_DETECTOR PROC_PAGE_MONITOR; do
		grep -qx "CONFIG_$o=y" /tmp/config || { echo "no $o"; exit 1; }
	done'

# --- sanitizers and lock checking ------------------------------------------
check "KASAN active (KernelAddressSanitizer initialized)" \
	grep -q "KernelAddressSanitizer initialized" /tmp/dmesg.txt
check "lockdep on (/proc/lockdep exists)" test -e /proc/lockdep
# lockdep switches itself off (debug_locks 0) after its first report
check "lockdep still armed (debug_locks: 1)" \
	grep -Eq "debug_locks: +1" /proc/lockdep_stats
check "kmemleak exists (/sys/kernel/debug/kmemleak)" test -e /sys/kernel/debug/kmemleak
# a scan reports leaks to dmesg, where the harness looks for them
if echo scan > /sys/kernel/debug/kmemleak 2> /tmp/err; then
	leaks=$(grep -c '^unreferenced object' /sys/kernel/debug/kmemleak)
	if [ "$leaks" -eq 0 ]; then ok "kmemleak scan: no leaks"; else
		nok "kmemleak scan: $leaks suspected leaks"
		head -20 /sys/kernel/debug/kmemleak | sed 's/^/# /'
	fi
else
	nok "kmemleak scan: $(cat /tmp/err)"
fi
check "KUnit present (/sys/kernel/debug/kunit)" test -d /sys/kernel/debug/kunit

# --- page-table oracles ----------------------------------------------------
pt=/sys/kernel/debug/page_tables/current_user
if cat "$pt" > /tmp/pt 2> /tmp/err; then
	ok "page_tables/current_user readable ($(wc -l < /tmp/pt) lines)"
else
	nok "page_tables/current_user readable: $(cat /tmp/err)"
fi
check "current_user shows user mappings (USR entries)" grep -q " USR " /tmp/pt
check "/proc/self/pagemap exists" test -r /proc/self/pagemap
check "/proc/kpageflags readable" dd if=/proc/kpageflags of=/dev/null bs=8 count=1
check "/proc/kpagecount readable" dd if=/proc/kpagecount of=/dev/null bs=8 count=1
check "/sys/kernel/mm/transparent_hugepage exists" test -d /sys/kernel/mm/transparent_hugepage
note "THP enabled: $(cat /sys/kernel/mm/transparent_hugepage/enabled)"
check "/sys/kernel/mm/ksm exists" test -d /sys/kernel/mm/ksm
check "/sys/kernel/mm/hugepages exists" test -d /sys/kernel/mm/hugepages
check "userfaultfd (/proc/sys/vm/unprivileged_userfaultfd)" test -e /proc/sys/vm/unprivileged_userfaultfd

# Paging levels: the kernel clears the la57 flag from cpuinfo unless it
# runs 5-level paging.  current_user agrees: with 5 levels user page tables
# cover addresses above 2^47 (the first top-level entry alone spans 2^48),
# so some range in the User Space part of the dump ends in (2^47, 2^56];
# with 4 levels none does: the ranges jump from 2^47 to the kernel half.
# (hex strings compared as strings, "x"-prefixed so no awk reads a number)
above=$(awk '/^---\[ Kernel Space \]---/ { exit }
	/^0x/ { split($1, r, "-"); e = "x" r[2]
		if (e > "x0x0000800000000000" && e <= "x0x0100000000000000") { print $1, $NF; exit } }' /tmp/pt)
note "current_user range ending above 2^47: ${above:-none}"
note "$(grep -i 'page tables isolation' /tmp/dmesg.txt || echo 'PTI off (no isolation message; pti=on forces it)')"
if grep -qw la57 /proc/cpuinfo; then
	if [ -n "$above" ]; then
		ok "5-level paging: la57 in cpuinfo, user page tables above 2^47 ($above)"
	else
		nok "5-level paging: la57 in cpuinfo, but current_user shows nothing above 2^47"
	fi
else
	if [ -z "$above" ]; then
		ok "4-level paging: no la57 in cpuinfo, current_user user space ends at 2^47"
	else
		nok "4-level paging: no la57 in cpuinfo, but current_user has $above"
	fi
fi

# --- swap on zram (built in) ---------------------------------------------
if [ -e /sys/block/zram0 ] &&
   echo 64M > /sys/block/zram0/disksize &&
   mkswap /dev/zram0 > /dev/null && swapon /dev/zram0 &&
   grep -q zram0 /proc/swaps && swapoff /dev/zram0; then
	ok "swap on zram0 (built-in zram)"
else
	nok "swap on zram0 (built-in zram)"
fi

# --- lockdown ------------------------------------------------------------
mount -t securityfs securityfs /sys/kernel/security 2> /dev/null
ld=$(cat /sys/kernel/security/lockdown 2> /dev/null)
want=$(arg lockdown) || want=none
case "$ld" in
*"[$want]"*) ok "lockdown LSM: $ld" ;;
*) nok "lockdown LSM: want [$want], have '$ld'" ;;
esac

# --- out-of-tree modules -----------------------------------------------------
# run-guest loaded PTSCOPE_KO as /ptscope/ptscope.ko
if [ -f /ptscope/ptscope.ko ]; then
	m=$(modinfo -F name /ptscope/ptscope.ko 2> /dev/null)
	[ -n "$m" ] || m=$(strings /ptscope/ptscope.ko 2> /dev/null | sed -n 's/^name=//p' | head -1)
	check "out-of-tree module $m loaded (lsmod)" sh -c "lsmod | grep -q '^$m '"
	check "out-of-tree module $m unloads" rmmod "$m"
fi
if arg ptscope.smoke_kunit > /dev/null; then
	if insmod /ptscope/kmod/ptscope_hello_kunit.ko 2> /tmp/err; then
		r=/sys/kernel/debug/kunit/ptscope_hello/results
		if grep -q "^ok 1 ptscope_hello" "$r" 2> /dev/null; then
			ok "out-of-tree KUnit suite passed ($r)"
		else
			nok "out-of-tree KUnit suite passed ($r)"
			sed 's/^/# /' "$r" 2> /dev/null
		fi
		rmmod ptscope_hello_kunit
	else
		nok "insmod ptscope_hello_kunit.ko: $(cat /tmp/err)"
	fi
fi
note "tainted=$(cat /proc/sys/kernel/tainted), up $(cut -d' ' -f1 /proc/uptime) s at job end"
exit $failed
