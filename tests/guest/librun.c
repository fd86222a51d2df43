// SPDX-License-Identifier: GPL-2.0
/*
 * librun.c - run a command, capture its output; read flat JSON objects.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "librun.h"

struct buf {
	char *p;
	size_t n, cap;
};

static int buf_read(int fd, struct buf *b)
{
	ssize_t r;

	if (b->cap - b->n < 4096) {
		char *p = realloc(b->p, b->cap * 2 + 8192);

		if (!p)
			return -1;
		b->p = p;
		b->cap = b->cap * 2 + 8192;
	}
	r = read(fd, b->p + b->n, b->cap - b->n - 1);
	if (r > 0)
		b->n += r;
	b->p[b->n] = '\0';
	return r > 0 ? 1 : 0;
}

int run_capture(char *const argv[], char **out, char **err)
{
	struct buf bo = { 0 }, be = { 0 };
	struct pollfd pfd[2];
	int o[2], e[2], st, open_fds = 2, i;
	pid_t pid;

	if (pipe(o) || pipe(e))
		return -1;
	pid = fork();
	if (pid < 0)
		return -1;
	if (!pid) {
		int fd = open("/dev/null", O_RDONLY);

		dup2(fd, 0);
		dup2(o[1], 1);
		dup2(e[1], 2);
		close(o[0]);
		close(e[0]);
		execv(argv[0], argv);
		_exit(127);
	}
	close(o[1]);
	close(e[1]);
	pfd[0].fd = o[0];
	pfd[1].fd = e[0];
	pfd[0].events = pfd[1].events = POLLIN;
	buf_read(-1, &bo);	/* allocate */
	buf_read(-1, &be);
	while (open_fds) {
		if (poll(pfd, 2, -1) < 0 && errno != EINTR)
			break;
		for (i = 0; i < 2; i++) {
			if (pfd[i].fd < 0 || !pfd[i].revents)
				continue;
			if (buf_read(pfd[i].fd, i ? &be : &bo) <= 0) {
				close(pfd[i].fd);
				pfd[i].fd = -1;
				open_fds--;
			}
		}
	}
	waitpid(pid, &st, 0);
	*out = bo.p;
	if (err)
		*err = be.p;
	else
		free(be.p);
	if (WIFEXITED(st))
		return WEXITSTATUS(st);
	return WIFSIGNALED(st) ? 128 + WTERMSIG(st) : -1;
}

const char *json_field(const char *json, const char *from, const char *key,
		       char *buf, size_t len)
{
	char pat[128];
	const char *p, *end, *close;
	size_t n;

	(void)json;
	snprintf(pat, sizeof(pat), "\"%s\":", key);
	p = strstr(from, pat);
	close = strchr(from, '}');
	if (!p || (close && close < p))
		return NULL;
	p += strlen(pat);
	while (*p == ' ')
		p++;
	if (*p == '"') {
		p++;
		end = p;
		while (*end && *end != '"')
			end += (*end == '\\' && end[1]) ? 2 : 1;
		n = end - p;
		snprintf(buf, len, "%.*s", (int)n, p);
		return *end ? end + 1 : end;
	}
	end = p + strcspn(p, ",}] \n");
	snprintf(buf, len, "%.*s", (int)(end - p), p);
	return end;
}

int json_object_with(const char *json, const char *key, const char *val,
		     const char **start)
{
	char pat[256];
	const char *p, *open;

	snprintf(pat, sizeof(pat), "\"%s\":\"%s\"", key, val);
	p = strstr(json, pat);
	if (!p) {
		snprintf(pat, sizeof(pat), "\"%s\": \"%s\"", key, val);
		p = strstr(json, pat);
	}
	if (!p)
		return -1;
	for (open = p; open > json && *open != '{'; open--)
		;
	*start = open;
	return 0;
}

int json_u64(const char *at, const char *key, uint64_t *v)
{
	char buf[64], *end;

	if (!json_field(NULL, at, key, buf, sizeof(buf)) || !buf[0] ||
	    !strcmp(buf, "null"))
		return -1;
	*v = strtoull(buf, &end, 0);
	return *end ? -1 : 0;
}
