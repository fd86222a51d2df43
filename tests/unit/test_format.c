// SPDX-License-Identifier: GPL-2.0
/*
 * Units, number and range parsing, name lists, and the bit fields of a
 * virtual address for 4- and 5-level paging.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "pts.h"

static const char *size(__u64 v, bool exact)
{
	static char buf[32];

	return pts_size_str(buf, sizeof(buf), v, exact);
}

static void test_human_units(void **state)
{
	(void)state;
	assert_string_equal(size(0, false), "0B");
	assert_string_equal(size(1023, false), "1023B");
	assert_string_equal(size(1024, false), "1K");
	assert_string_equal(size(1536, false), "1.5K");
	assert_string_equal(size(4096, false), "4K");
	assert_string_equal(size(2 << 20, false), "2M");
	assert_string_equal(size(3ULL << 29, false), "1.5G");
	assert_string_equal(size(1ULL << 30, false), "1G");
	assert_string_equal(size(1ULL << 38, false), "256G");
	assert_string_equal(size(1ULL << 40, false), "1T");
	/* rounds to one decimal, carrying into the next unit */
	assert_string_equal(size(1024 * 1023 + 1000, false), "1M");
	assert_string_equal(size(1024 + 50, false), "1K");
	assert_string_equal(size(1024 + 52, false), "1.1K");
	assert_string_equal(size(~0ULL, false), "16E");
	assert_string_equal(size(4096, true), "4096");
	assert_string_equal(size(~0ULL, true), "18446744073709551615");
}

static void test_parse_u64(void **state)
{
	__u64 v;

	(void)state;
	assert_int_equal(pts_parse_u64("123", &v), 0);
	assert_int_equal(v, 123);
	assert_int_equal(pts_parse_u64("0x7fff0000", &v), 0);
	assert_int_equal(v, 0x7fff0000);
	assert_int_equal(pts_parse_u64("0xffffffffffffffff", &v), 0);
	assert_true(v == ~0ULL);
	assert_int_equal(pts_parse_u64("0x10000000000000000", &v), -ERANGE);
	assert_int_equal(pts_parse_u64("-1", &v), -EINVAL);
	assert_int_equal(pts_parse_u64(" 1", &v), -EINVAL);
	assert_int_equal(pts_parse_u64("1k", &v), -EINVAL);
	assert_int_equal(pts_parse_u64("", &v), -EINVAL);
	assert_int_equal(pts_parse_u64("0x", &v), -EINVAL);
}

static void test_parse_pid(void **state)
{
	__u32 pid;

	(void)state;
	assert_int_equal(pts_parse_pid("1", &pid), 0);
	assert_int_equal(pid, 1);
	assert_int_equal(pts_parse_pid("0", &pid), -EINVAL);
	assert_int_equal(pts_parse_pid("-5", &pid), -EINVAL);
	assert_int_equal(pts_parse_pid("abc", &pid), -EINVAL);
	assert_int_equal(pts_parse_pid("4294967296", &pid), -EINVAL);
}

static void test_parse_range(void **state)
{
	__u64 a = 0, b = 0;

	(void)state;
	assert_int_equal(pts_parse_range("0x1000-0x2000", &a, &b), 0);
	assert_int_equal(a, 0x1000);
	assert_int_equal(b, 0x2000);
	assert_int_equal(pts_parse_range("4096-8192", &a, &b), 0);
	assert_int_equal(a, 4096);
	assert_int_equal(b, 8192);
	assert_int_equal(pts_parse_range("0-0xffffffffffffffff", &a, &b), 0);
	assert_true(b == ~0ULL);
	/* reversed and empty */
	assert_int_equal(pts_parse_range("0x2000-0x1000", &a, &b), -EINVAL);
	assert_int_equal(pts_parse_range("0x1000-0x1000", &a, &b), -EINVAL);
	/* overflow */
	assert_int_equal(pts_parse_range("0x1000-0x10000000000000000", &a,
					 &b), -ERANGE);
	assert_int_equal(pts_parse_range("99999999999999999999-0x1", &a, &b),
			 -ERANGE);
	assert_int_equal(pts_parse_range("0x100000000000000000000000000000000000-1",
					 &a, &b), -ERANGE);
	/* malformed */
	assert_int_equal(pts_parse_range("0x1000", &a, &b), -EINVAL);
	assert_int_equal(pts_parse_range("0x1000-", &a, &b), -EINVAL);
	assert_int_equal(pts_parse_range("-0x1000", &a, &b), -EINVAL);
	assert_int_equal(pts_parse_range("0x1000--0x2000", &a, &b), -EINVAL);
	assert_int_equal(pts_parse_range("0x1000-0x2000x", &a, &b), -EINVAL);
	assert_int_equal(pts_parse_range("a-b", &a, &b), -EINVAL);
}

static void test_parse_pagesize(void **state)
{
	__u64 s;

	(void)state;
	assert_int_equal(pts_parse_pagesize("4k", &s), 0);
	assert_int_equal(s, 4096);
	assert_int_equal(pts_parse_pagesize("2M", &s), 0);
	assert_int_equal(s, 2 << 20);
	assert_int_equal(pts_parse_pagesize("1g", &s), 0);
	assert_int_equal(s, 1 << 30);
	assert_int_equal(pts_parse_pagesize("8k", &s), -EINVAL);
}

static void test_names(void **state)
{
	__u64 set = 0, clear = 0;
	const char *bad = NULL;
	char buf[128];

	(void)state;
	assert_int_equal(pts_parse_names("rw,!nx,A", pts_flag_names,
					 pts_nr_flag_names, &set, &clear,
					 &bad), 0);
	assert_true(set == (PTSCOPE_F_RW | PTSCOPE_F_ACCESSED));
	assert_true(clear == PTSCOPE_F_NX);
	assert_int_equal(pts_parse_names("rw,bogus", pts_flag_names,
					 pts_nr_flag_names, &set, &clear,
					 &bad), -EINVAL);
	assert_string_equal(bad, "bogus");

	pts_names_str(buf, sizeof(buf), PTSCOPE_F_PRESENT | PTSCOPE_F_RW |
		      PTSCOPE_F_NX, pts_flag_names, pts_nr_flag_names, true,
		      ",");
	assert_string_equal(buf, "P,RW,NX");
	pts_names_str(buf, sizeof(buf), PTSCOPE_F_PRESENT | PTSCOPE_F_RW,
		      pts_flag_names, pts_nr_flag_names, false, " ");
	assert_string_equal(buf, "present rw");
	pts_names_str(buf, sizeof(buf), 0, pts_flag_names,
		      pts_nr_flag_names, false, " ");
	assert_string_equal(buf, "");
	pts_vmflags_str(buf, sizeof(buf), 0x20100073);
	assert_string_equal(buf, "rd wr mr mw me ac hg");
}

static void test_breakdown_4level(void **state)
{
	struct pts_bits s[PTSCOPE_NR_LEVELS], off;
	/* indices 255, 501, 82, 434, offset 0xc18 */
	__u64 va = (255ULL << 39) | (501ULL << 30) | (82ULL << 21) |
		   (434ULL << 12) | 0xc18;
	int n;

	(void)state;
	n = pts_addr_breakdown(va, 4, PTSCOPE_LVL_PTE, s, &off);
	assert_int_equal(n, 4);
	assert_int_equal(s[0].level, PTSCOPE_LVL_PGD);
	assert_int_equal(s[0].hi, 47);
	assert_int_equal(s[0].lo, 39);
	assert_int_equal(s[0].value, 255);
	assert_int_equal(s[1].level, PTSCOPE_LVL_PUD);
	assert_int_equal(s[1].hi, 38);
	assert_int_equal(s[1].lo, 30);
	assert_int_equal(s[1].value, 501);
	assert_int_equal(s[2].level, PTSCOPE_LVL_PMD);
	assert_int_equal(s[2].hi, 29);
	assert_int_equal(s[2].lo, 21);
	assert_int_equal(s[2].value, 82);
	assert_int_equal(s[3].level, PTSCOPE_LVL_PTE);
	assert_int_equal(s[3].hi, 20);
	assert_int_equal(s[3].lo, 12);
	assert_int_equal(s[3].value, 434);
	assert_int_equal(off.hi, 11);
	assert_int_equal(off.lo, 0);
	assert_int_equal(off.value, 0xc18);
}

static void test_breakdown_5level(void **state)
{
	struct pts_bits s[PTSCOPE_NR_LEVELS], off;
	__u64 va = (17ULL << 48) | (255ULL << 39) | (501ULL << 30) |
		   (82ULL << 21) | (434ULL << 12) | 0xc18;
	int n;

	(void)state;
	n = pts_addr_breakdown(va, 5, PTSCOPE_LVL_PTE, s, &off);
	assert_int_equal(n, 5);
	assert_int_equal(s[0].level, PTSCOPE_LVL_PGD);
	assert_int_equal(s[0].hi, 56);
	assert_int_equal(s[0].lo, 48);
	assert_int_equal(s[0].value, 17);
	assert_int_equal(s[1].level, PTSCOPE_LVL_P4D);
	assert_int_equal(s[1].hi, 47);
	assert_int_equal(s[1].lo, 39);
	assert_int_equal(s[1].value, 255);
	assert_int_equal(s[4].level, PTSCOPE_LVL_PTE);
	assert_int_equal(s[4].value, 434);
	assert_int_equal(off.value, 0xc18);
}

static void test_breakdown_huge(void **state)
{
	struct pts_bits s[PTSCOPE_NR_LEVELS], off;
	__u64 va = (1ULL << 39) | (3ULL << 30) | (5ULL << 21) | 0x12345;
	int n;

	(void)state;
	n = pts_addr_breakdown(va, 4, PTSCOPE_LVL_PMD, s, &off);
	assert_int_equal(n, 3);
	assert_int_equal(s[2].level, PTSCOPE_LVL_PMD);
	assert_int_equal(s[2].value, 5);
	assert_int_equal(off.hi, 20);
	assert_int_equal(off.value, 0x12345);

	n = pts_addr_breakdown(va, 5, PTSCOPE_LVL_PUD, s, &off);
	assert_int_equal(n, 3);
	assert_int_equal(s[2].level, PTSCOPE_LVL_PUD);
	assert_int_equal(s[2].value, 3);
	assert_int_equal(off.hi, 29);
	assert_int_equal(off.value, (5ULL << 21) | 0x12345);

	assert_int_equal(pts_addr_breakdown(va, 3, PTSCOPE_LVL_PTE, s, &off),
			 -EINVAL);
	assert_int_equal(pts_addr_breakdown(va, 4, PTSCOPE_LVL_PGD, s, &off),
			 -EINVAL);
}

static void test_canonical(void **state)
{
	(void)state;
	assert_true(pts_addr_canonical(0x7fffffffffffULL, 4));
	assert_false(pts_addr_canonical(0x800000000000ULL, 4));
	assert_true(pts_addr_canonical(0xffff800000000000ULL, 4));
	assert_true(pts_addr_canonical(0x800000000000ULL, 5));
	assert_true(pts_addr_canonical(0xffffffffff600000ULL, 5));
	assert_false(pts_addr_canonical(0x0100000000000000ULL, 5));
}

static void test_levels(void **state)
{
	(void)state;
	assert_int_equal(pts_level_shift(PTSCOPE_LVL_PGD, 4), 39);
	assert_int_equal(pts_level_shift(PTSCOPE_LVL_PGD, 5), 48);
	assert_int_equal(pts_level_shift(PTSCOPE_LVL_PMD, 5), 21);
	assert_int_equal(pts_level_of_size(2 << 20), PTSCOPE_LVL_PMD);
	assert_int_equal(pts_level_of_size(1 << 30), PTSCOPE_LVL_PUD);
	assert_int_equal(pts_level_of_size(8192), PTS_LVL_UNKNOWN);
	assert_string_equal(pts_level_name(PTSCOPE_LVL_P4D), "p4d");
	assert_null(pts_level_name(PTS_LVL_UNKNOWN));
	assert_int_equal(pts_size_index(1 << 30), 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_human_units),
		cmocka_unit_test(test_parse_u64),
		cmocka_unit_test(test_parse_pid),
		cmocka_unit_test(test_parse_range),
		cmocka_unit_test(test_parse_pagesize),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_breakdown_4level),
		cmocka_unit_test(test_breakdown_5level),
		cmocka_unit_test(test_breakdown_huge),
		cmocka_unit_test(test_canonical),
		cmocka_unit_test(test_levels),
	};

	return cmocka_run_group_tests_name("format", tests, NULL, NULL);
}
