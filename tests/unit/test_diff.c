// SPDX-License-Identifier: GPL-2.0
/*
 * diff and share on hand-built models: every kind of mapping change
 * (added, removed, moved by vm_pgoff and by frames, resized at either
 * end, permissions) and of page change (present, gone, remapped, swap
 * slot moved, swapout, swapin, collapse, split, other), what is not a
 * change (accessed/dirty bits, mapcounts, pages of removed or moved
 * mappings); and share's classes, counts, PSS and group shares.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <json.h>

#include "pts.h"

#define K4	4096ULL

static struct pts_vma *vma(struct pts_model *m, __u64 start, __u64 end,
			   const char *perms, __u64 pgoff, const char *name)
{
	struct pts_vma *v = pts_model_add_vma(m);

	assert_non_null(v);
	v->start = start;
	v->end = end;
	v->pgoff = pgoff;
	snprintf(v->perms, sizeof(v->perms), "%s", perms);
	v->name = strdup(name);
	v->kind = PTSCOPE_VMA_ANON;
	return v;
}

static struct pts_entry *ent(struct pts_model *m, __u64 va, __u64 size,
			     int kind, __u64 pfn)
{
	struct pts_entry *e = pts_model_add_entry(m);

	assert_non_null(e);
	e->va = va;
	e->size = size;
	e->kind = kind;
	e->pfn = pfn;
	e->level = size == PTS_SZ_2M ? PTSCOPE_LVL_PMD : PTSCOPE_LVL_PTE;
	e->vma = pts_model_find_vma(m, va);
	e->state = kind == PTS_PRESENT ? PTSCOPE_S_ANON :
		   kind == PTS_SWAP ? PTSCOPE_S_SWAP | PTSCOPE_S_NONPRESENT :
		   PTSCOPE_S_MIGRATION_R | PTSCOPE_S_NONPRESENT;
	assert_true(e->vma != (__u32)-1);
	return e;
}

static struct pts_entry *swp(struct pts_model *m, __u64 va, __u64 off)
{
	struct pts_entry *e = ent(m, va, K4, PTS_SWAP, 0);

	e->swap_offset = off;
	return e;
}

#define V0	0x10000ULL
#define V6	0x400000ULL

static void build(struct pts_model *a, struct pts_model *b)
{
	struct pts_entry *e;
	__u64 i;

	pts_model_init(a);
	pts_model_init(b);
	a->arch.levels = b->arch.levels = 4;

	/* A's mappings */
	vma(a, V0, V0 + 0x10000, "rw-p", 0x10, "");		/* same */
	vma(a, 0x30000, 0x40000, "rw-p", 0x30, "");		/* removed */
	vma(a, 0x50000, 0x60000, "rw-p", 0x50, "/lib/x");	/* perms */
	vma(a, 0x70000, 0x80000, "rw-p", 0x70, "");		/* grows up */
	vma(a, 0x90000, 0xa0000, "rw-p", 0x90, "[stack]");	/* grows down */
	vma(a, 0xa8000, 0xb0000, "rw-p", 0xa8, "");		/* moved by pgoff */
	vma(a, 0xb8000, 0xc0000, "rw-p", 0, "");		/* moved by frames */
	vma(a, 0xd0000, 0xd8000, "rw-p", 0, "");		/* not moved */
	vma(a, V6, V6 + 0x400000, "rw-p", 0x400, "");		/* THPs */

	/* B's mappings */
	vma(b, V0, V0 + 0x10000, "rw-p", 0x10, "");
	vma(b, 0x50000, 0x60000, "r--p", 0x50, "/lib/x");
	vma(b, 0x70000, 0x88000, "rw-p", 0x70, "");
	vma(b, 0x8c000, 0xa0000, "rw-p", 0x8c, "[stack]");
	vma(b, 0xc0000, 0xc4000, "rw-p", 0xc0, "");		/* added */
	vma(b, V6, V6 + 0x400000, "rw-p", 0x400, "");
	vma(b, 0x1000000, 0x1008000, "rw-p", 0xa8, "");		/* moved */
	vma(b, 0x2000000, 0x2008000, "rw-p", 0, "");		/* moved */
	vma(b, 0x3000000, 0x3008000, "rw-p", 0, "");		/* added */

	/* pages of V0, page by page */
	ent(a, V0 + 0 * K4, K4, PTS_PRESENT, 100);		/* same */
	ent(b, V0 + 0 * K4, K4, PTS_PRESENT, 100);
	ent(a, V0 + 1 * K4, K4, PTS_PRESENT, 101);		/* remapped */
	ent(b, V0 + 1 * K4, K4, PTS_PRESENT, 201);
	ent(b, V0 + 2 * K4, K4, PTS_PRESENT, 202);		/* present */
	ent(a, V0 + 3 * K4, K4, PTS_PRESENT, 103);		/* gone */
	ent(a, V0 + 4 * K4, K4, PTS_PRESENT, 104);		/* swapout */
	swp(b, V0 + 4 * K4, 4);
	swp(a, V0 + 5 * K4, 5);					/* swapin */
	ent(b, V0 + 5 * K4, K4, PTS_PRESENT, 205);
	swp(a, V0 + 6 * K4, 6);					/* slot moved */
	swp(b, V0 + 6 * K4, 66);
	ent(a, V0 + 7 * K4, K4, PTS_NONPRESENT, 0);		/* other */
	ent(b, V0 + 7 * K4, K4, PTS_PRESENT, 207);
	e = ent(a, V0 + 8 * K4, K4, PTS_PRESENT, 108);		/* same frame */
	e->flags = PTSCOPE_F_ACCESSED | PTSCOPE_F_DIRTY;
	e->mapcount = 2;
	e = ent(b, V0 + 8 * K4, K4, PTS_PRESENT, 108);
	e->mapcount = 1;
	e->state |= PTSCOPE_S_ANON_EXCL;
	swp(a, V0 + 9 * K4, 9);					/* same slot */
	swp(b, V0 + 9 * K4, 9);
	swp(b, V0 + 10 * K4, 10);				/* new, swapped */
	/* pages of the removed mapping: not listed */
	ent(a, 0x30000, K4, PTS_PRESENT, 300);
	/* the perms mapping: a page remapped */
	ent(a, 0x50000, K4, PTS_PRESENT, 500);
	ent(b, 0x50000, K4, PTS_PRESENT, 501);
	/* the grown-up mapping: a page in the common part gone, one new */
	ent(a, 0x71000, K4, PTS_PRESENT, 710);
	ent(b, 0x84000, K4, PTS_PRESENT, 840);
	/* moved by pgoff: frames need not match */
	ent(a, 0xa8000, K4, PTS_PRESENT, 0xa80);
	/* THP in B (entries in address order): one 2M leaf, 512 small */
	ent(b, V6, PTS_SZ_2M, PTS_PRESENT, 0x20000);
	for (i = 0; i < 512; i++)
		ent(b, V6 + PTS_SZ_2M + i * K4, K4, PTS_PRESENT, 0x30000 + i);
	/* moved by frames: one frame kept at the same offset */
	ent(a, 0xb9000, K4, PTS_PRESENT, 0xb90);
	ent(b, 0x2001000, K4, PTS_PRESENT, 0xb90);
	/* not moved: no frame in common with the anon one of B */
	ent(a, 0xd0000, K4, PTS_PRESENT, 0xd00);
	/* THP in A: 512 small pages (collapsed in B), a 2M leaf (split) */
	for (i = 0; i < 512; i++)
		ent(a, V6 + i * K4, K4, PTS_PRESENT, 0x10000 + i);
	ent(a, V6 + PTS_SZ_2M, PTS_SZ_2M, PTS_PRESENT, 0x30000);
	ent(b, 0x3000000, K4, PTS_PRESENT, 0x3000);
}

static const struct pts_pchange *pc_at(const struct pts_diff *d, __u64 va)
{
	size_t i;

	for (i = 0; i < d->nr_pc; i++)
		if (d->pc[i].va == va)
			return &d->pc[i];
	return NULL;
}

static const struct pts_mchange *mc_of(const struct pts_diff *d,
				       const struct pts_model *a,
				       const struct pts_model *b, __u64 start)
{
	size_t i;

	for (i = 0; i < d->nr_mc; i++) {
		if (d->mc[i].a != PTS_NONE && a->vmas[d->mc[i].a].start == start)
			return &d->mc[i];
		if (d->mc[i].a == PTS_NONE && b->vmas[d->mc[i].b].start == start)
			return &d->mc[i];
	}
	return NULL;
}

static void want_pc(const struct pts_diff *d, __u64 va, int kind, __u64 size)
{
	const struct pts_pchange *p = pc_at(d, va);

	if (!p)
		fail_msg("no page change at 0x%llx (%s expected)",
			 (unsigned long long)va, pts_pchange_name(kind));
	if (p->kind != kind || p->size != size)
		fail_msg("0x%llx: %s of %llu, expected %s of %llu",
			 (unsigned long long)va, pts_pchange_name(p->kind),
			 (unsigned long long)p->size, pts_pchange_name(kind),
			 (unsigned long long)size);
}

static void want_mc(const struct pts_diff *d, const struct pts_model *a,
		    const struct pts_model *b, __u64 start, int kind)
{
	const struct pts_mchange *m = mc_of(d, a, b, start);

	if (!m || m->kind != kind)
		fail_msg("mapping 0x%llx: %s, expected %s",
			 (unsigned long long)start,
			 m ? pts_mchange_name(m->kind) : "no change",
			 pts_mchange_name(kind));
}

static void test_kinds(void **state)
{
	struct pts_model a, b;
	struct pts_diff d;

	(void)state;
	build(&a, &b);
	assert_int_equal(pts_diff_compute(&a, &b, &d), 0);

	want_mc(&d, &a, &b, 0x30000, PTS_MC_REMOVED);
	want_mc(&d, &a, &b, 0x50000, PTS_MC_PERMS);
	want_mc(&d, &a, &b, 0x70000, PTS_MC_RESIZED);
	want_mc(&d, &a, &b, 0x90000, PTS_MC_RESIZED);
	want_mc(&d, &a, &b, 0xa8000, PTS_MC_MOVED);
	assert_true(b.vmas[mc_of(&d, &a, &b, 0xa8000)->b].start == 0x1000000);
	want_mc(&d, &a, &b, 0xb8000, PTS_MC_MOVED);
	assert_true(b.vmas[mc_of(&d, &a, &b, 0xb8000)->b].start == 0x2000000);
	want_mc(&d, &a, &b, 0xd0000, PTS_MC_REMOVED);
	want_mc(&d, &a, &b, 0xc0000, PTS_MC_ADDED);
	want_mc(&d, &a, &b, 0x3000000, PTS_MC_ADDED);
	assert_null(mc_of(&d, &a, &b, V0));
	assert_null(mc_of(&d, &a, &b, V6));
	assert_int_equal(d.nr_mc, 9);
	assert_int_equal(d.mcount[PTS_MC_ADDED], 2);
	assert_int_equal(d.mcount[PTS_MC_REMOVED], 2);
	assert_int_equal(d.mcount[PTS_MC_MOVED], 2);
	assert_int_equal(d.mcount[PTS_MC_RESIZED], 2);
	assert_int_equal(d.mcount[PTS_MC_PERMS], 1);

	want_pc(&d, V0 + 1 * K4, PTS_PC_REMAPPED, K4);
	want_pc(&d, V0 + 2 * K4, PTS_PC_PRESENT, K4);
	want_pc(&d, V0 + 3 * K4, PTS_PC_GONE, K4);
	want_pc(&d, V0 + 4 * K4, PTS_PC_SWAPOUT, K4);
	want_pc(&d, V0 + 5 * K4, PTS_PC_SWAPIN, K4);
	want_pc(&d, V0 + 6 * K4, PTS_PC_REMAPPED, K4);
	want_pc(&d, V0 + 7 * K4, PTS_PC_OTHER, K4);
	want_pc(&d, V0 + 10 * K4, PTS_PC_SWAPOUT, K4);
	want_pc(&d, 0x50000, PTS_PC_REMAPPED, K4);
	want_pc(&d, 0x71000, PTS_PC_GONE, K4);
	want_pc(&d, V6, PTS_PC_COLLAPSE, PTS_SZ_2M);
	want_pc(&d, V6 + PTS_SZ_2M, PTS_PC_SPLIT, PTS_SZ_2M);
	assert_int_equal(pc_at(&d, V6)->na, 512);
	assert_int_equal(pc_at(&d, V6)->nb, 1);
	assert_int_equal(pc_at(&d, V6 + PTS_SZ_2M)->na, 1);
	assert_int_equal(pc_at(&d, V6 + PTS_SZ_2M)->nb, 512);
	/* not changes: same frames, same slot, pages outside common ranges */
	assert_null(pc_at(&d, V0));
	assert_null(pc_at(&d, V0 + 8 * K4));
	assert_null(pc_at(&d, V0 + 9 * K4));
	assert_null(pc_at(&d, 0x30000));
	assert_null(pc_at(&d, 0x84000));
	assert_null(pc_at(&d, 0xa8000));
	assert_null(pc_at(&d, 0x2001000));
	assert_int_equal(d.nr_pc, 12);
	assert_int_equal(d.pcount[PTS_PC_REMAPPED], 3);
	assert_int_equal(d.pcount[PTS_PC_SWAPOUT], 2);
	assert_true(d.pbytes[PTS_PC_COLLAPSE] == PTS_SZ_2M);
	/* in address order */
	for (size_t i = 1; i < d.nr_pc; i++)
		assert_true(d.pc[i - 1].va < d.pc[i].va);
	pts_diff_free(&d);

	/* a model against itself: nothing */
	assert_int_equal(pts_diff_compute(&a, &a, &d), 0);
	assert_int_equal(d.nr_mc + d.nr_pc, 0);
	pts_diff_free(&d);
	pts_model_free(&a);
	pts_model_free(&b);
}

/* the JSON of a diff is one document with the counts and the detail */
static void test_render(void **state)
{
	struct pts_snapinfo si = { .comm = "x" };
	struct pts_ctx ctx = { .json = true };
	struct pts_model a, b;
	struct pts_diff d;
	char *buf = NULL;
	size_t len = 0;
	FILE *f;

	(void)state;
	build(&a, &b);
	assert_int_equal(pts_diff_compute(&a, &b, &d), 0);
	f = open_memstream(&buf, &len);
	ctx.out = ctx.err = f;
	assert_int_equal(pts_diff_render(&ctx, &a, &si, &b, &si, &d, f), 0);
	fclose(f);
	assert_non_null(strstr(buf, "\"differences\":21"));
	assert_non_null(strstr(buf, "\"collapse\":{\"count\":1,\"bytes\":2097152}"));
	assert_non_null(strstr(buf, "{\"change\":\"moved\",\"a\":{\"start\":\"0xa8000\""));
	assert_non_null(strstr(buf, "\"change\":\"swapout\",\"va\":\"0x14000\",\"size\":4096,\"a\":{\"entries\":1,\"type\":\"present\""));
	free(buf);
	buf = NULL;
	/* pretty: the same document, json-c reads it */
	ctx.pretty = true;
	f = open_memstream(&buf, &len);
	ctx.out = f;
	assert_int_equal(pts_diff_render(&ctx, &a, &si, &b, &si, &d, f), 0);
	fclose(f);
	{
		struct json_object *o = json_tokener_parse(buf), *v;

		assert_non_null(o);
		assert_true(json_object_object_get_ex(o, "differences", &v));
		assert_int_equal(json_object_get_int(v), 21);
		assert_true(json_object_object_get_ex(o, "pages", &v));
		assert_int_equal(json_object_array_length(v), 12);
		json_object_put(o);
	}
	free(buf);
	buf = NULL;
	ctx.pretty = false;
	ctx.json = false;
	f = open_memstream(&buf, &len);
	ctx.out = f;
	assert_int_equal(pts_diff_render(&ctx, &a, &si, &b, &si, &d, f), 0);
	fclose(f);
	assert_non_null(strstr(buf, "mappings: 2 added, 2 removed, 2 moved, 2 resized, 1 permissions changed"));
	assert_non_null(strstr(buf, "perms     0x50000-0x60000 rw-p -> r--p /lib/x"));
	assert_non_null(strstr(buf, "split     0x600000 2M pfn 0x30000 (2M) -> 512 entries"));
	free(buf);
	pts_diff_free(&d);
	pts_model_free(&a);
	pts_model_free(&b);
}

/* share */

static void proc_model(struct pts_model *m, __u32 pid)
{
	pts_model_init(m);
	m->pid = pid;
	m->known = PTS_K_MAPCOUNT;
	vma(m, 0x10000, 0x20000, "rw-p", 0, "");
	vma(m, 0x400000, 0x800000, "rw-p", 0, "");
}

static struct pts_entry *pg(struct pts_model *m, __u64 va, __u64 pfn,
			    __u64 state, __u32 mapcount)
{
	struct pts_entry *e = ent(m, va, K4, PTS_PRESENT, pfn);

	e->state = state;
	e->mapcount = mapcount;
	return e;
}

static void test_share(void **state)
{
	struct pts_model m[3];
	struct pts_share s;
	struct pts_entry *e;
	size_t i;

	(void)state;
	proc_model(&m[0], 10);
	proc_model(&m[1], 11);
	proc_model(&m[2], 12);
	/* cow, file, shmem, ksm, zero: in 0 and 1; private pages apart */
	pg(&m[0], 0x10000, 100, PTSCOPE_S_ANON, 2);
	pg(&m[0], 0x11000, 200, PTSCOPE_S_FILE, 4);
	pg(&m[0], 0x12000, 300, PTSCOPE_S_SHMEM, 2);
	pg(&m[0], 0x13000, 400, PTSCOPE_S_ANON | PTSCOPE_S_KSM, 9);
	pg(&m[0], 0x14000, 500, PTSCOPE_S_ZERO, 0);
	pg(&m[0], 0x15000, 600, PTSCOPE_S_ANON, 1);
	pg(&m[0], 0x16000, 0x1003, PTSCOPE_S_ANON, 2);	/* in 2's THP */
	pg(&m[1], 0x10000, 100, PTSCOPE_S_ANON, 2);
	pg(&m[1], 0x11000, 200, PTSCOPE_S_FILE, 4);
	pg(&m[1], 0x12000, 300, PTSCOPE_S_SHMEM, 2);
	pg(&m[1], 0x13000, 400, PTSCOPE_S_ANON | PTSCOPE_S_KSM, 9);
	pg(&m[1], 0x14000, 500, PTSCOPE_S_ZERO, 0);
	pg(&m[1], 0x15000, 700, PTSCOPE_S_ANON, 1);
	/* 2 maps the file page twice, and a THP */
	pg(&m[2], 0x11000, 200, PTSCOPE_S_FILE, 4);
	pg(&m[2], 0x12000, 200, PTSCOPE_S_FILE, 4);
	e = ent(&m[2], 0x400000, PTS_SZ_2M, PTS_PRESENT, 0x1000);
	e->state = PTSCOPE_S_ANON | PTSCOPE_S_THP;
	e->mapcount = 2;

	assert_int_equal(pts_share_compute(m, 3, &s), 0);
	assert_int_equal(s.nr_frames, 6);
	assert_int_equal(s.total[PTS_SH_COW], 2);	/* 100, 0x1003 */
	assert_int_equal(s.total[PTS_SH_FILE], 1);
	assert_int_equal(s.total[PTS_SH_SHMEM], 1);
	assert_int_equal(s.total[PTS_SH_KSM], 1);
	assert_int_equal(s.total[PTS_SH_ZERO], 1);
	assert_int_equal(s.total[PTS_SH_OTHER], 0);
	for (i = 0; i < s.nr_frames; i++) {
		const struct pts_sframe *f = &s.frames[i];

		if (i)
			assert_true(s.frames[i - 1].pfn < f->pfn);
		if (f->pfn == 200) {
			assert_int_equal(f->nmaps, 4);
			assert_int_equal(f->nprocs, 3);
			assert_int_equal(f->mapcount, 4);
		} else {
			assert_int_equal(f->nmaps, 2);
			assert_int_equal(f->nprocs, 2);
		}
	}
	/* process 0: 6 pages counted (zero page out), shared by class */
	assert_true(s.procs[0].rss == 6 * K4);
	assert_true(s.procs[0].shared[PTS_SH_COW] == 2 * K4);
	assert_true(s.procs[0].shared[PTS_SH_ZERO] == K4);
	assert_true(s.procs[2].rss == (2 + 512) * K4);
	assert_true(s.procs[2].shared[PTS_SH_FILE] == 2 * K4);
	assert_true(s.procs[2].shared[PTS_SH_COW] == K4);
	/* PSS = sum 4096 / mapcount */
	assert_float_equal(s.procs[0].pss,
			   K4 / 2.0 + K4 / 4.0 + K4 / 2.0 + K4 / 9.0 + K4 +
			   K4 / 2.0, 0.001);
	/* group shares add up to the distinct frames, zero page out */
	assert_float_equal(s.procs[0].gshare + s.procs[1].gshare +
			   s.procs[2].gshare, (6 + 512) * K4, 0.001);
	assert_float_equal(s.procs[2].gshare,
			   2 * K4 / 4.0 + 511 * K4 + K4 / 2.0, 0.001);
	/* mappings with shared pages: the first of 0 and 1, both of 2 */
	assert_int_equal(s.nr_vmas, 4);
	pts_share_free(&s);
	for (i = 0; i < 3; i++)
		pts_model_free(&m[i]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kinds),
		cmocka_unit_test(test_render),
		cmocka_unit_test(test_share),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
