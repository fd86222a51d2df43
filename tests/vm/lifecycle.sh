#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Guest side of the load/unload test (tests/vm/stress-suite runs it with
# run-guest --script, on the debug kernel and on Debian's):
#
#   N cycles of insmod/rmmod of ptscope.ko (ptscope.cycles=N on the kernel
#   command line, default 100), most of them using the module first:
#     cycle % 10 == 3  rmmod while a file is held open
#     cycle % 25 == 7  rmmod while two processes walk a target in a loop
#     else, odd        global target set, a text view read
#     else             plain
#   then, where the kernel has kmemleak, two scans: no leak at all.
#
# Unload while a file is open: debugfs's proxy takes a reference on the
# module of the file_operations (.owner) at open and drops it at release,
# so delete_module() refuses (EAGAIN, "Resource temporarily unavailable")
# while any ptscope file is open; the open descriptor keeps working, and
# rmmod succeeds once it is closed.  The other safe outcome (unloaded, the
# descriptor then fails with EIO) is accepted too and counted apart; a
# crash, a hang or a report in dmesg fails the run (the harness).
# Unload while walks run: rmmod is retried until it wins a gap between two
# opens; the walkers then see ENOENT.  Counted and printed.
#
# Prints TAP.
n=0
failed=0
ok() { n=$((n + 1)); echo "ok $n - $*"; }
nok() { n=$((n + 1)); echo "not ok $n - $*"; failed=1; }
note() { echo "# $*"; }

D=/sys/kernel/debug/ptscope
KO=/ptscope/ptscope.ko
cycles=100
for a in $(cat /proc/cmdline); do
	case "$a" in ptscope.cycles=*) cycles=${a#ptscope.cycles=} ;; esac
done

loaded() { grep -q '^ptscope ' /proc/modules; }

# walk the target's page tables in a loop until the module is gone
walker() {
	while :; do
		cat "$D/pt" > /dev/null 2>&1 || exit 0
	done
}

# a target with some memory: a shell holding a 2 MB variable
sh -c 'x=$(head -c 2000000 /dev/zero | tr "\0" a); sleep 100000' &
target=$!
sleep 1

kmemleak=/sys/kernel/debug/kmemleak
if [ -w "$kmemleak" ]; then
	# no automatic scans competing with the cycles (a scan of a KASAN
	# kernel under TCG takes minutes); forget anything reported so far
	echo scan=off > "$kmemleak"
	echo clear > "$kmemleak"
fi

loaded && rmmod ptscope
start=$(cut -d. -f1 /proc/uptime)
done_cycles=0
busy_open=0
eio_open=0
busy_walk=0
won_walk=0
bad=""
i=1
while [ "$i" -le "$cycles" ]; do
	if ! insmod "$KO" 2> /tmp/err; then
		bad="cycle $i: insmod: $(cat /tmp/err)"
		break
	fi
	if [ ! -e "$D/query" ]; then
		bad="cycle $i: no $D/query after insmod"
		break
	fi
	kind=$((i % 2))
	[ $((i % 10)) -ne 3 ] || kind=2
	[ $((i % 25)) -ne 7 ] || kind=3
	# short runs still get both unload cases
	if [ "$i" -eq $((cycles - 1)) ] && [ $((busy_open + eio_open)) -eq 0 ]; then kind=2; fi
	if [ "$i" -eq "$cycles" ] && [ $((won_walk)) -eq 0 ]; then kind=3; fi
	case $kind in
	1)
		echo "pid=$target" > "$D/target" &&
			cat "$D/vmas" > /tmp/vmas &&
			grep -q . /tmp/vmas || { bad="cycle $i: vmas read failed"; break; }
		;;
	2)
		exec 3< "$D/vmas"
		if rmmod ptscope 2> /tmp/err; then
			# unloaded under an open file: the file must fail, not crash
			if cat <&3 > /dev/null 2> /tmp/err2; then
				bad="cycle $i: unloaded with a file open, and the file still reads"
				exec 3<&-
				break
			fi
			eio_open=$((eio_open + 1))
			exec 3<&-
			insmod "$KO" || { bad="cycle $i: reload"; break; }
		else
			grep -q 'Resource temporarily unavailable\|busy' /tmp/err ||
				{ bad="cycle $i: rmmod with a file open: $(cat /tmp/err)"; exec 3<&-; break; }
			busy_open=$((busy_open + 1))
			echo "pid=$target" > "$D/target"
			if ! cat <&3 | grep -q .; then
				bad="cycle $i: the open file stopped working after a refused rmmod"
				exec 3<&-
				break
			fi
			exec 3<&-
		fi
		;;
	3)
		echo "pid=$target" > "$D/target"
		walker &
		walker1=$!
		walker &
		walker2=$!
		tries=0
		while loaded; do
			tries=$((tries + 1))
			if rmmod ptscope 2> /tmp/err; then
				won_walk=$((won_walk + 1))
				break
			fi
			busy_walk=$((busy_walk + 1))
			# two walkers leave few gaps: stop them after a while
			if [ "$tries" -eq 200 ]; then
				kill "$walker1" "$walker2" 2> /dev/null
				wait "$walker1" "$walker2" 2> /dev/null
			fi
			if [ "$tries" -ge 400 ]; then
				bad="cycle $i: rmmod refused 400 times: $(cat /tmp/err)"
				break 2
			fi
		done
		# the walkers stop on their own once the files are gone
		wait "$walker1" "$walker2" 2> /dev/null
		;;
	esac
	if loaded && ! rmmod ptscope 2> /tmp/err; then
		bad="cycle $i: rmmod: $(cat /tmp/err)"
		break
	fi
	if [ -e "$D" ]; then
		bad="cycle $i: $D still there after rmmod"
		break
	fi
	done_cycles=$i
	# progress on the console (this script's output is shown at its end)
	[ $((i % 10)) -ne 0 ] || echo "ptscope lifecycle: $i cycles" > /dev/kmsg
	i=$((i + 1))
done
secs=$(($(cut -d. -f1 /proc/uptime) - start))
if [ -z "$bad" ]; then
	ok "$done_cycles load/unload cycles in ${secs} s"
else
	nok "load/unload cycles: $bad (after $done_cycles)"
fi
note "unload with a file open: refused (EAGAIN) $busy_open times, unloaded with the file then failing $eio_open times"
note "unload during walks: refused $busy_walk times while a walk held a file, then unloaded $won_walk times"
if [ "$busy_open" -gt 0 ] && [ "$eio_open" -eq 0 ]; then
	ok "rmmod with a file open is refused (module reference held by debugfs), the file keeps working"
elif [ "$eio_open" -gt 0 ]; then
	ok "rmmod with a file open unloads and the file then fails (no crash)"
else
	nok "rmmod with a file open: never tried"
fi
if [ "$won_walk" -gt 0 ]; then
	ok "rmmod during running walks: unloaded $won_walk times once no walk held a file, refused (EAGAIN) $busy_walk times while one did"
else
	nok "rmmod during running walks never succeeded"
fi

# the module back, as the harness left it, and still working
if insmod "$KO" && echo "pid=$target" > "$D/target" && grep -q . "$D/stats"; then
	ok "module loads and answers after the cycles"
else
	nok "module loads and answers after the cycles"
fi
kill "$target"
wait "$target" 2> /dev/null

if [ -w "$kmemleak" ]; then
	rmmod ptscope
	# an object is reported once older than 5 s and unreferenced during
	# a scan; the second scan confirms (fewer false positives)
	sleep 6
	if ! echo scan > "$kmemleak" 2> /tmp/err ||
	   ! echo scan > "$kmemleak" 2>> /tmp/err; then
		nok "kmemleak scan: $(cat /tmp/err)"
	fi
	leaks=$(grep -c '^unreferenced object' "$kmemleak")
	mine=$(grep -c 'ptscope' "$kmemleak")
	if [ "$leaks" -eq 0 ]; then
		ok "kmemleak: no leak after $done_cycles cycles (2 scans)"
	else
		nok "kmemleak: $leaks suspected leaks, $mine lines naming ptscope"
		head -40 "$kmemleak" | sed 's/^/# /'
	fi
	insmod "$KO"
else
	echo "ok $((n + 1)) - kmemleak scan # SKIP this kernel has no kmemleak (the debug kernel has)"
	n=$((n + 1))
fi
note "load cycles: $done_cycles"
exit $failed
