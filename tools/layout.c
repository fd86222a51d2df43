// SPDX-License-Identifier: GPL-2.0
/*
 * ptscope layout: the address space of a process as a picture.
 *
 * Collection: the VMAs and present leaves from the chosen source, the
 * executable's path, inode and PT_LOAD segments (/proc/PID/exe, libelf),
 * and whether /proc/PID/maps lists [vsyscall].  region.c turns that into
 * the layout model, draw.c renders it (terminal, SVG, JSON).
 */
#include <errno.h>
#include <json.h>
#include <langinfo.h>
#include <locale.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "pts.h"

enum {
	OPT_SVG = PTS_OPT_BASE,
};

static int do_help(struct pts_ctx *ctx, int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fprintf(ctx->out,
		"Usage: ptscope [OPTIONS] layout show PID [--svg FILE]\n"
		"       ptscope layout help\n"
		"\n"
		"Draw the address space of a process, high addresses on top: text,\n"
		"read-only data, data and BSS of the executable (from its ELF program\n"
		"headers), heap, shared libraries and other mappings, stack, vdso and\n"
		"vvar, the end of user space, the non-canonical hole and the kernel\n"
		"half with the boundaries of 4-level (47-bit) or 5-level (56-bit)\n"
		"paging.  Each box shows its type, size, permissions, resident memory\n"
		"and name; every boundary line its address.  Unmapped gaps, the hole\n"
		"and the kernel half are compressed (dotted sides) with their size.\n"
		"\n"
		"  --svg FILE   write a standalone SVG picture to FILE ('-': stdout)\n"
		"               instead of the terminal picture (-J still prints JSON)\n"
		"\n"
		"Box drawing needs a UTF-8 locale; -r, or another locale, draws with\n"
		"ASCII.  -b prints sizes in bytes, -n leaves out the title.  -o does\n"
		"not apply.  -J prints the model: boundaries, ELF segments and the\n"
		"regions bottom up (types: ");
	{
		int t;

		for (t = 0; t < PTS_NR_RG; t++)
			fprintf(ctx->out, "%s%s", t ? ", " : "",
				pts_region_type_name(t));
	}
	fprintf(ctx->out, ").\n");
	return 0;
}

static int layout_opt(struct pts_ctx *ctx, int c, const char *arg,
		      void *priv)
{
	const char **svg = priv;

	(void)ctx;
	if (c == OPT_SVG)
		*svg = arg;
	return 0;
}

static void read_line(__u32 pid, const char *file, char *buf, size_t len)
{
	char path[64];
	FILE *f;

	buf[0] = '\0';
	snprintf(path, sizeof(path), "/proc/%u/%s", pid, file);
	f = fopen(path, "re");
	if (!f)
		return;
	if (fgets(buf, len, f))
		buf[strcspn(buf, "\n")] = '\0';
	fclose(f);
}

static bool has_vsyscall(__u32 pid)
{
	char path[64], *line = NULL;
	size_t len = 0;
	bool found = false;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%u/maps", pid);
	f = fopen(path, "re");
	if (!f)
		return false;
	while (!found && getline(&line, &len, f) > 0)
		found = !!strstr(line, "[vsyscall]");
	free(line);
	fclose(f);
	return found;
}

/* the executable: path, comm, inode, program headers */
static void collect_exe(struct pts_model *m, __u32 pid, struct pts_exe *exe)
{
	char path[64];
	struct stat st;
	ssize_t n;

	memset(exe, 0, sizeof(*exe));
	if (getenv("PTSCOPE_REPLAY")) {
		snprintf(exe->elf_err, sizeof(exe->elf_err),
			 "replayed stream: executable not read");
		return;
	}
	read_line(pid, "comm", exe->comm, sizeof(exe->comm));
	snprintf(path, sizeof(path), "/proc/%u/exe", pid);
	n = readlink(path, exe->path, sizeof(exe->path) - 1);
	if (n < 0) {
		snprintf(exe->elf_err, sizeof(exe->elf_err), "%s: %s", path,
			 strerror(errno));
		pts_model_note(m, "executable unknown: %s", exe->elf_err);
		return;
	}
	exe->path[n] = '\0';
	if (!stat(path, &st)) {
		exe->ino = st.st_ino;
		exe->dev_major = major(st.st_dev);
		exe->dev_minor = minor(st.st_dev);
	}
	if (pts_elf_read(path, exe))
		pts_model_note(m, "ELF segments unknown (%s): text and data told by permissions",
			       exe->elf_err);
}

static bool utf8_locale(void)
{
	const char *cs;

	setlocale(LC_CTYPE, "");
	cs = nl_langinfo(CODESET);
	return cs && (!strcmp(cs, "UTF-8") || !strcmp(cs, "utf8"));
}

static int write_svg(struct pts_ctx *ctx, const struct pts_layout *l,
		     const char *file)
{
	FILE *f = stdout;
	int err;

	if (strcmp(file, "-")) {
		f = fopen(file, "we");
		if (!f)
			return pts_error(ctx, errno, "%s", file);
	}
	err = pts_layout_svg(l, f);
	if (f != stdout && fclose(f) && !err)
		err = -errno;
	if (err)
		return pts_error(ctx, err, "writing %s", file);
	return 0;
}

static int do_show(struct pts_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "svg",	required_argument,	NULL, OPT_SVG },
		{ NULL, 0, NULL, 0 },
	};
	struct pts_query q = { 0 };
	struct pts_layout l;
	struct pts_draw d;
	struct pts_exe *exe;
	struct pts_model m;
	const char *svg = NULL;
	int i, err;

	i = pts_parse_args(ctx, argc, argv, opts, layout_opt, &svg, do_help);
	if (i <= 0)
		return i;
	if (argc - i != 1)
		return pts_usage_error(ctx, "layout show: expected PID");
	if (pts_parse_pid(argv[i], &q.pid))
		return pts_usage_error(ctx, "invalid pid '%s'", argv[i]);
	if (ctx->output)
		return pts_usage_error(ctx, "layout show: -o does not apply to the picture");
	if (svg && !*svg)
		return pts_usage_error(ctx, "--svg: empty file name");
	if (svg && ctx->json && !strcmp(svg, "-"))
		return pts_usage_error(ctx, "--svg -: stdout is taken by -J");

	exe = calloc(1, sizeof(*exe));
	if (!exe)
		return pts_error(ctx, ENOMEM, "pid %u", q.pid);
	pts_model_init(&m);
	err = pts_gather(ctx, &q, &m);
	if (err)
		goto out;
	collect_exe(&m, q.pid, exe);
	err = pts_layout_build(&l, &m, exe,
			       !getenv("PTSCOPE_REPLAY") && has_vsyscall(q.pid));
	if (err) {
		err = pts_error(ctx, err, "pid %u", q.pid);
		goto out;
	}
	pts_print_notes(ctx, &m);
	if (svg)
		err = write_svg(ctx, &l, svg);
	if (!err && ctx->json) {
		err = pts_json_print(ctx, pts_layout_json(&l), ctx->out);
	} else if (!err && !svg) {
		d.utf8 = !ctx->raw && utf8_locale();
		d.bytes = ctx->bytes;
		d.noheadings = ctx->noheadings;
		err = pts_layout_text(&l, &d, ctx->out);
	}
	pts_layout_free(&l);
out:
	pts_model_free(&m);
	free(exe);
	return err;
}

static const struct pts_cmd cmds[] = {
	{ "show",	do_show },
	{ "help",	do_help },
	{ NULL,		NULL },
};

/**
 * do_layout - the layout object
 * @ctx: context
 * @argc: arguments
 * @argv: arguments, argv[0] being "layout"
 *
 * Return: 0 or a negative error.
 */
int do_layout(struct pts_ctx *ctx, int argc, char **argv)
{
	return pts_cmd_select(ctx, cmds, argc - 1, argv + 1);
}
