/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ptscope: the query line ("pid=N start=A end=B addr=C view=V").
 *
 * Pure functions: no task, mm or user-space access, so they can be tested
 * in isolation (KUnit).
 */
#ifndef _PTSCOPE_QUERY_H
#define _PTSCOPE_QUERY_H

#include <linux/types.h>
#include <linux/bits.h>

enum ptscope_view {
	PTSCOPE_VIEW_RECORDS,
	PTSCOPE_VIEW_VMAS,
	PTSCOPE_VIEW_PT,
	PTSCOPE_VIEW_PTES,
	PTSCOPE_VIEW_XLATE,
	PTSCOPE_VIEW_STATS,
	PTSCOPE_VIEW_LEVELS,
	PTSCOPE_VIEW_FRAMES,
	PTSCOPE_NR_VIEWS,
};

enum ptscope_query_key {
	PTSCOPE_KEY_PID,
	PTSCOPE_KEY_START,
	PTSCOPE_KEY_END,
	PTSCOPE_KEY_ADDR,
	PTSCOPE_KEY_VIEW,
	PTSCOPE_NR_KEYS,
};

/**
 * struct ptscope_query - a parsed query line
 * @keys:	BIT(PTSCOPE_KEY_*) for every key given
 * @pid:	target pid, > 0
 * @start:	start=, when given
 * @end:	end=, when given
 * @addr:	addr=, when given
 * @view:	view=, PTSCOPE_VIEW_RECORDS by default
 */
struct ptscope_query {
	unsigned int keys;
	int pid;
	u64 start;
	u64 end;
	u64 addr;
	enum ptscope_view view;
};

/**
 * struct ptscope_range - the query's addresses checked against a target
 * @start:	first address walked, rounded down to a page
 * @end:	end of the walk (exclusive), rounded up to a page
 * @addr:	address for view=xlate and view=levels
 */
struct ptscope_range {
	unsigned long start;
	unsigned long end;
	unsigned long addr;
};

int ptscope_query_parse(const char *buf, size_t len, struct ptscope_query *q);
int ptscope_query_range(const struct ptscope_query *q, u64 task_size,
			struct ptscope_range *range);
const char *ptscope_view_name(enum ptscope_view view);

#endif /* _PTSCOPE_QUERY_H */
