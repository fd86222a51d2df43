// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: the query line (module/query.c) against the grammar of
 * include/uapi/ptscope.h, and range checks against the x86-64 user address
 * space limits.
 *
 * Expected values come from the ABI header's grammar (C numbers, one line,
 * at most PTSCOPE_QUERY_MAX bytes, pid > 0, repeated or unknown keys
 * refused) and from the x86-64 architecture: a user address space of
 * 2^47 bytes with 4-level paging and 2^56 with 5-level paging, of which
 * Linux keeps the last page as a guard (TASK_SIZE_MAX = 2^N - PAGE_SIZE);
 * addresses from 2^47 (2^56) up to the kernel half are non-canonical.
 */
#include <kunit/test.h>
#include <linux/errno.h>
#include <linux/limits.h>
#include <linux/mm.h>
#include <linux/string.h>

#include "uapi/ptscope.h"
#include "query.h"

#define KEY(k)	BIT(PTSCOPE_KEY_##k)

/* x86-64 user address space ends: 2^47 or 2^56 minus the guard page */
#define TS4	(BIT_ULL(47) - 4096)
#define TS5	(BIT_ULL(56) - 4096)

struct query_case {
	const char *line;
	int err;
	unsigned int keys;
	int pid;
	u64 start;
	u64 end;
	u64 addr;
	enum ptscope_view view;
};

static const struct query_case query_cases[] = {
	/* accepted */
	{ "pid=1", 0, KEY(PID), 1 },
	{ "1", 0, KEY(PID), 1 },			/* bare N is pid=N */
	{ "pid=42\n", 0, KEY(PID), 42 },		/* one trailing newline */
	{ " \tpid=7\t start=0x1000  end=0x2000 ", 0,
	  KEY(PID) | KEY(START) | KEY(END), 7, 0x1000, 0x2000 },
	{ "pid=0x10", 0, KEY(PID), 16 },		/* C hex */
	{ "pid=010", 0, KEY(PID), 8 },		/* C octal */
	{ "pid=2147483647", 0, KEY(PID), 2147483647 },	/* INT_MAX */
	{ "view=pt pid=3", 0, KEY(PID) | KEY(VIEW), 3, .view = PTSCOPE_VIEW_PT },
	{ "pid=3 view=records", 0, KEY(PID) | KEY(VIEW), 3,
	  .view = PTSCOPE_VIEW_RECORDS },
	{ "pid=3 view=vmas", 0, KEY(PID) | KEY(VIEW), 3, .view = PTSCOPE_VIEW_VMAS },
	{ "pid=3 view=ptes", 0, KEY(PID) | KEY(VIEW), 3, .view = PTSCOPE_VIEW_PTES },
	{ "pid=3 view=xlate addr=0x7fff0000", 0,
	  KEY(PID) | KEY(VIEW) | KEY(ADDR), 3, .addr = 0x7fff0000,
	  .view = PTSCOPE_VIEW_XLATE },
	{ "pid=3 view=stats", 0, KEY(PID) | KEY(VIEW), 3,
	  .view = PTSCOPE_VIEW_STATS },
	{ "pid=3 view=levels", 0, KEY(PID) | KEY(VIEW), 3,
	  .view = PTSCOPE_VIEW_LEVELS },
	{ "pid=3 view=frames start=0x1000", 0,
	  KEY(PID) | KEY(VIEW) | KEY(START), 3, 0x1000,
	  .view = PTSCOPE_VIEW_FRAMES },
	/* syntax only: the range is checked later */
	{ "pid=1 start=0xffffffffffffffff end=0", 0,
	  KEY(PID) | KEY(START) | KEY(END), 1, U64_MAX, 0 },
	/* refused */
	{ "", -EINVAL },				/* no pid */
	{ "\n", -EINVAL },
	{ "   \t ", -EINVAL },
	{ "start=0x1000", -EINVAL },			/* no pid */
	{ "pid=0", -EINVAL },
	{ "0", -EINVAL },
	{ "pid=-1", -EINVAL },
	{ "pid=2147483648", -EINVAL },			/* INT_MAX + 1 */
	{ "pid=", -EINVAL },
	{ "pid=abc", -EINVAL },
	{ "pid=1x", -EINVAL },
	{ "pid=08", -EINVAL },				/* not octal */
	{ "pid=1 pid=2", -EINVAL },			/* repeated */
	{ "1 pid=2", -EINVAL },				/* repeated, bare */
	{ "pid=1 2", -EINVAL },
	{ "pid=1 start=1 start=2", -EINVAL },
	{ "pid=1 foo=2", -EINVAL },			/* unknown key */
	{ "pid=1 =2", -EINVAL },
	{ "pid=1 PID=2", -EINVAL },
	{ "pid=1 view=bogus", -EINVAL },
	{ "pid=1 view=", -EINVAL },
	{ "pid=1 view=pt view=pt", -EINVAL },
	{ "pid=1 start=18446744073709551616", -EINVAL },	/* 2^64 */
	{ "pid=1 end=0x10000000000000000", -EINVAL },
	{ "pid=1\n\n", -EINVAL },			/* two lines */
	{ "pid=1\nstart=0", -EINVAL },
	{ "pid=1\r", -EINVAL },				/* control */
	{ "pid=1\x01", -EINVAL },
	{ "pid=1\x7f", -EINVAL },			/* DEL */
	{ "pid=1 \xe2\x80\x8b", -EINVAL },		/* non-ASCII */
};

static void query_case_desc(const struct query_case *c, char *desc)
{
	size_t i, n = 0;

	/* printable: control bytes as \xNN */
	for (i = 0; c->line[i] && n + 5 < KUNIT_PARAM_DESC_SIZE; i++) {
		unsigned char ch = c->line[i];

		if (ch >= 0x20 && ch < 0x7f)
			desc[n++] = ch;
		else
			n += snprintf(desc + n, KUNIT_PARAM_DESC_SIZE - n,
				      "\\x%02x", ch);
	}
	desc[n] = '\0';
	if (!n)
		strscpy(desc, "(empty)", KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(query, query_cases, query_case_desc);

static void query_parse_test(struct kunit *test)
{
	const struct query_case *c = test->param_value;
	struct ptscope_query q;
	int err;

	err = ptscope_query_parse(c->line, strlen(c->line), &q);
	KUNIT_EXPECT_EQ(test, err, c->err);
	if (err)
		return;
	KUNIT_EXPECT_EQ(test, q.keys, c->keys);
	KUNIT_EXPECT_EQ(test, q.pid, c->pid);
	KUNIT_EXPECT_EQ(test, q.start, c->start);
	KUNIT_EXPECT_EQ(test, q.end, c->end);
	KUNIT_EXPECT_EQ(test, q.addr, c->addr);
	KUNIT_EXPECT_EQ(test, q.view, c->view);
}

/* The line is (buf, len): nothing past len is read, no NUL needed */
static void query_len_bounds_test(struct kunit *test)
{
	const char buf[] = { 'p', 'i', 'd', '=', '1', '2', '3', '4', '5' };
	struct ptscope_query q;

	KUNIT_EXPECT_EQ(test, ptscope_query_parse(buf, 6, &q), 0);
	KUNIT_EXPECT_EQ(test, q.pid, 12);
	KUNIT_EXPECT_EQ(test, ptscope_query_parse(buf, sizeof(buf), &q), 0);
	KUNIT_EXPECT_EQ(test, q.pid, 12345);
	KUNIT_EXPECT_EQ(test, ptscope_query_parse(buf, 4, &q), -EINVAL);
}

/* At most PTSCOPE_QUERY_MAX bytes, the newline included; never truncated */
static void query_max_len_test(struct kunit *test)
{
	const size_t max = PTSCOPE_QUERY_MAX;
	struct ptscope_query q;
	char *buf;

	buf = kunit_kmalloc(test, max + 2, GFP_KERNEL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, buf);

	/* "pid=1" then blanks up to exactly max bytes: accepted */
	memset(buf, ' ', max + 2);
	memcpy(buf, "pid=1", 5);
	KUNIT_EXPECT_EQ(test, ptscope_query_parse(buf, max, &q), 0);
	KUNIT_EXPECT_EQ(test, q.pid, 1);
	/* one more byte: refused, whatever it is */
	KUNIT_EXPECT_EQ(test, ptscope_query_parse(buf, max + 1, &q), -EINVAL);
	buf[max] = '\n';
	KUNIT_EXPECT_EQ(test, ptscope_query_parse(buf, max + 1, &q), -EINVAL);
	/* max - 1 bytes and a newline: max bytes, accepted */
	buf[max - 1] = '\n';
	KUNIT_EXPECT_EQ(test, ptscope_query_parse(buf, max, &q), 0);

	/* a pid at the very end of a full line is still read whole */
	memset(buf, ' ', max);
	memcpy(buf + max - 6, "pid=99", 6);
	KUNIT_EXPECT_EQ(test, ptscope_query_parse(buf, max, &q), 0);
	KUNIT_EXPECT_EQ(test, q.pid, 99);
}

/* A failed parse leaves nothing of an earlier query behind */
static void query_reset_test(struct kunit *test)
{
	struct ptscope_query q;

	KUNIT_ASSERT_EQ(test, ptscope_query_parse("pid=5 start=0x1000 view=pt",
						  26, &q), 0);
	KUNIT_EXPECT_EQ(test, ptscope_query_parse("pid=6", 5, &q), 0);
	KUNIT_EXPECT_EQ(test, q.keys, (unsigned int)KEY(PID));
	KUNIT_EXPECT_EQ(test, q.start, 0ULL);
	KUNIT_EXPECT_EQ(test, q.view, PTSCOPE_VIEW_RECORDS);
}

static void query_view_name_test(struct kunit *test)
{
	static const char * const names[] = {
		"records", "vmas", "pt", "ptes", "xlate", "stats", "levels",
		"frames",
	};
	struct ptscope_query q;
	char line[32];
	int i;

	KUNIT_ASSERT_EQ(test, ARRAY_SIZE(names), (size_t)PTSCOPE_NR_VIEWS);
	for (i = 0; i < PTSCOPE_NR_VIEWS; i++) {
		/* every view the header lists parses, and its name round-trips */
		snprintf(line, sizeof(line), "pid=1 view=%s", names[i]);
		KUNIT_EXPECT_EQ(test, ptscope_query_parse(line, strlen(line), &q),
				0);
		KUNIT_EXPECT_STREQ(test, ptscope_view_name(q.view), names[i]);
	}
	KUNIT_EXPECT_STREQ(test, ptscope_view_name(PTSCOPE_NR_VIEWS), "?");
	KUNIT_EXPECT_STREQ(test, ptscope_view_name((enum ptscope_view)-1), "?");
}

struct range_case {
	const char *name;
	u64 task_size;
	unsigned int keys;
	u64 start, end, addr;
	int err;
	unsigned long r_start, r_end, r_addr;
};

static const struct range_case range_cases[] = {
	{ "defaults 4-level", TS4, 0, 0, 0, 0, 0, 0, TS4, 0 },
	{ "defaults 5-level", TS5, 0, 0, 0, 0, 0, 0, TS5, 0 },
	{ "start and end rounded out to pages", TS4, KEY(START) | KEY(END),
	  0x1234, 0x5001, 0, 0, 0x1000, 0x6000, 0x1234 },
	{ "addr kept as given", TS4, KEY(START) | KEY(ADDR),
	  0x2000, 0, 0x7fff12345678, 0, 0x2000, TS4, 0x7fff12345678 },
	{ "last user page, 4-level", TS4, KEY(START), TS4 - 1, 0, 0, 0,
	  TS4 - 4096, TS4, TS4 - 1 },
	{ "end in the last page rounds to TASK_SIZE", TS4, KEY(END), 0,
	  TS4 - 1, 0, 0, 0, TS4, 0 },
	{ "end at TASK_SIZE", TS5, KEY(START) | KEY(END), BIT_ULL(47), TS5,
	  0, 0, BIT_ULL(47), TS5, BIT_ULL(47) },
	{ "start at TASK_SIZE (guard page)", TS4, KEY(START), TS4, 0, 0,
	  -EINVAL },
	{ "end past TASK_SIZE", TS4, KEY(END), 0, TS4 + 1, 0, -EINVAL },
	{ "2^47 non-canonical with 4 levels", TS4, KEY(START),
	  BIT_ULL(47), 0, 0, -EINVAL },
	{ "2^47 user with 5 levels", TS5, KEY(START), BIT_ULL(47), 0, 0, 0,
	  BIT_ULL(47), TS5, BIT_ULL(47) },
	{ "2^56 non-canonical with 5 levels", TS5, KEY(START),
	  BIT_ULL(56), 0, 0, -EINVAL },
	{ "kernel half, 4-level", TS4, KEY(START), 0xffff800000000000ULL,
	  0, 0, -EINVAL },
	{ "kernel half, 5-level", TS5, KEY(START), 0xff00000000000000ULL,
	  0, 0, -EINVAL },
	{ "end 2^64-1 (page rounding would overflow)", TS5, KEY(END), 0,
	  U64_MAX, 0, -EINVAL },
	{ "empty", TS4, KEY(START) | KEY(END), 0x1000, 0x1000, 0, -EINVAL },
	{ "reversed", TS4, KEY(START) | KEY(END), 0x2000, 0x1000, 0,
	  -EINVAL },
	{ "end 0", TS4, KEY(END), 0, 0, 0, -EINVAL },
	{ "addr at TASK_SIZE", TS4, KEY(ADDR), 0, 0, TS4, -EINVAL },
	{ "addr non-canonical", TS4, KEY(ADDR), 0, 0, BIT_ULL(63), -EINVAL },
	{ "task_size 0", 0, 0, 0, 0, 0, -EINVAL },
	{ "task_size not page aligned", TS4 + 1, 0, 0, 0, 0, -EINVAL },
};

static void range_case_desc(const struct range_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(range, range_cases, range_case_desc);

static void query_range_test(struct kunit *test)
{
	const struct range_case *c = test->param_value;
	struct ptscope_query q = {
		.keys = KEY(PID) | c->keys,
		.pid = 1,
		.start = c->start,
		.end = c->end,
		.addr = c->addr,
	};
	struct ptscope_range r = { 0 };
	int err;

	err = ptscope_query_range(&q, c->task_size, &r);
	KUNIT_EXPECT_EQ(test, err, c->err);
	if (err)
		return;
	KUNIT_EXPECT_EQ(test, r.start, c->r_start);
	KUNIT_EXPECT_EQ(test, r.end, c->r_end);
	KUNIT_EXPECT_EQ(test, r.addr, c->r_addr);
	/* the ABI's promises: page aligned, non-empty, inside user space */
	KUNIT_EXPECT_TRUE(test, PAGE_ALIGNED(r.start) && PAGE_ALIGNED(r.end));
	KUNIT_EXPECT_LT(test, r.start, r.end);
	KUNIT_EXPECT_LE(test, (u64)r.end, c->task_size);
}

static struct kunit_case query_test_cases[] = {
	KUNIT_CASE_PARAM(query_parse_test, query_gen_params),
	KUNIT_CASE(query_len_bounds_test),
	KUNIT_CASE(query_max_len_test),
	KUNIT_CASE(query_reset_test),
	KUNIT_CASE(query_view_name_test),
	KUNIT_CASE_PARAM(query_range_test, range_gen_params),
	{}
};

static struct kunit_suite query_test_suite = {
	.name = "ptscope_query",
	.test_cases = query_test_cases,
};

kunit_test_suite(query_test_suite);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("ptscope KUnit suites");
