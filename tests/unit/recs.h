/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Hand-built ptscope.ko record streams for the unit tests.
 */
#ifndef PTS_TEST_RECS_H
#define PTS_TEST_RECS_H

#include <libgen.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pts.h"

struct recbuf {
	unsigned char buf[PTSCOPE_REC_SIZE * 64];
	size_t len;
	__u64 nr;
};

static inline void *rec_add(struct recbuf *b, const void *rec)
{
	void *p = b->buf + b->len;

	memcpy(p, rec, PTSCOPE_REC_SIZE);
	b->len += PTSCOPE_REC_SIZE;
	b->nr++;
	return p;
}

static inline struct ptscope_rec_header *rec_header(struct recbuf *b,
						    __u32 levels)
{
	struct ptscope_rec_header h = {
		.type = PTSCOPE_REC_HEADER,
		.rec_size = PTSCOPE_REC_SIZE,
		.magic = PTSCOPE_MAGIC,
		.version = PTSCOPE_ABI_VERSION,
		.pid = 42,
		.start = 0,
		.end = levels == 5 ? (1ULL << 56) - 4096 : (1ULL << 47) - 4096,
		.features = PTSCOPE_FEAT_PAGE_STATE |
			    (levels == 5 ? PTSCOPE_FEAT_LA57 : 0),
		.pgtable_levels = levels,
		.page_shift = 12,
		.virt_bits = levels == 5 ? 56 : 47,
		.phys_bits = 46,
		.task_size = levels == 5 ? (1ULL << 56) - 4096 :
					   (1ULL << 47) - 4096,
		.max_pfn = 0x600000,
	};

	return rec_add(b, &h);
}

static inline struct ptscope_rec_vma *rec_vma(struct recbuf *b, __u32 index,
					      __u64 start, __u64 end,
					      __u64 vm_flags, __u32 kind,
					      const char *name)
{
	struct ptscope_rec_vma v = {
		.type = PTSCOPE_REC_VMA,
		.index = index,
		.start = start,
		.end = end,
		.vm_flags = vm_flags,
		.kind = kind,
	};

	strncpy((char *)v.name, name, sizeof(v.name));
	return rec_add(b, &v);
}

static inline struct ptscope_rec_entry *rec_entry(struct recbuf *b,
						  __u32 vma, __u32 level,
						  __u64 va, __u64 size,
						  __u64 pfn, __u64 flags,
						  __u64 state)
{
	struct ptscope_rec_entry e = {
		.type = PTSCOPE_REC_ENTRY,
		.level = level,
		.va = va,
		.size = size,
		.raw = (pfn << 12) | 0x67 | (flags & PTSCOPE_F_NX ? 1ULL << 63 : 0),
		.pfn = pfn,
		.flags = flags,
		.state = state,
		.vma_index = vma,
		.mapcount = 1,
		.refcount = 1,
	};

	return rec_add(b, &e);
}

static inline struct ptscope_rec_entry *rec_hole(struct recbuf *b, __u32 vma,
						 __u32 level, __u64 va,
						 __u64 size)
{
	struct ptscope_rec_entry e = {
		.type = PTSCOPE_REC_HOLE,
		.level = level,
		.va = va,
		.size = size,
		.vma_index = vma,
	};

	return rec_add(b, &e);
}

static inline struct ptscope_rec_stats *rec_stats(struct recbuf *b)
{
	struct ptscope_rec_stats s = {
		.type = PTSCOPE_REC_STATS,
		.nr_levels = 4,
		.tables = { 1, 0, 2, 3, 4 },
		.leaves = { 0, 0, 0, 1, 6 },
	};

	return rec_add(b, &s);
}

static inline struct ptscope_rec_end *rec_end(struct recbuf *b, __u32 error)
{
	struct ptscope_rec_end e = {
		.type = PTSCOPE_REC_END,
		.error = error,
		.nr_records = b->nr,
	};

	return rec_add(b, &e);
}

#define RW_NX_USER	(PTSCOPE_F_PRESENT | PTSCOPE_F_RW | PTSCOPE_F_USER | \
			 PTSCOPE_F_ACCESSED | PTSCOPE_F_DIRTY | PTSCOPE_F_NX)
#define RX_USER		(PTSCOPE_F_PRESENT | PTSCOPE_F_USER | PTSCOPE_F_ACCESSED)

/*
 * The fixed model of the golden tests: a text VMA with 4K pages, a heap
 * with a 2M THP, anonymous 4K pages with a swap entry and holes.
 */
static inline void rec_sample(struct recbuf *b)
{
	memset(b, 0, sizeof(*b));
	rec_header(b, 4);
	rec_vma(b, 0, 0x400000, 0x403000, 0x75, PTSCOPE_VMA_FILE,
		"/usr/bin/demo");
	rec_entry(b, 0, PTSCOPE_LVL_PTE, 0x400000, 4096, 0x1000, RX_USER,
		  PTSCOPE_S_FILE);
	rec_entry(b, 0, PTSCOPE_LVL_PTE, 0x401000, 4096, 0x1001, RX_USER,
		  PTSCOPE_S_FILE);
	rec_hole(b, 0, PTSCOPE_LVL_PTE, 0x402000, 4096);
	rec_vma(b, 1, 0x600000, 0xa00000, 0x20100073, PTSCOPE_VMA_HEAP,
		"[heap]");
	rec_entry(b, 1, PTSCOPE_LVL_PMD, 0x600000, 1 << 21, 0x5400,
		  RW_NX_USER | PTSCOPE_F_PSE,
		  PTSCOPE_S_ANON | PTSCOPE_S_THP | PTSCOPE_S_ANON_EXCL);
	rec_hole(b, 1, PTSCOPE_LVL_PMD, 0x800000, 1 << 21);
	rec_vma(b, 2, 0x7f0000000000, 0x7f0000006000, 0x100073,
		PTSCOPE_VMA_ANON, "");
	rec_entry(b, 2, PTSCOPE_LVL_PTE, 0x7f0000000000, 4096, 0x2000,
		  RW_NX_USER, PTSCOPE_S_ANON);
	rec_entry(b, 2, PTSCOPE_LVL_PTE, 0x7f0000001000, 4096, 0x2001,
		  RW_NX_USER, PTSCOPE_S_ANON);
	rec_entry(b, 2, PTSCOPE_LVL_PTE, 0x7f0000002000, 4096, 0x2a00,
		  RW_NX_USER, PTSCOPE_S_ANON);
	rec_entry(b, 2, PTSCOPE_LVL_PTE, 0x7f0000003000, 4096, 0x77,
		  PTSCOPE_F_PRESENT | PTSCOPE_F_USER | PTSCOPE_F_NX,
		  PTSCOPE_S_ZERO);
	{
		struct ptscope_rec_entry *s;

		s = rec_entry(b, 2, PTSCOPE_LVL_PTE, 0x7f0000004000, 4096, 0,
			      0, PTSCOPE_S_ANON | PTSCOPE_S_SWAP |
			      PTSCOPE_S_NONPRESENT);
		s->raw = 0x3fffffffff0e;
		s->swap_type = 1;
		s->swap_offset = 0x1234;
		s->mapcount = 0;
		s->refcount = 0;
	}
	rec_hole(b, 2, PTSCOPE_LVL_PTE, 0x7f0000005000, 4096);
	rec_stats(b);
	rec_end(b, 0);
}

/*
 * A file next to the test binary (golden/..., ../../tools/ptscope), so the
 * tests run from any directory; @env overrides the whole path.
 */
static inline const char *test_path(const char *env, const char *rel)
{
	static char buf[PATH_MAX + 64];
	char exe[PATH_MAX];
	ssize_t n;

	if (env && getenv(env))
		return getenv(env);
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n <= 0)
		return rel;
	exe[n] = '\0';
	snprintf(buf, sizeof(buf), "%s/%s", dirname(exe), rel);
	return buf;
}

#endif /* PTS_TEST_RECS_H */
