// SPDX-License-Identifier: GPL-2.0
/*
 * ptscope: error reporting (plain on stderr, JSON objects on stdout),
 * option parsing shared by every command, command dispatch.
 */
#include <errno.h>
#include <json.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "pts.h"

static int report(struct pts_ctx *ctx, int err, const char *fmt, va_list ap)
{
	struct json_object *o;
	char msg[512];
	size_t n;

	vsnprintf(msg, sizeof(msg), fmt, ap);
	if (err) {
		n = strlen(msg);
		snprintf(msg + n, sizeof(msg) - n, ": %s", strerror(err));
	}
	if (ctx->reported)
		return 0;
	ctx->reported = true;
	if (ctx->json) {
		o = json_object_new_object();
		json_object_object_add(o, "error", json_object_new_string(msg));
		json_object_object_add(o, "errno",
				       json_object_new_int(err ? err : EINVAL));
		pts_json_print(ctx, o, ctx->out);
	} else {
		fprintf(ctx->err, "ptscope: %s\n", msg);
	}
	return 0;
}

/**
 * pts_error - report a runtime error
 * @ctx: context: JSON or plain
 * @err: errno (positive or negative), appended as strerror; 0 for none
 * @fmt: printf format of the message
 *
 * Plain: "ptscope: MESSAGE: strerror" on stderr.  JSON: {"error":
 * "MESSAGE: strerror", "errno": N} on stdout.  Only the first error of a
 * run is reported.
 *
 * Return: -@err (-EINVAL when @err is 0), for the caller to return.
 */
int pts_error(struct pts_ctx *ctx, int err, const char *fmt, ...)
{
	va_list ap;

	if (err < 0)
		err = -err;
	va_start(ap, fmt);
	report(ctx, err, fmt, ap);
	va_end(ap);
	return err ? -err : -EINVAL;
}

/**
 * pts_usage_error - report a usage error
 * @ctx: context
 * @fmt: printf format of the message
 *
 * Return: -PTS_EUSAGE, which main() turns into exit status 2.
 */
int pts_usage_error(struct pts_ctx *ctx, const char *fmt, ...)
{
	bool first = !ctx->reported;
	va_list ap;

	va_start(ap, fmt);
	report(ctx, 0, fmt, ap);
	va_end(ap);
	if (first && !ctx->json)
		fprintf(ctx->err, "Try 'ptscope help' for more information.\n");
	return -PTS_EUSAGE;
}

/**
 * pts_print_notes - tell, on stderr, which source was used and what it
 * cannot tell (plain mode; JSON carries the same in "source"/"unknown")
 * @ctx: context
 * @m: the model
 */
void pts_print_notes(struct pts_ctx *ctx, const struct pts_model *m)
{
	char buf[512];
	size_t i;

	if (ctx->json)
		return;
	for (i = 0; i < m->nr_notes; i++)
		fprintf(ctx->err, "ptscope: note: %s\n", m->notes[i]);
	if (m->source == PTS_SRC_PROC && pts_unknown_str(m, buf, sizeof(buf)))
		fprintf(ctx->err, "ptscope: note: not known from /proc: %s\n",
			buf);
}

/**
 * pts_print_version - the version line, or {"version", "abi"} with -J
 * @ctx: context: JSON or plain, and the stream
 */
void pts_print_version(struct pts_ctx *ctx)
{
	struct json_object *o;

	if (!ctx->json) {
		fprintf(ctx->out, "ptscope %s (record ABI %d)\n", PTS_VERSION,
			PTSCOPE_ABI_VERSION);
		return;
	}
	o = json_object_new_object();
	json_object_object_add(o, "version",
			       json_object_new_string(PTS_VERSION));
	json_object_object_add(o, "abi",
			       json_object_new_int(PTSCOPE_ABI_VERSION));
	pts_json_print(ctx, o, ctx->out);
}

/**
 * pts_help - print a help text, as {"help": TEXT} with -J
 * @ctx: context
 * @help: prints the text to @ctx->out
 * @argc: for @help
 * @argv: for @help
 *
 * Return: what @help returns, or -ENOMEM.
 */
int pts_help(struct pts_ctx *ctx, int (*help)(struct pts_ctx *ctx, int argc,
					      char **argv),
	     int argc, char **argv)
{
	struct json_object *o;
	FILE *saved = ctx->out, *mem;
	char *text = NULL;
	size_t len = 0;
	int err;

	if (!ctx->json)
		return help(ctx, argc, argv);
	mem = open_memstream(&text, &len);
	if (!mem)
		return pts_error(ctx, errno, "help");
	ctx->out = mem;
	err = help(ctx, argc, argv);
	ctx->out = saved;
	if (fclose(mem)) {
		free(text);
		return pts_error(ctx, ENOMEM, "help");
	}
	if (!err) {
		o = json_object_new_object();
		json_object_object_add(o, "help",
				       json_object_new_string_len(text, len));
		err = pts_json_print(ctx, o, ctx->out);
	}
	free(text);
	return err;
}

/**
 * pts_show_pid - "COMMAND [OPTIONS] PID": gather the whole process and
 * render one table of it
 * @ctx: context
 * @argc: arguments
 * @argv: arguments, argv[0] the command
 * @v: the command: name, help, columns and renderer
 *
 * Return: 0 or a negative error.
 */
int pts_show_pid(struct pts_ctx *ctx, int argc, char **argv,
		 const struct pts_pid_view *v)
{
	struct pts_query q = { 0 };
	struct pts_model m;
	int i, err;

	i = pts_parse_args(ctx, argc, argv, NULL, NULL, NULL, v->help);
	if (i <= 0)
		return i;
	if (argc - i != 1)
		return pts_usage_error(ctx, "%s: expected PID", v->name);
	if (pts_parse_pid(argv[i], &q.pid))
		return pts_usage_error(ctx, "invalid pid '%s'", argv[i]);

	err = pts_columns_check(ctx, v->cols, v->nr_cols, v->defaults);
	if (err)
		return err;

	pts_model_init(&m);
	err = pts_gather(ctx, &q, &m);
	if (!err) {
		pts_print_notes(ctx, &m);
		err = v->render(ctx, &m, ctx->out);
	}
	pts_model_free(&m);
	return err;
}

/**
 * pts_global_opt - apply one global option
 * @ctx: context
 * @c: the option character from getopt_long()
 * @arg: its argument
 * @argv: for the message about an unknown option
 *
 * Return: 0, PTS_OPT_HELP or PTS_OPT_VERSION, or -PTS_EUSAGE.
 */
int pts_global_opt(struct pts_ctx *ctx, int c, const char *arg,
		   char *const *argv)
{
	switch (c) {
	case 'J':
		ctx->json = true;
		break;
	case 'p':
		ctx->json = true;
		ctx->pretty = true;
		break;
	case 'r':
		ctx->raw = true;
		break;
	case 'b':
		ctx->bytes = true;
		break;
	case 'n':
		ctx->noheadings = true;
		break;
	case 'o':
		ctx->output = arg;
		break;
	case PTS_OPT_SOURCE:
		if (!strcmp(arg, "auto"))
			ctx->source = PTS_SRC_AUTO;
		else if (!strcmp(arg, "module"))
			ctx->source = PTS_SRC_MODULE;
		else if (!strcmp(arg, "proc"))
			ctx->source = PTS_SRC_PROC;
		else
			return pts_usage_error(ctx,
					       "--source: '%s' is not auto, module or proc",
					       arg);
		break;
	case 'h':
		return PTS_OPT_HELP;
	case 'V':
		return PTS_OPT_VERSION;
	case ':':
		return pts_usage_error(ctx, "option '%s' needs an argument",
				       argv[optind - 1]);
	default:
		if (optopt && optopt < PTS_OPT_BASE && optopt != PTS_OPT_SOURCE)
			return pts_usage_error(ctx, "unknown option '-%c'",
					       optopt);
		return pts_usage_error(ctx, "unknown option '%s'",
				       argv[optind - 1]);
	}
	return 0;
}

static const struct option global_opts[] = {
	{ "json",	no_argument,		NULL, 'J' },
	{ "pretty",	no_argument,		NULL, 'p' },
	{ "raw",	no_argument,		NULL, 'r' },
	{ "bytes",	no_argument,		NULL, 'b' },
	{ "noheadings",	no_argument,		NULL, 'n' },
	{ "output",	required_argument,	NULL, 'o' },
	{ "source",	required_argument,	NULL, PTS_OPT_SOURCE },
	{ "help",	no_argument,		NULL, 'h' },
	{ "version",	no_argument,		NULL, 'V' },
};

static int parse(struct pts_ctx *ctx, int argc, char **argv,
		 const char *optstring, const struct option *cmd_opts,
		 int (*cmd_opt)(struct pts_ctx *ctx, int c, const char *arg,
				void *priv),
		 void *priv, int (*help)(struct pts_ctx *ctx, int argc,
					 char **argv))
{
	struct option *opts;
	size_t n = 0;
	int c, err = 0;

	while (cmd_opts && cmd_opts[n].name)
		n++;
	opts = calloc(n + ARRAY_SIZE(global_opts) + 1, sizeof(*opts));
	if (!opts)
		return pts_error(ctx, ENOMEM, "options");
	if (n)
		memcpy(opts, cmd_opts, n * sizeof(*opts));
	memcpy(opts + n, global_opts, sizeof(global_opts));

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, optstring, opts, NULL)) != -1) {
		if (c >= PTS_OPT_BASE && cmd_opt)
			err = cmd_opt(ctx, c, optarg, priv);
		else
			err = pts_global_opt(ctx, c, optarg, argv);
		if (err == PTS_OPT_HELP) {
			err = pts_help(ctx, help, argc, argv);
			break;
		}
		if (err == PTS_OPT_VERSION) {
			pts_print_version(ctx);
			err = 0;
			break;
		}
		if (err)
			break;
	}
	free(opts);
	if (c != -1)
		return err;	/* 0 after -h or -V */
	return optind;
}

/**
 * pts_parse_args - parse a command's options, global ones allowed too
 * @ctx: context
 * @argc: arguments, argv[0] being the command name
 * @argv: arguments
 * @cmd_opts: the command's long options (values >= PTS_OPT_BASE), ending
 *	      with a NULL name, or NULL
 * @cmd_opt: applies a command option, returns 0 or -errno
 * @priv: for @cmd_opt
 * @help: prints the command's help for -h
 *
 * Positional arguments are moved behind the options (GNU getopt).
 *
 * Return: index of the first positional argument (> 0), 0 when -h or -V
 * was handled, or a negative error.
 */
int pts_parse_args(struct pts_ctx *ctx, int argc, char **argv,
		   const struct option *cmd_opts,
		   int (*cmd_opt)(struct pts_ctx *ctx, int c, const char *arg,
				  void *priv),
		   void *priv, int (*help)(struct pts_ctx *ctx, int argc,
					   char **argv))
{
	return parse(ctx, argc, argv, ":" PTS_GLOBAL_OPTSTRING, cmd_opts,
		     cmd_opt, priv, help);
}

/**
 * pts_parse_global - parse the global options before OBJECT
 * @ctx: context
 * @argc: arguments of main()
 * @argv: arguments of main()
 * @help: the main help, for -h
 *
 * Return: index of OBJECT in @argv (> 0), 0 when -h or -V was handled,
 * or a negative error.
 */
int pts_parse_global(struct pts_ctx *ctx, int argc, char **argv,
		     int (*help)(struct pts_ctx *ctx, int argc, char **argv))
{
	return parse(ctx, argc, argv, "+:" PTS_GLOBAL_OPTSTRING, NULL, NULL,
		     NULL, help);
}

/**
 * pts_is_prefix - is @pfx a non-empty prefix of @str
 * @pfx: what the user typed
 * @str: a command or object name
 *
 * Return: true when it is.
 */
bool pts_is_prefix(const char *pfx, const char *str)
{
	return *pfx && !strncmp(str, pfx, strlen(pfx));
}

/**
 * pts_cmd_select - run the command named by argv[0]
 * @ctx: context
 * @cmds: table ending with a NULL name
 * @argc: arguments
 * @argv: arguments, argv[0] the command (a unique prefix is enough)
 *
 * Return: what the command returns, or -PTS_EUSAGE.
 */
int pts_cmd_select(struct pts_ctx *ctx, const struct pts_cmd *cmds,
		   int argc, char **argv)
{
	const struct pts_cmd *found = NULL;
	int i;

	if (argc < 1)
		return pts_usage_error(ctx, "missing command");
	for (i = 0; cmds[i].name; i++) {
		if (!strcmp(argv[0], cmds[i].name))
			break;
		if (pts_is_prefix(argv[0], cmds[i].name)) {
			if (found)
				return pts_usage_error(ctx,
						       "ambiguous command '%s'",
						       argv[0]);
			found = &cmds[i];
		}
	}
	if (cmds[i].name)
		found = &cmds[i];
	if (!found)
		return pts_usage_error(ctx, "unknown command '%s'", argv[0]);
	if (!strcmp(found->name, "help"))
		return pts_help(ctx, found->func, argc, argv);
	return found->func(ctx, argc, argv);
}
