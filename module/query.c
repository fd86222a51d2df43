// SPDX-License-Identifier: GPL-2.0
/*
 * ptscope: query line parser.  See include/uapi/ptscope.h for the grammar.
 *
 * Everything here is a pure function of its arguments: the caller copies
 * the line from user space and resolves the pid.
 */
#include <linux/ctype.h>
#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/kstrtox.h>
#include <linux/limits.h>
#include <linux/mm.h>
#include <linux/string.h>

#include "uapi/ptscope.h"
#include "query.h"

static const char * const ptscope_view_names[PTSCOPE_NR_VIEWS] = {
	[PTSCOPE_VIEW_RECORDS]	= "records",
	[PTSCOPE_VIEW_VMAS]	= "vmas",
	[PTSCOPE_VIEW_PT]	= "pt",
	[PTSCOPE_VIEW_PTES]	= "ptes",
	[PTSCOPE_VIEW_XLATE]	= "xlate",
	[PTSCOPE_VIEW_STATS]	= "stats",
	[PTSCOPE_VIEW_LEVELS]	= "levels",
	[PTSCOPE_VIEW_FRAMES]	= "frames",
};

static const char * const ptscope_key_names[PTSCOPE_NR_KEYS] = {
	[PTSCOPE_KEY_PID]	= "pid",
	[PTSCOPE_KEY_START]	= "start",
	[PTSCOPE_KEY_END]	= "end",
	[PTSCOPE_KEY_ADDR]	= "addr",
	[PTSCOPE_KEY_VIEW]	= "view",
};

/**
 * ptscope_view_name() - the query name of a view
 * @view: PTSCOPE_VIEW_*
 *
 * Return: the name, or "?" for an unknown value.
 */
const char *ptscope_view_name(enum ptscope_view view)
{
	if ((unsigned int)view >= PTSCOPE_NR_VIEWS)
		return "?";
	return ptscope_view_names[view];
}

static bool ptscope_is_blank(char c)
{
	return c == ' ' || c == '\t';
}

static int ptscope_parse_view(const char *val, enum ptscope_view *view)
{
	int i = match_string(ptscope_view_names, PTSCOPE_NR_VIEWS, val);

	if (i < 0)
		return -EINVAL;
	*view = i;
	return 0;
}

/* One "key=value" or bare "N" token, NUL terminated, no blanks. */
static int ptscope_parse_token(char *tok, struct ptscope_query *q)
{
	char *val = strchr(tok, '=');
	u64 num;
	int key;

	if (val) {
		*val++ = '\0';
		key = match_string(ptscope_key_names, PTSCOPE_NR_KEYS, tok);
		if (key < 0)
			return -EINVAL;
	} else {
		key = PTSCOPE_KEY_PID;
		val = tok;
	}
	if (q->keys & BIT(key))
		return -EINVAL;
	q->keys |= BIT(key);

	if (key == PTSCOPE_KEY_VIEW)
		return ptscope_parse_view(val, &q->view);

	/* C notation; kstrtoull() refuses "", signs other than '+', junk */
	if (kstrtoull(val, 0, &num))
		return -EINVAL;

	switch (key) {
	case PTSCOPE_KEY_PID:
		if (num == 0 || num > INT_MAX)
			return -EINVAL;
		q->pid = num;
		break;
	case PTSCOPE_KEY_START:
		q->start = num;
		break;
	case PTSCOPE_KEY_END:
		q->end = num;
		break;
	case PTSCOPE_KEY_ADDR:
		q->addr = num;
		break;
	}
	return 0;
}

/**
 * ptscope_query_parse() - parse one query line
 * @buf: the line as written; need not be NUL terminated
 * @len: its length; one trailing newline is allowed
 * @q: out, the parsed query (zeroed first)
 *
 * Syntax only: addresses are checked against a target by
 * ptscope_query_range() and the pid is resolved by the caller.
 *
 * Return: 0, or -EINVAL for an oversized line, a control character or
 * embedded newline, an unknown, repeated or malformed key, a bad number,
 * pid <= 0 or > INT_MAX, or a missing pid.
 */
int ptscope_query_parse(const char *buf, size_t len, struct ptscope_query *q)
{
	char tok[PTSCOPE_QUERY_MAX + 1];
	size_t i, n;
	int err;

	memset(q, 0, sizeof(*q));
	q->view = PTSCOPE_VIEW_RECORDS;

	if (len > PTSCOPE_QUERY_MAX)
		return -EINVAL;
	if (len && buf[len - 1] == '\n')
		len--;
	for (i = 0; i < len; i++)
		if (!isprint(buf[i]) && !ptscope_is_blank(buf[i]))
			return -EINVAL;

	i = 0;
	for (;;) {
		while (i < len && ptscope_is_blank(buf[i]))
			i++;
		if (i == len)
			break;
		for (n = 0; i < len && !ptscope_is_blank(buf[i]); n++)
			tok[n] = buf[i++];
		tok[n] = '\0';
		err = ptscope_parse_token(tok, q);
		if (err)
			return err;
	}

	if (!(q->keys & BIT(PTSCOPE_KEY_PID)))
		return -EINVAL;
	return 0;
}

/**
 * ptscope_query_range() - check a query's addresses against a target
 * @q: a query from ptscope_query_parse()
 * @task_size: the target's TASK_SIZE (end of its user address space)
 * @range: out, the range to walk, page aligned, and the xlate address
 *
 * start defaults to 0, end to @task_size, addr to start.  Anything at or
 * above @task_size (non-canonical, kernel or beyond the 4- or 5-level user
 * limit) and empty or reversed ranges are refused.
 *
 * Return: 0 or -EINVAL.
 */
int ptscope_query_range(const struct ptscope_query *q, u64 task_size,
			struct ptscope_range *range)
{
	u64 start = (q->keys & BIT(PTSCOPE_KEY_START)) ? q->start : 0;
	u64 end = (q->keys & BIT(PTSCOPE_KEY_END)) ? q->end : task_size;
	u64 addr = (q->keys & BIT(PTSCOPE_KEY_ADDR)) ? q->addr : start;

	if (!task_size || !PAGE_ALIGNED(task_size) || task_size > ULONG_MAX)
		return -EINVAL;
	if (start >= task_size || end > task_size || start >= end ||
	    addr >= task_size)
		return -EINVAL;

	range->start = start & PAGE_MASK;
	range->end = PAGE_ALIGN(end);
	range->addr = addr;
	return 0;
}
