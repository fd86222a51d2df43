// SPDX-License-Identifier: GPL-2.0
/*
 * ptscope vtop: translate one virtual address of a process.
 *
 * With ptscope.ko the one-page range holding the address is queried; the
 * leaf entry gives the frame, the level and the flags, and the per-level
 * indices are computed from the address bits (pgtable_levels from the
 * header).  With --explain the module's view=levels adds the walk itself:
 * each level's table, entry and flags (older modules: indices only).
 * With /proc, pagemap gives the frame; the level follows from the leaf
 * size (PAGEMAP_SCAN / smaps).
 */
#include <errno.h>
#include <string.h>

#include "pts.h"

enum {
	OPT_EXPLAIN = PTS_OPT_BASE,
};

static int do_help(struct pts_ctx *ctx, int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fprintf(ctx->out,
		"Usage: ptscope [OPTIONS] vtop PID ADDR [--explain]\n"
		"       ptscope vtop help\n"
		"\n"
		"Translate the virtual address ADDR (C notation) of process PID to a\n"
		"physical address.  A page that is not present is not an error: PHYS\n"
		"is '-' (null in JSON) and TYPE says swap, nonpresent or hole.\n"
		"\n"
		"  --explain   the address bit fields per level (4-level: 47-39 PGD,\n"
		"              38-30 PUD, 29-21 PMD, 20-12 PTE, 11-0 offset; 5-level\n"
		"              adds 56-48), each level's index, the page offset and\n"
		"              the physical address; with ptscope.ko (view=levels)\n"
		"              also each level's table address, entry and flags\n"
		"\n");
	pts_print_columns(ctx->out, pts_vtop_cols, pts_nr_vtop_cols,
			  pts_vtop_defaults);
	return 0;
}

static int vtop_opt(struct pts_ctx *ctx, int c, const char *arg, void *priv)
{
	bool *explain = priv;

	(void)ctx;
	(void)arg;
	if (c == OPT_EXPLAIN)
		*explain = true;
	return 0;
}

/**
 * do_vtop - the vtop object: "vtop PID ADDR [--explain]"
 * @ctx: context
 * @argc: arguments
 * @argv: arguments, argv[0] being "vtop"
 *
 * Return: 0 or a negative error.
 */
int do_vtop(struct pts_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "explain",	no_argument,	NULL, OPT_EXPLAIN },
		{ NULL, 0, NULL, 0 },
	};
	struct pts_query q = { 0 };
	struct pts_xlate x;
	struct pts_model m;
	bool explain = false;
	__u64 addr;
	int i, err;

	if (argc > 1 && !strcmp(argv[1], "help"))
		return pts_help(ctx, do_help, argc, argv);
	i = pts_parse_args(ctx, argc, argv, opts, vtop_opt, &explain,
			   do_help);
	if (i <= 0)
		return i;
	if (argc - i != 2)
		return pts_usage_error(ctx, "vtop: expected PID ADDR");
	if (pts_parse_pid(argv[i], &q.pid))
		return pts_usage_error(ctx, "invalid pid '%s'", argv[i]);
	err = pts_parse_u64(argv[i + 1], &addr);
	if (err)
		return pts_usage_error(ctx, "invalid address '%s'",
				       argv[i + 1]);
	if (addr >= 1ULL << 56)
		return pts_error(ctx, EINVAL,
				 "0x%llx is not a user-space address",
				 (unsigned long long)addr);
	q.start = addr & ~(PTS_PAGE_SIZE - 1);
	q.end = q.start + PTS_PAGE_SIZE;
	q.xlate = true;
	q.levels = explain;
	q.addr = addr;

	err = pts_columns_check(ctx, pts_vtop_cols, pts_nr_vtop_cols,
				pts_vtop_defaults);
	if (err)
		return err;

	pts_model_init(&m);
	err = pts_gather(ctx, &q, &m);
	if (err)
		goto out;
	if (addr >= m.arch.task_size) {
		err = pts_error(ctx, EINVAL,
				"0x%llx is not a user-space address (end 0x%llx)",
				(unsigned long long)addr,
				(unsigned long long)m.arch.task_size);
		goto out;
	}
	pts_print_notes(ctx, &m);
	pts_xlate_compute(&m, addr, &x);
	err = pts_render_vtop(ctx, &m, &x, explain, ctx->out);
out:
	pts_model_free(&m);
	return err;
}
