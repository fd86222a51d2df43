// SPDX-License-Identifier: GPL-2.0
/*
 * ptscope vma: the mappings of a process.
 */
#include <stdlib.h>

#include "pts.h"

static int do_help(struct pts_ctx *ctx, int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fprintf(ctx->out,
		"Usage: ptscope [OPTIONS] vma { show | list } PID\n"
		"       ptscope vma help\n"
		"\n"
		"Show the mappings (VMAs) of a process: range, permissions, VM flags,\n"
		"and the present leaves by size (4K PTE, 2M PMD, 1G PUD).\n"
		"\n");
	pts_print_columns(ctx->out, pts_vma_cols, pts_nr_vma_cols,
			  pts_vma_defaults);
	return 0;
}

static int do_show(struct pts_ctx *ctx, int argc, char **argv)
{
	struct pts_query q = { 0 };
	struct pts_model m;
	int i, err;

	i = pts_parse_args(ctx, argc, argv, NULL, NULL, NULL, do_help);
	if (i <= 0)
		return i;
	if (argc - i != 1)
		return pts_usage_error(ctx, "vma show: expected PID");
	if (pts_parse_pid(argv[i], &q.pid))
		return pts_usage_error(ctx, "invalid pid '%s'", argv[i]);

	err = pts_columns_check(ctx, pts_vma_cols, pts_nr_vma_cols,
				pts_vma_defaults);
	if (err)
		return err;

	pts_model_init(&m);
	err = pts_gather(ctx, &q, &m);
	if (!err) {
		pts_print_notes(ctx, &m);
		err = pts_render_vmas(ctx, &m, ctx->out);
	}
	pts_model_free(&m);
	return err;
}

static const struct pts_cmd cmds[] = {
	{ "show",	do_show },
	{ "list",	do_show },
	{ "help",	do_help },
	{ NULL,		NULL },
};

/**
 * do_vma - the vma object
 * @ctx: context
 * @argc: arguments
 * @argv: arguments, argv[0] being "vma"
 *
 * Return: 0 or a negative error.
 */
int do_vma(struct pts_ctx *ctx, int argc, char **argv)
{
	return pts_cmd_select(ctx, cmds, argc - 1, argv + 1);
}
