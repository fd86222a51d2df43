/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ptscope: text renderers.  They read records and write text; they never
 * see a task, an mm or a page.
 */
#ifndef _PTSCOPE_RENDER_H
#define _PTSCOPE_RENDER_H

#include <linux/types.h>

#include "query.h"
#include "rec.h"

/* The most text one record can produce */
#define PTSCOPE_RENDER_MAX	4096

/**
 * struct ptscope_tbuf - a text buffer being filled
 * @buf:	the bytes
 * @len:	bytes used
 * @cap:	size of @buf
 */
struct ptscope_tbuf {
	char *buf;
	size_t len;
	size_t cap;
};

/* Leaf levels as indexes 0..2: PUD, PMD, PTE */
#define PTSCOPE_LEAF_LEVELS	3
#define PTSCOPE_NR_STATE_BITS	21

/* smaps-style sharing classes: shared means mapcount > 1 */
enum ptscope_share {
	PTSCOPE_SHARED_CLEAN,
	PTSCOPE_SHARED_DIRTY,
	PTSCOPE_PRIVATE_CLEAN,
	PTSCOPE_PRIVATE_DIRTY,
	PTSCOPE_NR_SHARE,
};

/**
 * struct ptscope_render - renderer state across records
 * @view:	PTSCOPE_VIEW_* being rendered
 * @hdr:	the stream's header
 * @have_vma:	@vma holds the current VMA
 * @vma:	current VMA
 * @pages:	vmas: present pages of @vma per leaf level
 * @thp_pages:	vmas: 4K pages of @vma mapped by PMD/PUD THP leaves
 * @lf_pages:	vmas: 4K pages of @vma PTE-mapped from large folios
 * @share:	vmas and stats: 4K pages by enum ptscope_share, as smaps'
 *		Shared_/Private_ Clean/Dirty (of @vma, or of the whole walk)
 * @have_run:	pt: @run_* hold a run
 * @run_start:	pt: first address of the run
 * @run_end:	pt: end of the run
 * @run_count:	pt: entries in the run
 * @run_size:	pt: size of one entry
 * @run_flags:	pt: the PTSCOPE_F_* bits that define the run
 * @run_kind:	pt: the PTSCOPE_S_* bits that define the run
 * @run_level:	pt: level of the entries
 * @run_vma:	pt: VMA index of the entries
 * @nr_levels:	xlate: LEVEL records seen
 * @last:	xlate: the last LEVEL record
 * @eff:	xlate: effective USER/RW/NX over the levels
 * @state:	stats: entries per PTSCOPE_S_* bit and leaf level
 * @present:	stats: present leaves per leaf level
 * @nonpresent: stats: non-present entries per leaf level
 * @holes:	stats: hole records per level
 * @st:		stats: the STATS record
 */
struct ptscope_render {
	enum ptscope_view view;
	struct ptscope_rec_header hdr;
	bool have_vma;
	struct ptscope_rec_vma vma;
	u64 pages[PTSCOPE_LEAF_LEVELS];
	u64 thp_pages;
	u64 lf_pages;
	u64 share[PTSCOPE_NR_SHARE];
	bool have_run;
	u64 run_start;
	u64 run_end;
	u64 run_count;
	u64 run_size;
	u64 run_flags;
	u64 run_kind;
	u32 run_level;
	u32 run_vma;
	unsigned int nr_levels;
	struct ptscope_rec_level last;
	u64 eff;
	u64 state[PTSCOPE_NR_STATE_BITS][PTSCOPE_LEAF_LEVELS];
	u64 present[PTSCOPE_LEAF_LEVELS];
	u64 nonpresent[PTSCOPE_LEAF_LEVELS];
	u64 holes[PTSCOPE_NR_LEVELS];
	struct ptscope_rec_stats st;
};

void ptscope_render_init(struct ptscope_render *r, enum ptscope_view view);
void ptscope_render_rec(struct ptscope_render *r, const union ptscope_rec *rec,
			struct ptscope_tbuf *out);

#endif /* _PTSCOPE_RENDER_H */
