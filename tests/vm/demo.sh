#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The guest side of `make demo`: start the demo process and show ptscope's
# main views of it and of its copy-on-write child.
D=/sys/kernel/debug/ptscope
levels=$(grep -q ' la57' /proc/cpuinfo && echo 5 || echo 4)

banner() {
	echo
	echo "==== $* ===="
}

# show: run a command with a heading; a missing piece says so
show() {
	banner "$*"
	"$@" 2>&1 || echo "(failed: exit $?)"
}

banner "ptscope demo: $(uname -r), ${levels}-level paging"
ptscope-demo /tmp/ptscope-demo.dat > /tmp/demo.out &
i=0
while ! grep -q '^ready' /tmp/demo.out 2>/dev/null && [ $i -lt 100 ]; do
	sleep 0.1
	i=$((i + 1))
done
cat /tmp/demo.out
set -- $(sed -n 's/^ready //p' /tmp/demo.out)
parent=$1
child=$2
heap=$(awk '$1 == "heap" { print $2 }' /tmp/demo.out)
thp=$(awk '$1 == "thp" { print $2 }' /tmp/demo.out)
cow=$(awk '$1 == "cow" { print $2 }' /tmp/demo.out)

show cat /proc/$parent/maps

if [ -d $D ]; then
	echo "pid=$parent addr=$heap" > $D/target
	show cat $D/vmas
	show cat $D/pt
	show cat $D/xlate
	show cat $D/stats
	echo "pid=$parent addr=$thp" > $D/target
	show cat $D/xlate
	echo "pid=$child addr=$cow" > $D/target
	show cat $D/xlate
else
	banner "no $D: ptscope.ko is not loaded"
fi

if command -v ptscope >/dev/null 2>&1; then
	show ptscope vma show $parent
	show ptscope pt show $parent
	show ptscope vtop $parent $heap --explain
	show ptscope vtop $parent $thp --explain
	show ptscope vtop $parent $cow
	show ptscope vtop $child $cow
	show ptscope stats $parent
else
	banner "the ptscope tool is not built"
fi
kill $child $parent 2>/dev/null
banner "demo done: powering off"
