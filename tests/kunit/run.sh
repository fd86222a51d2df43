#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Guest side of the KUnit run (busybox sh), for
#   tests/vm/run-debug --kunit --script tests/kunit/run.sh
# Loads /ptscope/kmod/ptscope_kunit.ko, whose suites run at load time, and
# turns their KTAP output (from dmesg: the debugfs copies are cut at 512
# bytes per case on 6.1) into flat TAP, one line per test case; a
# parameterised case gives one line per parameter instead:
#   ok N - kunit SUITE.CASE
#   ok N - kunit SUITE.CASE: PARAMETER
#   ok N - kunit SUITE.CASE # SKIP reason
# A suite that failed outside its cases (suite_init), ran fewer cases than
# its plan, or never reported, and a module that does not load, are
# failures of their own.  Failed expectations are shown as # lines.
ko=/ptscope/kmod/ptscope_kunit.ko
mark="ptscope-kunit-run-$$"

if [ ! -f "$ko" ]; then
	echo "not ok 1 - kunit: $ko missing (build it against a CONFIG_KUNIT kernel: tests/vm/debug-modules)"
	exit 1
fi
if [ ! -d /sys/kernel/debug/kunit ]; then
	echo "not ok 1 - kunit: this kernel has no KUnit (/sys/kernel/debug/kunit)"
	exit 1
fi

echo "$mark" > /dev/kmsg
if ! insmod "$ko" 2> /tmp/kunit.err; then
	echo "not ok 1 - kunit: insmod ptscope_kunit.ko: $(cat /tmp/kunit.err)"
	exit 1
fi
# the suites registered by the module (debugfs has one directory per suite)
want=0
for d in /sys/kernel/debug/kunit/ptscope_*; do
	[ -d "$d" ] && want=$((want + 1))
done
dmesg | sed -n "/$mark/,\$p" | sed 's/^\[[ 0-9.]*\] //' > /tmp/kunit.log
rmmod ptscope_kunit 2> /tmp/kunit.err ||
	echo "# rmmod ptscope_kunit: $(cat /tmp/kunit.err)"

if ! grep -q "$mark" /tmp/kunit.log; then
	echo "not ok 1 - kunit: the KTAP output is not in dmesg (log buffer overrun?)"
	exit 1
fi

awk -v want="$want" '
function out(st, text) {
	n++
	print st " " n " - kunit " text
	if (st == "not ok")
		bad = 1
}
# "ok 3 name # SKIP why" -> name, and the directive kept for TAP
function res(t) {
	sub(/^(not )?ok [0-9]+ /, "", t)
	sub(/^- /, "", t)
	return t
}
{
	line = $0
	i = match(line, /[^ ]/)
	if (!i)
		next
	depth = int((i - 1) / 4)
	rest = substr(line, i)
}
rest ~ /^# Subtest: / {
	name = substr(rest, 12)
	if (depth == 1) {
		suite = name; ncase = 0; plan = -1; sfail = 0
	} else if (depth == 2) {
		pcase = name; nparam = 0; pfail = 0
	}
	next
}
depth == 1 && rest ~ /^1\.\.[0-9]+$/ { plan = substr(rest, 4) + 0; next }
rest ~ /^(not )?ok [0-9]+ / {
	st = rest ~ /^not ok/ ? "not ok" : "ok"
	t = res(rest)
	if (depth == 2) {
		# one parameter of a parameterised case
		nparam++
		if (st == "not ok")
			pfail = sfail = 1
		d = t; dir = ""
		if (sub(/ # SKIP.*$/, "", d))
			dir = substr(t, length(d) + 1)
		out(st, suite "." pcase ": " d dir)
	} else if (depth == 1) {
		ncase++
		c = t; sub(/ # SKIP.*$/, "", c)
		if (c == pcase && nparam > 0) {
			# the case line of a parameterised case: counted
			# through its parameters, unless it failed alone
			if (st == "not ok" && !pfail)
				out(st, suite "." t)
		} else {
			out(st, suite "." t)
		}
		if (st == "not ok")
			sfail = 1
		pcase = ""; nparam = 0
	} else if (depth == 0) {
		nsuite++
		if (st == "not ok" && !sfail)
			out(st, t ": suite failed outside its test cases")
		if (plan >= 0 && ncase != plan)
			out("not ok", t ": ran " ncase " of " plan " test cases")
		suite = ""
	}
	next
}
/FAILED|[Ee]xpected|which is|failed to initialize|Unable to|BUG|WARNING/ {
	print "# " rest
}
END {
	if (!nsuite)
		out("not ok", "no suite reported a result")
	else if (want > 0 && nsuite != want)
		out("not ok", want " suites registered, " nsuite " reported")
	else
		print "# kunit: " nsuite " suites, " n " results"
	exit bad
}' /tmp/kunit.log
