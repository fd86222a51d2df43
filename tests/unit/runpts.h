/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Run the ptscope binary (../../tools/ptscope next to the test, or
 * $PTSCOPE) and capture its standard output, standard error and exit
 * status; with a replay file, as PTSCOPE_REPLAY, for the module source.
 */
#ifndef PTS_TEST_RUNPTS_H
#define PTS_TEST_RUNPTS_H

#include <stdarg.h>
#include <sys/wait.h>
#include <unistd.h>

#include "recs.h"

static char pts_out[1 << 18], pts_err[1 << 14];

static inline void pts_drain(int fd, char *buf, size_t len)
{
	char junk[256];
	size_t n = 0;
	ssize_t r = 1;

	while (n < len - 1 && (r = read(fd, buf + n, len - 1 - n)) > 0)
		n += r;
	buf[n] = '\0';
	while (r > 0)	/* discard the rest, so the child never blocks */
		r = read(fd, junk, sizeof(junk));
}

/*
 * run ptscope with the NULL-terminated arguments, PTSCOPE_REPLAY set to
 * @replay (unset when NULL); return its exit status
 */
static inline int run_ptsv_replay(const char *replay, char **args)
{
	const char *bin = test_path("PTSCOPE", "../../tools/ptscope");
	char *argv[40];
	int o[2], e[2], status, argc = 1;
	pid_t pid;

	argv[0] = (char *)bin;
	while (argc < 39 && args[argc - 1]) {
		argv[argc] = args[argc - 1];
		argc++;
	}
	argv[argc] = NULL;
	assert_int_equal(pipe(o), 0);
	assert_int_equal(pipe(e), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (!pid) {
		dup2(o[1], 1);
		dup2(e[1], 2);
		close(o[0]);
		close(e[0]);
		if (replay)
			setenv("PTSCOPE_REPLAY", replay, 1);
		else
			unsetenv("PTSCOPE_REPLAY");
		execv(bin, argv);
		_exit(127);
	}
	close(o[1]);
	close(e[1]);
	pts_drain(o[0], pts_out, sizeof(pts_out));
	pts_drain(e[0], pts_err, sizeof(pts_err));
	close(o[0]);
	close(e[0]);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	return WEXITSTATUS(status);
}

/* run ptscope with the NULL-terminated arguments, return its exit status */
static inline int run_ptsv(char **args)
{
	return run_ptsv_replay(NULL, args);
}

/* run_pts() with PTSCOPE_REPLAY set to @replay (unset when NULL) */
static inline int run_pts_replay(const char *replay, const char *first, ...)
{
	char *args[40];
	int n = 0;
	va_list ap;

	args[n++] = (char *)first;
	va_start(ap, first);
	while (first && n < 39 && (args[n] = va_arg(ap, char *)))
		n++;
	va_end(ap);
	args[first ? n : 0] = NULL;
	return run_ptsv_replay(replay, args);
}

/* run ptscope with the arguments up to a NULL, return its exit status */
#define run_pts(...)	run_pts_replay(NULL, __VA_ARGS__)

#endif /* PTS_TEST_RUNPTS_H */
