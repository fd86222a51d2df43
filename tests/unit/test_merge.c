// SPDX-License-Identifier: GPL-2.0
/*
 * Filters and ptdump-style merging of runs of equal attributes.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "pts.h"

#define F_RW	(PTSCOPE_F_PRESENT | PTSCOPE_F_RW | PTSCOPE_F_USER | PTSCOPE_F_NX)
#define F_RO	(PTSCOPE_F_PRESENT | PTSCOPE_F_USER)

static struct pts_entry ents[16];
static size_t nr;
static struct pts_run runs[16];

static void add(int kind, int level, __u64 va, __u64 size, __u64 pfn,
		__u64 flags, __u64 state, __u32 vma)
{
	struct pts_entry *e = &ents[nr++];

	memset(e, 0, sizeof(*e));
	e->kind = kind;
	e->level = level;
	e->va = va;
	e->size = size;
	e->pfn = pfn;
	e->flags = flags;
	e->state = state;
	e->vma = vma;
}

static int setup(void **state)
{
	(void)state;
	nr = 0;
	/* 3 contiguous RW anon pages, contiguous frames */
	add(PTS_PRESENT, PTSCOPE_LVL_PTE, 0x1000, 4096, 0x100, F_RW,
	    PTSCOPE_S_ANON, 0);
	add(PTS_PRESENT, PTSCOPE_LVL_PTE, 0x2000, 4096, 0x101, F_RW,
	    PTSCOPE_S_ANON, 0);
	add(PTS_PRESENT, PTSCOPE_LVL_PTE, 0x3000, 4096, 0x102, F_RW,
	    PTSCOPE_S_ANON, 0);
	/* same attributes, frames not contiguous */
	add(PTS_PRESENT, PTSCOPE_LVL_PTE, 0x4000, 4096, 0x900, F_RW,
	    PTSCOPE_S_ANON, 0);
	/* flags change */
	add(PTS_PRESENT, PTSCOPE_LVL_PTE, 0x5000, 4096, 0x901, F_RO,
	    PTSCOPE_S_ANON, 0);
	/* holes of two levels */
	add(PTS_HOLE, PTSCOPE_LVL_PTE, 0x6000, 0x1000, 0, 0, 0, 0);
	add(PTS_HOLE, PTSCOPE_LVL_PMD, 0x7000, 0x9000, 0, 0, 0, 0);
	/* gap: not contiguous with the previous entry */
	add(PTS_PRESENT, PTSCOPE_LVL_PTE, 0x20000, 4096, 0x902, F_RO,
	    PTSCOPE_S_ANON, 0);
	/* contiguous but another VMA */
	add(PTS_PRESENT, PTSCOPE_LVL_PTE, 0x21000, 4096, 0x903, F_RO,
	    PTSCOPE_S_ANON, 1);
	/* a 2M leaf next to it */
	add(PTS_PRESENT, PTSCOPE_LVL_PMD, 0x22000, 2 << 20, 0x1000, F_RO,
	    PTSCOPE_S_ANON | PTSCOPE_S_THP, 1);
	/* swap entry */
	add(PTS_SWAP, PTSCOPE_LVL_PTE, 0x222000, 4096, 0, 0,
	    PTSCOPE_S_SWAP | PTSCOPE_S_NONPRESENT, 1);
	return 0;
}

static void test_merge_runs(void **state)
{
	size_t n;

	(void)state;
	n = pts_merge(ents, nr, NULL, true, runs);
	assert_int_equal(n, 7);
	/* RW anon pages, frames contiguous only for the first three */
	assert_int_equal(runs[0].va, 0x1000);
	assert_int_equal(runs[0].size, 0x4000);
	assert_int_equal(runs[0].count, 4);
	assert_false(runs[0].contig);
	assert_int_equal(runs[1].va, 0x5000);
	assert_int_equal(runs[1].count, 1);
	assert_true(runs[1].contig);
	/* holes of two levels merge into one run */
	assert_int_equal(runs[2].va, 0x6000);
	assert_int_equal(runs[2].size, 0xa000);
	assert_int_equal(runs[2].level, PTS_LVL_MIXED);
	assert_int_equal(runs[3].va, 0x20000);
	assert_int_equal(runs[4].va, 0x21000);
	assert_int_equal(runs[5].level, PTSCOPE_LVL_PMD);
	assert_int_equal(runs[6].first->kind, PTS_SWAP);
}

static void test_merge_contig(void **state)
{
	size_t n;

	(void)state;
	n = pts_merge(ents, 3, NULL, true, runs);
	assert_int_equal(n, 1);
	assert_true(runs[0].contig);
	assert_int_equal(runs[0].count, 3);
}

static void test_no_merge(void **state)
{
	size_t n;

	(void)state;
	n = pts_merge(ents, nr, NULL, false, runs);
	assert_int_equal(n, nr);
	assert_int_equal(runs[6].level, PTSCOPE_LVL_PMD);
	assert_int_equal(runs[6].count, 1);
}

static void test_filter_flags(void **state)
{
	struct pts_filter f = { 0 };
	const char *bad;
	size_t n;

	(void)state;
	assert_int_equal(pts_parse_names("rw", pts_flag_names,
					 pts_nr_flag_names, &f.flags_set,
					 &f.flags_clear, &bad), 0);
	n = pts_merge(ents, nr, &f, true, runs);
	assert_int_equal(n, 1);
	assert_int_equal(runs[0].count, 4);

	memset(&f, 0, sizeof(f));
	assert_int_equal(pts_parse_names("present,!nx", pts_flag_names,
					 pts_nr_flag_names, &f.flags_set,
					 &f.flags_clear, &bad), 0);
	n = pts_merge(ents, nr, &f, false, runs);
	assert_int_equal(n, 4);
}

static void test_filter_state(void **state)
{
	struct pts_filter f = { 0 };
	const char *bad = NULL;
	size_t n;

	(void)state;
	assert_int_equal(pts_parse_state_filter("hole", &f, &bad), 0);
	n = pts_merge(ents, nr, &f, true, runs);
	assert_int_equal(n, 1);
	assert_int_equal(runs[0].first->kind, PTS_HOLE);

	memset(&f, 0, sizeof(f));
	assert_int_equal(pts_parse_state_filter("anon,!thp", &f, &bad), 0);
	n = pts_merge(ents, nr, &f, false, runs);
	assert_int_equal(n, 7);

	memset(&f, 0, sizeof(f));
	assert_int_equal(pts_parse_state_filter("swap", &f, &bad), 0);
	n = pts_merge(ents, nr, &f, false, runs);
	assert_int_equal(n, 1);

	memset(&f, 0, sizeof(f));
	assert_int_equal(pts_parse_state_filter("!present,!hole", &f, &bad),
			 0);
	n = pts_merge(ents, nr, &f, false, runs);
	assert_int_equal(n, 1);

	memset(&f, 0, sizeof(f));
	assert_int_equal(pts_parse_state_filter("anon,nope", &f, &bad),
			 -EINVAL);
	assert_string_equal(bad, "nope");
}

static void test_filter_size(void **state)
{
	struct pts_filter f = { 0 };
	size_t n;

	(void)state;
	assert_int_equal(pts_parse_pagesize("2m", &f.size), 0);
	n = pts_merge(ents, nr, &f, true, runs);
	assert_int_equal(n, 1);
	assert_int_equal(runs[0].va, 0x22000);

	assert_int_equal(pts_parse_pagesize("4k", &f.size), 0);
	n = pts_merge(ents, nr, &f, false, runs);
	assert_int_equal(n, 7);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_merge_runs, setup),
		cmocka_unit_test_setup(test_merge_contig, setup),
		cmocka_unit_test_setup(test_no_merge, setup),
		cmocka_unit_test_setup(test_filter_flags, setup),
		cmocka_unit_test_setup(test_filter_state, setup),
		cmocka_unit_test_setup(test_filter_size, setup),
	};

	return cmocka_run_group_tests_name("merge", tests, NULL, NULL);
}
