/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ptscope: targets and the record generator.
 *
 * A generator turns a target into the record stream of
 * include/uapi/ptscope.h, a bounded window at a time: it walks the target
 * in chunks under mmap_read_lock(), keeps only the records of the current
 * window, and resumes the walk where the last chunk stopped.
 */
#ifndef _PTSCOPE_GEN_H
#define _PTSCOPE_GEN_H

#include <linux/types.h>

#include "query.h"
#include "rec.h"

struct mm_struct;

/**
 * struct ptscope_target - a resolved query
 * @mm:		the target's address space, pinned with mmgrab() (not
 *		mm_users: the target may still exit)
 * @q:		the query as parsed
 * @range:	its addresses, checked against @task_size
 * @task_size:	the target's TASK_SIZE
 */
struct ptscope_target {
	struct mm_struct *mm;
	struct ptscope_query q;
	struct ptscope_range range;
	u64 task_size;
};

int ptscope_target_resolve(const struct ptscope_query *q,
			   struct ptscope_target *t);
void ptscope_target_copy(struct ptscope_target *dst,
			 const struct ptscope_target *src);
void ptscope_target_release(struct ptscope_target *t);
int ptscope_target_mm_lock(const struct ptscope_target *t);
void ptscope_target_mm_unlock(const struct ptscope_target *t);

struct ptscope_gen;

struct ptscope_gen *ptscope_gen_create(const struct ptscope_target *t,
				       enum ptscope_view view);
void ptscope_gen_destroy(struct ptscope_gen *gen);
int ptscope_gen_window(struct ptscope_gen *gen, u64 idx,
		       const union ptscope_rec **recs, unsigned int *nr);

#endif /* _PTSCOPE_GEN_H */
