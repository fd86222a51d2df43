// SPDX-License-Identifier: GPL-2.0
/*
 * ptscope stats: page-table pages per level, entries by level and state,
 * and what a flat single-level table would need instead.
 */
#include <string.h>

#include "pts.h"

static int do_help(struct pts_ctx *ctx, int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fprintf(ctx->out,
		"Usage: ptscope [OPTIONS] stats PID\n"
		"       ptscope stats help\n"
		"\n"
		"Page-table pages per level and their memory (exact with ptscope.ko,\n"
		"estimated from the populated entries with /proc, next to the kernel's\n"
		"VmPTE), leaves by level, entries by state, and the size of a flat\n"
		"single-level table: 2^(virt_bits-12) entries x 8 bytes.\n"
		"\n");
	pts_print_columns(ctx->out, pts_stats_cols, pts_nr_stats_cols,
			  pts_stats_defaults);
	return 0;
}

/**
 * do_stats - the stats object: "stats PID"
 * @ctx: context
 * @argc: arguments
 * @argv: arguments, argv[0] being "stats"
 *
 * Return: 0 or a negative error.
 */
int do_stats(struct pts_ctx *ctx, int argc, char **argv)
{
	struct pts_query q = { 0 };
	struct pts_model m;
	int i, err;

	if (argc > 1 && !strcmp(argv[1], "help"))
		return pts_help(ctx, do_help, argc, argv);
	i = pts_parse_args(ctx, argc, argv, NULL, NULL, NULL, do_help);
	if (i <= 0)
		return i;
	if (argc - i != 1)
		return pts_usage_error(ctx, "stats: expected PID");
	if (pts_parse_pid(argv[i], &q.pid))
		return pts_usage_error(ctx, "invalid pid '%s'", argv[i]);

	err = pts_columns_check(ctx, pts_stats_cols, pts_nr_stats_cols,
				pts_stats_defaults);
	if (err)
		return err;

	pts_model_init(&m);
	err = pts_gather(ctx, &q, &m);
	if (!err) {
		pts_print_notes(ctx, &m);
		err = pts_render_stats(ctx, &m, ctx->out);
	}
	pts_model_free(&m);
	return err;
}
