// SPDX-License-Identifier: GPL-2.0
/*
 * ptscope pt: the page-table entries of a process, ptdump style.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "pts.h"

enum {
	OPT_RANGE = PTS_OPT_BASE,
	OPT_ALL,
	OPT_FLAGS,
	OPT_SIZE,
	OPT_STATE,
};

struct pt_args {
	struct pts_filter f;
	__u64 start;
	__u64 end;
	bool all;
};

static int do_help(struct pts_ctx *ctx, int argc, char **argv)
{
	size_t i;

	(void)argc;
	(void)argv;
	fprintf(ctx->out,
		"Usage: ptscope [OPTIONS] pt { show | dump } PID [--range START-END]\n"
		"                    [--all] [--flags LIST] [--size 4k|2m|1g] [--state LIST]\n"
		"       ptscope pt help\n"
		"\n"
		"Show the page-table entries of a process.  Runs of contiguous entries\n"
		"with equal attributes are merged into one line (ptdump style).\n"
		"\n"
		"  --range START-END  only [START, END), numbers in C notation\n"
		"  --all              one line per entry, no merging\n"
		"  --flags LIST       entries with all these bits; '!' negates: rw,!nx\n"
		"  --size SIZE        present leaves of this size only\n"
		"  --state LIST       entries in all these states; also 'present' and\n"
		"                     'hole'; '!' negates: anon,!thp\n"
		"\nFlags:");
	for (i = 0; i < pts_nr_flag_names; i++)
		fprintf(ctx->out, " %s(%s)", pts_flag_names[i].name,
			pts_flag_names[i].abbrev);
	fprintf(ctx->out, "\nStates:");
	for (i = 0; i < pts_nr_state_names; i++)
		fprintf(ctx->out, " %s", pts_state_names[i].name);
	fprintf(ctx->out, "\n\n");
	pts_print_columns(ctx->out, pts_pt_cols, pts_nr_pt_cols,
			  pts_pt_defaults);
	return 0;
}

static int pt_opt(struct pts_ctx *ctx, int c, const char *arg, void *priv)
{
	struct pt_args *a = priv;
	const char *bad = arg;
	int err;

	switch (c) {
	case OPT_RANGE:
		err = pts_parse_range(arg, &a->start, &a->end);
		if (err == -ERANGE)
			return pts_usage_error(ctx,
					       "--range '%s': number out of range",
					       arg);
		if (err)
			return pts_usage_error(ctx,
					       "--range '%s': expected START-END with START < END",
					       arg);
		return 0;
	case OPT_ALL:
		a->all = true;
		return 0;
	case OPT_FLAGS:
		if (pts_parse_names(arg, pts_flag_names, pts_nr_flag_names,
				    &a->f.flags_set, &a->f.flags_clear, &bad))
			return pts_usage_error(ctx, "--flags: unknown flag '%.*s'",
					       (int)strcspn(bad, ","), bad);
		return 0;
	case OPT_SIZE:
		if (pts_parse_pagesize(arg, &a->f.size))
			return pts_usage_error(ctx,
					       "--size '%s': expected 4k, 2m or 1g",
					       arg);
		return 0;
	case OPT_STATE:
		if (pts_parse_state_filter(arg, &a->f, &bad))
			return pts_usage_error(ctx, "--state: unknown state '%.*s'",
					       (int)strcspn(bad, ","), bad);
		return 0;
	}
	return pts_usage_error(ctx, "unknown option");
}

static int check_known(struct pts_ctx *ctx, const struct pts_model *m,
		       const struct pts_filter *f)
{
	__u64 unknown = (f->flags_set | f->flags_clear) & ~m->flags_known;
	char buf[256];

	if (!unknown)
		return 0;
	pts_names_str(buf, sizeof(buf), unknown, pts_flag_names,
		      pts_nr_flag_names, false, ",");
	return pts_error(ctx, ENOTSUP, "--flags %s: not known from source %s",
			 buf, pts_source_name(m->source));
}

static int do_show(struct pts_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "range",	required_argument,	NULL, OPT_RANGE },
		{ "all",	no_argument,		NULL, OPT_ALL },
		{ "flags",	required_argument,	NULL, OPT_FLAGS },
		{ "size",	required_argument,	NULL, OPT_SIZE },
		{ "state",	required_argument,	NULL, OPT_STATE },
		{ NULL, 0, NULL, 0 },
	};
	struct pt_args a = { 0 };
	struct pts_query q = { 0 };
	struct pts_run *runs = NULL;
	struct pts_model m;
	size_t nr;
	int i, err;

	i = pts_parse_args(ctx, argc, argv, opts, pt_opt, &a, do_help);
	if (i <= 0)
		return i;
	if (argc - i != 1)
		return pts_usage_error(ctx, "pt show: expected PID");
	if (pts_parse_pid(argv[i], &q.pid))
		return pts_usage_error(ctx, "invalid pid '%s'", argv[i]);
	q.start = a.start;
	q.end = a.end;

	err = pts_columns_check(ctx, pts_pt_cols, pts_nr_pt_cols,
				pts_pt_defaults);
	if (err)
		return err;

	pts_model_init(&m);
	err = pts_gather(ctx, &q, &m);
	if (err)
		goto out;
	err = check_known(ctx, &m, &a.f);
	if (err)
		goto out;
	runs = calloc(m.nr_entries ? m.nr_entries : 1, sizeof(*runs));
	if (!runs) {
		err = pts_error(ctx, ENOMEM, "pid %u", q.pid);
		goto out;
	}
	nr = pts_merge(m.entries, m.nr_entries, &a.f, !a.all, runs);
	pts_print_notes(ctx, &m);
	err = pts_render_pt(ctx, &m, runs, nr, !a.all, ctx->out);
out:
	free(runs);
	pts_model_free(&m);
	return err;
}

static const struct pts_cmd cmds[] = {
	{ "show",	do_show },
	{ "dump",	do_show },
	{ "help",	do_help },
	{ NULL,		NULL },
};

/**
 * do_pt - the pt object
 * @ctx: context
 * @argc: arguments
 * @argv: arguments, argv[0] being "pt"
 *
 * Return: 0 or a negative error.
 */
int do_pt(struct pts_ctx *ctx, int argc, char **argv)
{
	return pts_cmd_select(ctx, cmds, argc - 1, argv + 1);
}
