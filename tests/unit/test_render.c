// SPDX-License-Identifier: GPL-2.0
/*
 * Golden-output rendering of a small fixed model, plain and JSON.  The
 * JSON is also parsed back with json-c.  "make golden" rewrites the files
 * under golden/ (PTS_UPDATE_GOLDEN=1); review the diff before committing.
 * The golden files are found next to the binary, or in $PTS_GOLDEN_DIR.
 */
#include <errno.h>
#include <json.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "golden.h"

static struct pts_model m;
static struct pts_ctx ctx;
static char *text;
static size_t text_len;
static FILE *out;

/* a fresh context writing to the in-memory stream output() reads */
static void open_output(void)
{
	memset(&ctx, 0, sizeof(ctx));
	out = open_memstream(&text, &text_len);
	ctx.out = out;
	ctx.err = stderr;
}

/* decode the records in @b (freed) into m */
static void load_model(struct recbuf *b)
{
	struct pts_decoder d;

	pts_model_init(&m);
	pts_decoder_init(&d, &m);
	assert_int_equal(pts_decode_feed(&d, b->buf, b->len), 0);
	assert_int_equal(pts_decode_finish(&d), 0);
	free(b);
}

static int setup_module(void **state)
{
	struct recbuf *b = malloc(sizeof(*b));

	(void)state;
	rec_sample(b);
	load_model(b);
	open_output();
	return 0;
}

/* 5-level paging, an address above 47 bits, and LEVEL records */
static int setup_module5(void **state)
{
	static const __u64 va = 0x123456789abcULL | (3ULL << 48);
	struct recbuf *b = malloc(sizeof(*b));
	struct ptscope_rec_level l;
	int lvl;

	(void)state;
	memset(b, 0, sizeof(*b));
	rec_header(b, 5);
	for (lvl = PTSCOPE_LVL_PGD; lvl <= PTSCOPE_LVL_PTE; lvl++) {
		int shift = pts_level_shift(lvl, 5);

		memset(&l, 0, sizeof(l));
		l.type = PTSCOPE_REC_LEVEL;
		l.level = lvl;
		l.va = va;
		l.table_pa = 0x100000ULL * (lvl + 1);
		l.index = (va >> shift) & 0x1ff;
		l.entry_pa = l.table_pa + l.index * 8;
		l.shift = shift;
		l.present = 1;
		l.leaf = lvl == PTSCOPE_LVL_PTE;
		l.raw = lvl == PTSCOPE_LVL_PTE ? 0x8000000076543067ULL :
			0x100000ULL * (lvl + 2) | 0x67;
		l.flags = PTSCOPE_F_PRESENT | PTSCOPE_F_RW | PTSCOPE_F_USER |
			  PTSCOPE_F_ACCESSED | PTSCOPE_F_DIRTY;
		if (l.leaf) {
			l.flags |= PTSCOPE_F_NX;
			l.pa = (0x76543ULL << 12) | (va & 0xfff);
		}
		rec_add(b, &l);
	}
	rec_vma(b, 0, va & ~0xfffffULL, (va & ~0xfffffULL) + 0x100000,
		0x73, PTSCOPE_VMA_ANON, "");
	rec_entry(b, 0, PTSCOPE_LVL_PTE, va & ~0xfffULL, 4096, 0x76543,
		  RW_NX_USER, PTSCOPE_S_ANON);
	rec_end(b, 0);
	load_model(b);
	open_output();
	return 0;
}

/* the same kind of process as seen through /proc */
static int setup_proc(void **state)
{
	static const __u64 pm[8] = {
		PTS_PM_PRESENT | PTS_PM_FILE | 0x1000,
		PTS_PM_PRESENT | PTS_PM_FILE | 0x1001,
		0,
		PTS_PM_PRESENT | PTS_PM_EXCLUSIVE | PTS_PM_SOFT_DIRTY | 0x2000,
		PTS_PM_PRESENT | PTS_PM_EXCLUSIVE | PTS_PM_SOFT_DIRTY | 0x2001,
		PTS_PM_SWAP | (0x1234ULL << 5) | 1,
		0,
		0,
	};
	struct pts_fill f = { .nr = 3, .pm = pm, .va = 0x400000 };
	struct pts_vma *v;

	(void)state;
	pts_model_init(&m);
	m.source = PTS_SRC_PROC;
	m.pid = 43;
	m.end = (1ULL << 47) - 4096;
	m.arch.levels = 4;
	m.arch.virt_bits = 47;
	m.arch.page_shift = 12;
	m.arch.task_size = m.end;
	m.known = PTS_K_PFN | PTS_K_VMFLAGS | PTS_K_SCAN;
	m.flags_known = PTSCOPE_F_PRESENT | PTSCOPE_F_SOFT_DIRTY |
			PTSCOPE_F_UFFD_WP;
	m.vmpte = 12288;
	pts_model_note(&m, "ptscope.ko not available, using /proc");
	v = pts_model_add_vma(&m);
	v->start = 0x400000;
	v->end = 0x403000;
	memcpy(v->perms, "r-xp", 5);
	strcpy(v->flagstr, "rd ex mr mw me");
	v->kind = PTSCOPE_VMA_FILE;
	v->name = strdup("/usr/bin/demo");
	v = pts_model_add_vma(&m);
	v->start = 0x7f0000000000;
	v->end = 0x7f0000005000;
	memcpy(v->perms, "rw-p", 5);
	strcpy(v->flagstr, "rd wr mr mw me ac");
	v->kind = PTSCOPE_VMA_ANON;
	v->name = strdup("");
	assert_int_equal(pts_fill_pagemap(&m, &f), 0);
	f.vma = 1;
	f.va = 0x7f0000000000;
	f.pm = pm + 3;
	f.nr = 5;
	assert_int_equal(pts_fill_pagemap(&m, &f), 0);
	open_output();
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	if (out)
		fclose(out);
	out = NULL;
	free(text);
	text = NULL;
	pts_model_free(&m);
	return 0;
}

static const char *output(void)
{
	fflush(out);
	return text;
}

static void check_golden(const char *name)
{
	check_golden_str(name, output());
}

static struct json_object *parse_json(void)
{
	struct json_object *o = json_tokener_parse(output());

	assert_non_null(o);
	assert_true(json_object_is_type(o, json_type_object));
	return o;
}

static struct json_object *get(struct json_object *o, const char *key)
{
	struct json_object *v = NULL;

	if (!json_object_object_get_ex(o, key, &v))
		fail_msg("no key '%s'", key);
	return v;
}

static void test_vma_plain(void **state)
{
	(void)state;
	assert_int_equal(pts_render_vmas(&ctx, &m, out), 0);
	check_golden("vma.txt");
}

static void test_vma_bytes_raw(void **state)
{
	(void)state;
	ctx.bytes = true;
	ctx.raw = true;
	ctx.noheadings = true;
	ctx.output = "START,SIZE,RSS,KIND,NAME";
	assert_int_equal(pts_render_vmas(&ctx, &m, out), 0);
	check_golden("vma_raw.txt");
}

static void test_vma_json(void **state)
{
	struct json_object *o, *vmas, *v;

	(void)state;
	ctx.json = true;
	assert_int_equal(pts_render_vmas(&ctx, &m, out), 0);
	check_golden("vma.json");
	o = parse_json();
	assert_string_equal(json_object_get_string(get(o, "source")),
			    "module");
	assert_int_equal(json_object_get_int(get(o, "pid")), 42);
	vmas = get(o, "vmas");
	assert_int_equal(json_object_array_length(vmas), 3);
	v = json_object_array_get_idx(vmas, 1);
	assert_string_equal(json_object_get_string(get(v, "start")),
			    "0x600000");
	assert_int_equal(json_object_get_int64(get(v, "size")), 4 << 20);
	assert_int_equal(json_object_get_int64(get(v, "rss")), 2 << 20);
	assert_int_equal(json_object_get_int(get(v, "pages_2m")), 1);
	assert_true(json_object_is_type(get(v, "flags"), json_type_array));
	assert_string_equal(json_object_get_string(get(v, "name")), "[heap]");
	json_object_put(o);
}

static void test_bad_column(void **state)
{
	(void)state;
	ctx.output = "START,BOGUS";
	ctx.err = fopen("/dev/null", "w");
	assert_int_equal(pts_render_vmas(&ctx, &m, out), -PTS_EUSAGE);
	fclose(ctx.err);
}

static void test_pt_plain(void **state)
{
	struct pts_run runs[16];
	size_t n;

	(void)state;
	n = pts_merge(m.entries, m.nr_entries, NULL, true, runs);
	assert_int_equal(pts_render_pt(&ctx, &m, runs, n, true, out), 0);
	check_golden("pt.txt");
}

static void test_pt_all(void **state)
{
	struct pts_run runs[16];
	size_t n;

	(void)state;
	ctx.output = "+RAW,MAPCOUNT,SWAPTYPE,SWAPOFF,NAME";
	n = pts_merge(m.entries, m.nr_entries, NULL, false, runs);
	assert_int_equal(pts_render_pt(&ctx, &m, runs, n, false, out), 0);
	check_golden("pt_all.txt");
}

static void test_pt_json(void **state)
{
	struct json_object *o, *ents, *e;
	struct pts_run runs[16];
	size_t n;

	(void)state;
	ctx.json = true;
	ctx.pretty = true;
	n = pts_merge(m.entries, m.nr_entries, NULL, true, runs);
	assert_int_equal(pts_render_pt(&ctx, &m, runs, n, true, out), 0);
	check_golden("pt.json");
	o = parse_json();
	assert_true(json_object_get_boolean(get(o, "merged")));
	ents = get(o, "entries");
	assert_int_equal(json_object_array_length(ents), n);
	e = json_object_array_get_idx(ents, 0);
	assert_int_equal(json_object_get_int(get(e, "count")), 2);
	assert_int_equal(json_object_get_int64(get(e, "pfn")), 0x1000);
	assert_string_equal(json_object_get_string(get(e, "level")), "pte");
	e = json_object_array_get_idx(ents, 1);
	assert_string_equal(json_object_get_string(get(e, "type")), "hole");
	assert_true(json_object_is_type(get(e, "pfn"), json_type_null));
	json_object_put(o);
}

static void test_vtop_explain(void **state)
{
	struct pts_xlate x;

	(void)state;
	pts_xlate_compute(&m, 0x6abcde, &x);
	assert_non_null(x.entry);
	assert_int_equal(x.pa, (0x5400ULL << 12) + 0xabcde);
	assert_int_equal(pts_render_vtop(&ctx, &m, &x, true, out), 0);
	check_golden("vtop.txt");
}

static void test_vtop_json(void **state)
{
	struct json_object *o, *b, *row;
	struct pts_xlate x;

	(void)state;
	ctx.json = true;
	pts_xlate_compute(&m, 0x7f0000001abc, &x);
	assert_int_equal(pts_render_vtop(&ctx, &m, &x, true, out), 0);
	check_golden("vtop.json");
	o = parse_json();
	assert_string_equal(json_object_get_string(get(o, "phys")),
			    "0x2001abc");
	assert_int_equal(json_object_get_int64(get(o, "page_size")), 4096);
	b = get(o, "breakdown");
	assert_int_equal(json_object_array_length(b), 6);
	row = json_object_array_get_idx(b, 1);
	assert_string_equal(json_object_get_string(get(row, "field")), "pgd");
	assert_int_equal(json_object_get_int(get(row, "value")), 254);
	row = json_object_array_get_idx(b, 5);
	assert_string_equal(json_object_get_string(get(row, "field")),
			    "offset");
	assert_int_equal(json_object_get_int(get(row, "value")), 0xabc);
	json_object_put(o);
}

static void test_vtop_swapped(void **state)
{
	struct pts_xlate x;

	(void)state;
	pts_xlate_compute(&m, 0x7f0000004010, &x);
	assert_int_equal(x.entry->kind, PTS_SWAP);
	assert_int_equal(pts_render_vtop(&ctx, &m, &x, true, out), 0);
	check_golden("vtop_swap.txt");
}

static void test_vtop_5level(void **state)
{
	struct pts_xlate x;

	(void)state;
	pts_xlate_compute(&m, 0x3123456789abcULL, &x);
	assert_non_null(x.entry);
	assert_int_equal(x.pa, 0x76543abc);
	assert_int_equal(m.nr_steps, 5);
	assert_int_equal(pts_render_vtop(&ctx, &m, &x, true, out), 0);
	check_golden("vtop5.txt");
}

static void test_stats_plain(void **state)
{
	(void)state;
	assert_int_equal(pts_render_stats(&ctx, &m, out), 0);
	check_golden("stats.txt");
}

static void test_stats_json(void **state)
{
	struct json_object *o, *lv, *sum;

	(void)state;
	ctx.json = true;
	assert_int_equal(pts_render_stats(&ctx, &m, out), 0);
	check_golden("stats.json");
	o = parse_json();
	lv = get(o, "levels");
	assert_int_equal(json_object_array_length(lv), 5);
	sum = get(o, "summary");
	assert_int_equal(json_object_get_int64(get(sum, "table_pages")), 10);
	assert_int_equal(json_object_get_int64(get(sum, "flat_bytes")),
			 1ULL << 38);
	assert_false(json_object_get_boolean(get(sum, "tables_estimated")));
	json_object_put(o);
}

static void test_proc_pt_plain(void **state)
{
	struct pts_run runs[16];
	size_t n;

	(void)state;
	ctx.output = "+RAW,MAPCOUNT,NAME";
	n = pts_merge(m.entries, m.nr_entries, NULL, true, runs);
	assert_int_equal(pts_render_pt(&ctx, &m, runs, n, true, out), 0);
	check_golden("proc_pt.txt");
}

static void test_proc_pt_json(void **state)
{
	struct json_object *o, *ents, *e, *unk;
	struct pts_run runs[16];
	size_t n;

	(void)state;
	ctx.json = true;
	ctx.output = "+RAW";
	n = pts_merge(m.entries, m.nr_entries, NULL, true, runs);
	assert_int_equal(pts_render_pt(&ctx, &m, runs, n, true, out), 0);
	check_golden("proc_pt.json");
	o = parse_json();
	assert_string_equal(json_object_get_string(get(o, "source")), "proc");
	unk = get(o, "unknown");
	assert_true(json_object_array_length(unk) > 5);
	assert_string_equal(json_object_get_string(
				json_object_array_get_idx(unk, 0)), "raw");
	ents = get(o, "entries");
	e = json_object_array_get_idx(ents, 0);
	assert_true(json_object_is_type(get(e, "raw"), json_type_null));
	assert_int_equal(json_object_get_int64(get(e, "pfn")), 0x1000);
	json_object_put(o);
}

static void test_proc_stats(void **state)
{
	(void)state;
	assert_int_equal(pts_render_stats(&ctx, &m, out), 0);
	check_golden("proc_stats.txt");
}

static void test_proc_vtop(void **state)
{
	struct pts_xlate x;

	(void)state;
	pts_xlate_compute(&m, 0x7f0000001008, &x);
	assert_int_equal(x.pa, 0x2001008);
	assert_int_equal(pts_render_vtop(&ctx, &m, &x, true, out), 0);
	check_golden("proc_vtop.txt");
}

static void test_error_json(void **state)
{
	struct json_object *o;

	(void)state;
	ctx.json = true;
	assert_int_equal(pts_error(&ctx, ESRCH, "pid %u", 123), -ESRCH);
	/* only the first error is reported */
	pts_error(&ctx, EIO, "second");
	o = parse_json();
	assert_string_equal(json_object_get_string(get(o, "error")),
			    "pid 123: No such process");
	assert_int_equal(json_object_get_int(get(o, "errno")), ESRCH);
	json_object_put(o);
}

#define T(f, s) cmocka_unit_test_setup_teardown(f, s, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_vma_plain, setup_module),
		T(test_vma_bytes_raw, setup_module),
		T(test_vma_json, setup_module),
		T(test_bad_column, setup_module),
		T(test_pt_plain, setup_module),
		T(test_pt_all, setup_module),
		T(test_pt_json, setup_module),
		T(test_vtop_explain, setup_module),
		T(test_vtop_json, setup_module),
		T(test_vtop_swapped, setup_module),
		T(test_vtop_5level, setup_module5),
		T(test_stats_plain, setup_module),
		T(test_stats_json, setup_module),
		T(test_proc_pt_plain, setup_proc),
		T(test_proc_pt_json, setup_proc),
		T(test_proc_stats, setup_proc),
		T(test_proc_vtop, setup_proc),
		T(test_error_json, setup_module),
	};

	return cmocka_run_group_tests_name("render", tests, NULL, NULL);
}
