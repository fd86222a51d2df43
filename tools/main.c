// SPDX-License-Identifier: GPL-2.0
/*
 * ptscope: show how the virtual memory of a process maps onto physical
 * memory.  "ptscope [OPTIONS] OBJECT COMMAND [ARGS]", bpftool style: the
 * global options are parsed once here, each object lives in its own file,
 * and only main() chooses the exit status.
 */
#include <errno.h>
#include <string.h>

#include "pts.h"

static int do_help(struct pts_ctx *ctx, int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fprintf(ctx->out,
		"Usage: ptscope [OPTIONS] OBJECT COMMAND [ARGS]\n"
		"\n"
		"  ptscope vma { show | list } PID\n"
		"                                  mappings and present pages by size\n"
		"  ptscope pt { show | dump } PID [--range START-END] [--all]\n"
		"                      [--flags LIST] [--size 4k|2m|1g] [--state LIST]\n"
		"                                  page-table entries, runs merged\n"
		"  ptscope vtop PID ADDR [--explain]\n"
		"                                  translate a virtual address\n"
		"  ptscope stats PID               page-table pages and entries\n"
		"  ptscope layout show PID [--svg FILE]\n"
		"                                  picture of the address space\n"
		"  ptscope flush PID [--range START-END]\n"
		"  ptscope flush --all             flush TLB entries (ptscope.ko)\n"
		"  ptscope snapshot PID [-o FILE]  save mappings and entries as JSON\n"
		"  ptscope diff A B [--summary]    compare PIDs or snapshot files\n"
		"  ptscope share PID PID... [--frames]\n"
		"                                  frames shared between processes\n"
		"  ptscope aslr [-n N] [-R] [--] PROGRAM [ARGS]\n"
		"                                  entropy of the layout over N runs\n"
		"  ptscope elf PID [--audit] [--symbols]\n"
		"                                  ELF segments, sections and symbols\n"
		"                                  per page; W+X, RELRO, stack audit\n"
		"  ptscope OBJECT help             commands, options and columns\n"
		"  ptscope help                    this help\n"
		"\n"
		"Options:\n"
		"  -J, --json              JSON output (errors too, on stdout)\n"
		"  -p, --pretty            pretty JSON (implies -J)\n"
		"  -r, --raw               raw table output\n"
		"  -b, --bytes             sizes in bytes, not 4K/2M/1.5G\n"
		"  -n, --noheadings        no table headings\n"
		"  -o, --output COLS       columns to show; +COLS adds to the defaults\n"
		"      --source SRC        auto (default), module or proc\n"
		"  -h, --help              this help\n"
		"  -V, --version           version\n"
		"\n"
		"Sources: 'module' reads %s/query (ptscope.ko);\n"
		"'proc' reads /proc/PID/{smaps,pagemap,status}, /proc/kpageflags and\n"
		"/proc/kpagecount and cannot tell entry bits such as RW or NX, raw\n"
		"entries or page-table pages; 'auto' uses the module when it can.\n"
		"\n"
		"Environment (for tests): PTSCOPE_REPLAY=FILE reads a saved\n"
		"view=records stream instead of the module; PTSCOPE_NO_PAGEMAP_SCAN=1\n"
		"makes the /proc source read pagemap as on kernels before 6.7.\n"
		"\n"
		"Exit status: 0 success, 1 runtime failure (e.g. no such process,\n"
		"module stream incomplete), 2 usage error; diff: 0 same, 1 different,\n"
		"2 trouble, as diff(1).  aslr: 2 for every error.  elf: 0 clean,\n"
		"1 violations, 2 error.  With -J errors are JSON\n"
		"objects {\"error\", \"errno\"} on stdout, help is {\"help\"}.\n",
		PTSCOPE_DEBUGFS_DIR);
	return 0;
}

static const struct pts_cmd objects[] = {
	{ "vma",	do_vma },
	{ "pt",		do_pt },
	{ "vtop",	do_vtop },
	{ "stats",	do_stats },
	{ "layout",	do_layout },
	{ "flush",	do_flush },
	{ "snapshot",	do_snapshot },
	{ "diff",	do_diff },
	{ "share",	do_share },
	{ "aslr",	do_aslr },
	{ "elf",	do_elf },
	{ "help",	do_help },
	{ NULL,		NULL },
};

static int run(struct pts_ctx *ctx, int argc, char **argv)
{
	int i;

	i = pts_parse_global(ctx, argc, argv, do_help);
	if (i <= 0)
		return i;
	if (i >= argc)
		return pts_usage_error(ctx, "missing OBJECT");
	return pts_cmd_select(ctx, objects, argc - i, argv + i);
}

int main(int argc, char **argv)
{
	struct pts_ctx ctx = {
		.source = PTS_SRC_AUTO,
		.out = stdout,
		.err = stderr,
	};
	int err;

	err = run(&ctx, argc, argv);
	if (fflush(stdout) && !err)
		err = pts_error(&ctx, errno, "write error");
	if (!err)
		return PTS_EXIT_OK;
	if (err == -PTS_EDIFFER)
		return PTS_EXIT_FAIL;	/* diff: differences found */
	if (err == -PTS_EUSAGE)
		return PTS_EXIT_USAGE;
	if (err == -PTS_EFOUND)
		return PTS_EXIT_FAIL;	/* elf: violations found, reported */
	if (!ctx.reported)
		pts_error(&ctx, err, "failed");
	if (ctx.trouble2)
		return PTS_EXIT_USAGE;	/* diff: trouble, as diff(1) */
	return PTS_EXIT_FAIL;
}
