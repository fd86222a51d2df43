// SPDX-License-Identifier: GPL-2.0
/*
 * t_tool_rmmod - the ptscope command without its module.
 *
 * The VMAs of a child are listed with ptscope.ko loaded; then the module
 * is removed ("rmmod ptscope") and the same command must still work,
 * through /proc, say so (a note on stderr, "source": "proc" in JSON) and
 * list the same VMAs; a translation must agree with pagemap; commands
 * that need the module (--source module, flush) must fail with exit 1.
 * The module is loaded again at the end (insmod /ptscope/ptscope.ko), so
 * the tests after this one are not affected; that is checked too.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "libproc.h"
#include "libpts.h"
#include "tap.h"

#define PTSCOPE_BIN	"/ptscope/bin/ptscope"
#define PTSCOPE_KO	"/ptscope/ptscope.ko"

static char out_buf[1 << 16], err_buf[4096];

/* run ptscope with printf-formatted, blank-separated arguments */
static int run(const char *fmt, ...)
{
	char line[512], *argv[24], *tok, *save = NULL;
	int o[2], e[2], argc = 0, st;
	size_t n;
	ssize_t r;
	va_list ap;
	pid_t pid;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	argv[argc++] = PTSCOPE_BIN;
	for (tok = strtok_r(line, " ", &save); tok && argc < 23;
	     tok = strtok_r(NULL, " ", &save))
		argv[argc++] = tok;
	argv[argc] = NULL;
	if (pipe(o) || pipe(e))
		return -1;
	fflush(stdout);
	pid = fork();
	if (pid < 0)
		return -1;
	if (!pid) {
		dup2(o[1], 1);
		dup2(e[1], 2);
		close(o[0]);
		close(e[0]);
		execv(PTSCOPE_BIN, argv);
		_exit(127);
	}
	close(o[1]);
	close(e[1]);
	/* small outputs: stderr after stdout cannot deadlock at these sizes */
	for (n = 0; n < sizeof(out_buf) - 1 &&
	     (r = read(o[0], out_buf + n, sizeof(out_buf) - 1 - n)) > 0;)
		n += r;
	out_buf[n] = '\0';
	for (n = 0; n < sizeof(err_buf) - 1 &&
	     (r = read(e[0], err_buf + n, sizeof(err_buf) - 1 - n)) > 0;)
		n += r;
	err_buf[n] = '\0';
	close(o[0]);
	close(e[0]);
	waitpid(pid, &st, 0);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

static pid_t child_start(char **page)
{
	int p[2];
	pid_t pid;
	char c;

	*page = mmap(NULL, 4 * PG_SIZE, PROT_READ | PROT_WRITE,
		     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (*page == MAP_FAILED || pipe(p))
		return -1;
	fflush(stdout);
	pid = fork();
	if (!pid) {
		memset(*page, 0x5a, 2 * PG_SIZE);
		close(p[0]);
		if (write(p[1], "x", 1) != 1)
			_exit(1);
		for (;;)
			pause();
	}
	close(p[1]);
	if (pid < 0 || read(p[0], &c, 1) != 1)
		pid = -1;
	close(p[0]);
	return pid;
}

static void test_without_module(pid_t pid, const char *vmas_module,
				char *page)
{
	char want[64];
	uint64_t pm;
	int st, fd;

	st = run("vma show %d", pid);
	tap_ok(!st && strstr(out_buf, "START") &&
	       strstr(err_buf, "ptscope.ko not available") &&
	       strstr(err_buf, "using /proc"),
	       "vma show without the module: works and says it uses /proc (exit %d)",
	       st);
	st = run("-J vma show %d", pid);
	tap_ok(!st && strstr(out_buf, "\"source\":\"proc\""),
	       "vma show -J without the module: \"source\": \"proc\"");
	st = run("-r -n -o START,END,PERMS vma show %d", pid);
	tap_ok(!st && !strcmp(out_buf, vmas_module),
	       "vma show through /proc lists the same VMAs as through the module");
	if (strcmp(out_buf, vmas_module))
		tap_diag("module:\n%s# proc:\n%s", vmas_module, out_buf);

	fd = pagemap_open(pid);
	if (fd >= 0 && !pagemap_read(fd, (uintptr_t)page, 1, &pm) &&
	    (pm & PM_PRESENT)) {
		snprintf(want, sizeof(want), "\"phys\":\"0x%" PRIx64 "\"",
			 ((pm & PM_PFN_MASK) << PG_SHIFT) | 0x10);
		st = run("-J vtop %d %p", pid, page + 0x10);
		tap_ok(!st && strstr(out_buf, want),
		       "vtop through /proc agrees with pagemap (%s)", want);
	} else {
		tap_ok(false, "pagemap of the child's page");
	}
	if (fd >= 0)
		close(fd);

	st = run("-r layout show %d", pid);
	tap_ok(!st && strstr(out_buf, "source proc"),
	       "layout show through /proc (exit %d)", st);
	st = run("--source module vma show %d", pid);
	tap_ok(st == 1 && strstr(err_buf, "ptscope.ko"),
	       "--source module without the module: exit 1 (%d)", st);
	st = run("flush %d", pid);
	tap_ok(st == 1 && strstr(err_buf, "not loaded"),
	       "flush without the module: exit 1, 'not loaded' (%d)", st);
	st = run("-J flush --all");
	tap_ok(st == 1 && strstr(out_buf, "\"error\""),
	       "flush -J without the module: a JSON error (%d)", st);
}

int main(void)
{
	char vmas_module[sizeof(out_buf)], *page;
	pid_t pid;
	int st;

	tap_init();
	if (access(PTSCOPE_BIN, X_OK) || access(PTSCOPE_KO, R_OK)) {
		tap_skip("no " PTSCOPE_BIN " or " PTSCOPE_KO,
			 "ptscope without its module");
		return tap_done();
	}
	if (access(PTSCOPE_DEBUGFS_DIR "/query", F_OK)) {
		tap_skip("ptscope.ko is not loaded", "ptscope without its module");
		return tap_done();
	}
	pid = child_start(&page);
	if (pid < 0) {
		tap_ok(false, "child: %s", strerror(errno));
		return tap_done();
	}

	st = run("-J vma show %d", pid);
	tap_ok(!st && strstr(out_buf, "\"source\":\"module\""),
	       "vma show -J with the module: \"source\": \"module\"");
	st = run("-r -n -o START,END,PERMS vma show %d", pid);
	snprintf(vmas_module, sizeof(vmas_module), "%s", out_buf);
	tap_ok(!st && vmas_module[0], "vma show with the module");

	st = system("rmmod ptscope");
	if (tap_ok(st == 0 && access(PTSCOPE_DEBUGFS_DIR, F_OK),
		   "rmmod ptscope (status %d)", st))
		test_without_module(pid, vmas_module, page);

	st = system("insmod " PTSCOPE_KO);
	tap_ok(st == 0 && !access(PTSCOPE_DEBUGFS_DIR "/query", F_OK),
	       "insmod " PTSCOPE_KO " again: the module is back (status %d)",
	       st);
	st = run("-J vma show %d", pid);
	tap_ok(!st && strstr(out_buf, "\"source\":\"module\""),
	       "vma show uses the module again");

	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	return tap_done();
}
