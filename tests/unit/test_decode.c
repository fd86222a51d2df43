// SPDX-License-Identifier: GPL-2.0
/*
 * Decoding of the ptscope.ko record stream from hand-built buffers.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "recs.h"

static struct recbuf b;
static struct pts_model m;
static struct pts_decoder d;

static int setup(void **state)
{
	(void)state;
	memset(&b, 0, sizeof(b));
	pts_model_init(&m);
	pts_decoder_init(&d, &m);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	pts_model_free(&m);
	return 0;
}

static int decode_all(void)
{
	int err = pts_decode_feed(&d, b.buf, b.len);

	return err ? err : pts_decode_finish(&d);
}

static void test_header(void **state)
{
	(void)state;
	rec_header(&b, 5);
	rec_end(&b, 0);
	assert_int_equal(decode_all(), 0);
	assert_int_equal(m.source, PTS_SRC_MODULE);
	assert_int_equal(m.pid, 42);
	assert_int_equal(m.arch.levels, 5);
	assert_int_equal(m.arch.virt_bits, 56);
	assert_int_equal(m.arch.phys_bits, 46);
	assert_true(m.arch.features & PTSCOPE_FEAT_LA57);
	assert_true(m.known & PTS_K_RAW);
	assert_true(m.known & PTS_K_MAPCOUNT);
	assert_int_equal(m.nr_vmas, 0);
}

static void test_vma(void **state)
{
	(void)state;
	rec_header(&b, 4);
	rec_vma(&b, 0, 0x400000, 0x402000, 0x75, PTSCOPE_VMA_FILE,
		"/usr/bin/demo");
	rec_end(&b, 0);
	assert_int_equal(decode_all(), 0);
	assert_int_equal(m.nr_vmas, 1);
	assert_int_equal(m.vmas[0].start, 0x400000);
	assert_int_equal(m.vmas[0].end, 0x402000);
	assert_string_equal(m.vmas[0].name, "/usr/bin/demo");
	assert_string_equal(m.vmas[0].perms, "r-xp");
	assert_string_equal(m.vmas[0].flagstr, "rd ex mr mw me");
	assert_int_equal(m.vmas[0].kind, PTSCOPE_VMA_FILE);
}

static void test_vma_name_not_terminated(void **state)
{
	struct ptscope_rec_vma *v;

	(void)state;
	rec_header(&b, 4);
	v = rec_vma(&b, 0, 0x1000, 0x2000, 0x3, PTSCOPE_VMA_ANON, "");
	memset(v->name, 'x', sizeof(v->name));
	rec_end(&b, 0);
	assert_int_equal(decode_all(), 0);
	assert_int_equal(strlen(m.vmas[0].name), 64);
}

static void test_entry(void **state)
{
	struct ptscope_rec_entry *e;

	(void)state;
	rec_header(&b, 4);
	rec_vma(&b, 0, 0x600000, 0xa00000, 0x73, PTSCOPE_VMA_HEAP, "[heap]");
	e = rec_entry(&b, 0, PTSCOPE_LVL_PMD, 0x600000, 1 << 21, 0x5400,
		      RW_NX_USER | PTSCOPE_F_PSE,
		      PTSCOPE_S_ANON | PTSCOPE_S_THP);
	e->pkey = 3;
	e->folio_order = 9;
	rec_entry(&b, 0, PTSCOPE_LVL_PTE, 0x800000, 4096, 0, 0,
		  PTSCOPE_S_SWAP | PTSCOPE_S_NONPRESENT);
	rec_entry(&b, 0, PTSCOPE_LVL_PTE, 0x801000, 4096, 0, 0,
		  PTSCOPE_S_MIGRATION_R | PTSCOPE_S_NONPRESENT);
	rec_end(&b, 0);
	assert_int_equal(decode_all(), 0);
	assert_int_equal(m.nr_entries, 3);
	assert_int_equal(m.entries[0].kind, PTS_PRESENT);
	assert_int_equal(m.entries[0].level, PTSCOPE_LVL_PMD);
	assert_int_equal(m.entries[0].pfn, 0x5400);
	assert_int_equal(m.entries[0].pkey, 3);
	assert_int_equal(m.entries[0].folio_order, 9);
	assert_int_equal(m.entries[0].vma, 0);
	assert_int_equal(m.entries[1].kind, PTS_SWAP);
	assert_int_equal(m.entries[2].kind, PTS_NONPRESENT);
	assert_int_equal(m.vmas[0].present[1], 1);
	assert_int_equal(m.vmas[0].present[0], 0);
	assert_int_equal(m.vmas[0].swapped, 1);
}

static void test_holes_coalesce(void **state)
{
	(void)state;
	rec_header(&b, 4);
	rec_vma(&b, 0, 0x1000, 0x10000, 0x3, PTSCOPE_VMA_ANON, "");
	rec_hole(&b, 0, PTSCOPE_LVL_PTE, 0x1000, 4096);
	rec_hole(&b, 0, PTSCOPE_LVL_PTE, 0x2000, 4096);
	rec_hole(&b, 0, PTSCOPE_LVL_PMD, 0x3000, 0xd000);
	rec_end(&b, 0);
	assert_int_equal(decode_all(), 0);
	/* same level and contiguous: one; another level: a second */
	assert_int_equal(m.nr_entries, 2);
	assert_int_equal(m.entries[0].kind, PTS_HOLE);
	assert_int_equal(m.entries[0].size, 0x2000);
	assert_int_equal(m.entries[1].level, PTSCOPE_LVL_PMD);
}

static void test_level_and_stats(void **state)
{
	struct ptscope_rec_level l = {
		.type = PTSCOPE_REC_LEVEL,
		.level = PTSCOPE_LVL_PGD,
		.va = 0x7f0000000123,
		.table_pa = 0x1000,
		.entry_pa = 0x1000 + 254 * 8,
		.raw = 0x2067,
		.index = 254,
		.shift = 39,
		.present = 1,
	};

	(void)state;
	rec_header(&b, 4);
	rec_add(&b, &l);
	l.level = PTSCOPE_LVL_PTE;
	l.leaf = 1;
	l.pa = 0x5123;
	rec_add(&b, &l);
	rec_stats(&b);
	rec_end(&b, 0);
	assert_int_equal(decode_all(), 0);
	assert_int_equal(m.nr_steps, 2);
	assert_true(m.known & PTS_K_XLATE);
	assert_int_equal(m.steps[0].index, 254);
	assert_int_equal(m.steps[0].table_pa, 0x1000);
	assert_true(m.steps[1].leaf);
	assert_int_equal(m.steps[1].pa, 0x5123);
	assert_true(m.stats.valid);
	assert_int_equal(m.stats.tables[PTSCOPE_LVL_PTE], 4);
	assert_int_equal(m.stats.leaves[PTSCOPE_LVL_PTE], 6);
}

/* 4-level paging: the top table may be reported at the P4D level */
static void test_folded_p4d(void **state)
{
	struct ptscope_rec_level l = {
		.type = PTSCOPE_REC_LEVEL,
		.level = PTSCOPE_LVL_P4D,
		.table_pa = 0x1000,
		.index = 255,
	};
	struct ptscope_rec_stats *st;

	(void)state;
	rec_header(&b, 4);
	rec_add(&b, &l);
	l.level = PTSCOPE_LVL_PGD;
	rec_add(&b, &l);	/* the same table again: dropped */
	rec_vma(&b, 0, 0x1000, 0x2000, 0x3, PTSCOPE_VMA_ANON, "");
	rec_hole(&b, 0, PTSCOPE_LVL_P4D, 0x1000, 0x1000);
	st = rec_stats(&b);
	memset(st->tables, 0, sizeof(st->tables));
	st->tables[PTSCOPE_LVL_P4D] = 1;
	st->tables[PTSCOPE_LVL_PUD] = 2;
	rec_end(&b, 0);
	assert_int_equal(decode_all(), 0);
	assert_int_equal(m.nr_steps, 1);
	assert_int_equal(m.steps[0].level, PTSCOPE_LVL_PGD);
	assert_int_equal(m.entries[0].level, PTSCOPE_LVL_PGD);
	assert_int_equal(m.stats.tables[PTSCOPE_LVL_PGD], 1);
	assert_int_equal(m.stats.tables[PTSCOPE_LVL_P4D], 0);
	assert_int_equal(m.stats.tables[PTSCOPE_LVL_PUD], 2);
}

static void test_sample(void **state)
{
	(void)state;
	rec_sample(&b);
	assert_int_equal(decode_all(), 0);
	assert_int_equal(m.nr_vmas, 3);
	assert_int_equal(m.nr_entries, 11);
	assert_int_equal(m.vmas[2].present[0], 4);
	assert_int_equal(m.vmas[2].swapped, 1);
}

static void test_bad_magic(void **state)
{
	struct ptscope_rec_header *h;

	(void)state;
	h = rec_header(&b, 4);
	h->magic ^= 1;
	rec_end(&b, 0);
	assert_int_equal(decode_all(), -EBADMSG);
	assert_non_null(strstr(d.msg, "magic"));
}

static void test_bad_version(void **state)
{
	struct ptscope_rec_header *h;

	(void)state;
	h = rec_header(&b, 4);
	h->version = PTSCOPE_ABI_VERSION + 1;
	rec_end(&b, 0);
	assert_int_equal(decode_all(), -EPROTONOSUPPORT);
}

static void test_bad_rec_size(void **state)
{
	struct ptscope_rec_header *h;

	(void)state;
	h = rec_header(&b, 4);
	h->rec_size = 64;
	assert_int_equal(decode_all(), -EBADMSG);
}

static void test_bad_levels(void **state)
{
	struct ptscope_rec_header *h;

	(void)state;
	h = rec_header(&b, 4);
	h->pgtable_levels = 3;
	assert_int_equal(decode_all(), -EBADMSG);
}

static void test_no_header(void **state)
{
	(void)state;
	rec_vma(&b, 0, 0x1000, 0x2000, 0x3, PTSCOPE_VMA_ANON, "");
	assert_int_equal(decode_all(), -EBADMSG);
}

static void test_truncated(void **state)
{
	(void)state;
	rec_sample(&b);
	/* drop the END record: the result is partial */
	b.len -= PTSCOPE_REC_SIZE;
	assert_int_equal(pts_decode_feed(&d, b.buf, b.len), 0);
	assert_int_equal(pts_decode_finish(&d), -EPROTO);
	assert_non_null(strstr(d.msg, "partial"));
}

static void test_empty(void **state)
{
	(void)state;
	assert_int_equal(pts_decode_finish(&d), -EPROTO);
}

static void test_partial_record(void **state)
{
	(void)state;
	rec_sample(&b);
	assert_int_equal(pts_decode_feed(&d, b.buf, PTSCOPE_REC_SIZE + 7),
			 -EINVAL);
}

static void test_chunked(void **state)
{
	size_t off;

	(void)state;
	rec_sample(&b);
	for (off = 0; off < b.len; off += PTSCOPE_REC_SIZE)
		assert_int_equal(pts_decode_feed(&d, b.buf + off,
						 PTSCOPE_REC_SIZE), 0);
	assert_int_equal(pts_decode_finish(&d), 0);
	assert_int_equal(m.nr_entries, 11);
}

static void test_end_error(void **state)
{
	(void)state;
	rec_header(&b, 4);
	rec_end(&b, ESRCH);
	assert_int_equal(pts_decode_feed(&d, b.buf, b.len), 0);
	assert_int_equal(pts_decode_finish(&d), -ESRCH);
}

static void test_end_count(void **state)
{
	struct ptscope_rec_end *e;

	(void)state;
	rec_header(&b, 4);
	e = rec_end(&b, 0);
	e->nr_records = 5;
	assert_int_equal(decode_all(), -EBADMSG);
}

static void test_after_end(void **state)
{
	(void)state;
	rec_header(&b, 4);
	rec_end(&b, 0);
	rec_vma(&b, 0, 0x1000, 0x2000, 0x3, PTSCOPE_VMA_ANON, "");
	assert_int_equal(decode_all(), -EBADMSG);
}

static void test_entry_without_vma(void **state)
{
	(void)state;
	rec_header(&b, 4);
	rec_entry(&b, 0, PTSCOPE_LVL_PTE, 0x1000, 4096, 1, RX_USER, 0);
	rec_end(&b, 0);
	assert_int_equal(decode_all(), -EBADMSG);
}

static void test_entry_wrong_vma(void **state)
{
	(void)state;
	rec_header(&b, 4);
	rec_vma(&b, 0, 0x1000, 0x2000, 0x3, PTSCOPE_VMA_ANON, "");
	rec_entry(&b, 1, PTSCOPE_LVL_PTE, 0x1000, 4096, 1, RX_USER, 0);
	rec_end(&b, 0);
	assert_int_equal(decode_all(), -EBADMSG);
}

static void test_entry_bad_level(void **state)
{
	(void)state;
	rec_header(&b, 4);
	rec_vma(&b, 0, 0x1000, 0x2000, 0x3, PTSCOPE_VMA_ANON, "");
	rec_entry(&b, 0, PTSCOPE_NR_LEVELS, 0x1000, 4096, 1, RX_USER, 0);
	rec_end(&b, 0);
	assert_int_equal(decode_all(), -EBADMSG);
}

static void test_vma_out_of_order(void **state)
{
	(void)state;
	rec_header(&b, 4);
	rec_vma(&b, 0, 0x5000, 0x6000, 0x3, PTSCOPE_VMA_ANON, "");
	rec_vma(&b, 1, 0x1000, 0x2000, 0x3, PTSCOPE_VMA_ANON, "");
	rec_end(&b, 0);
	assert_int_equal(decode_all(), -EBADMSG);
}

static void test_unknown_type_skipped(void **state)
{
	unsigned char rec[PTSCOPE_REC_SIZE] = { 99 };

	(void)state;
	rec_header(&b, 4);
	rec_add(&b, rec);
	rec_end(&b, 0);
	assert_int_equal(decode_all(), 0);
}

static void test_second_header(void **state)
{
	(void)state;
	rec_header(&b, 4);
	rec_header(&b, 4);
	rec_end(&b, 0);
	assert_int_equal(decode_all(), -EBADMSG);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_header, setup, teardown),
		cmocka_unit_test_setup_teardown(test_vma, setup, teardown),
		cmocka_unit_test_setup_teardown(test_vma_name_not_terminated,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_entry, setup, teardown),
		cmocka_unit_test_setup_teardown(test_holes_coalesce, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_level_and_stats, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_folded_p4d, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_sample, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_magic, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_version, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_bad_rec_size, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_bad_levels, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_no_header, setup, teardown),
		cmocka_unit_test_setup_teardown(test_truncated, setup, teardown),
		cmocka_unit_test_setup_teardown(test_empty, setup, teardown),
		cmocka_unit_test_setup_teardown(test_partial_record, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_chunked, setup, teardown),
		cmocka_unit_test_setup_teardown(test_end_error, setup, teardown),
		cmocka_unit_test_setup_teardown(test_end_count, setup, teardown),
		cmocka_unit_test_setup_teardown(test_after_end, setup, teardown),
		cmocka_unit_test_setup_teardown(test_entry_without_vma, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_entry_wrong_vma, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_entry_bad_level, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_vma_out_of_order, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_unknown_type_skipped, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_second_header, setup,
						teardown),
	};

	return cmocka_run_group_tests_name("decode", tests, NULL, NULL);
}
