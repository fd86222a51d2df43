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
	const struct pts_pid_view v = {
		"vma show", do_help, pts_vma_cols, pts_nr_vma_cols,
		pts_vma_defaults, pts_render_vmas,
	};

	return pts_show_pid(ctx, argc, argv, &v);
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
