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
	const struct pts_pid_view v = {
		"stats", do_help, pts_stats_cols, pts_nr_stats_cols,
		pts_stats_defaults, pts_render_stats,
	};

	if (argc > 1 && !strcmp(argv[1], "help"))
		return pts_help(ctx, do_help, argc, argv);
	return pts_show_pid(ctx, argc, argv, &v);
}
