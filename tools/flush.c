// SPDX-License-Identifier: GPL-2.0
/*
 * ptscope flush: ask ptscope.ko to flush TLB entries, through
 * /sys/kernel/debug/ptscope/flush: one request line is written ("pid=N",
 * "pid=N start=A end=B" or "all"), then the one-line result is read back
 * from the same descriptor and printed.  Requests are checked here before
 * anything is written; there is no /proc fallback.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <json.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pts.h"

#define PTS_FLUSH_FILE	PTSCOPE_DEBUGFS_DIR "/flush"
#define PTS_FLUSH_MAX	4096

enum {
	OPT_RANGE = PTS_OPT_BASE,
	OPT_ALL,
};

/**
 * pts_flush_check - validate a flush request
 * @r: the request
 * @user_end: end of user space; a range must lie below it
 *
 * Return: 0; -EINVAL for a missing pid or an empty or reversed range,
 * -ERANGE for a range beyond user space.
 */
int pts_flush_check(const struct pts_flush_req *r, __u64 user_end)
{
	if (r->all)
		return r->pid || r->ranged ? -EINVAL : 0;
	if (!r->pid || r->pid > 0x7fffffff)
		return -EINVAL;
	if (!r->ranged)
		return 0;
	if (r->start >= r->end)
		return -EINVAL;
	if (r->end > user_end)
		return -ERANGE;
	return 0;
}

/**
 * pts_flush_format - the request line for the flush file
 * @buf: output, NUL terminated
 * @len: size of @buf
 * @r: the request, checked with pts_flush_check()
 *
 * Return: the length of the line (newline included), or -EINVAL when
 * it does not fit in @buf or in PTSCOPE_QUERY_MAX bytes.
 */
int pts_flush_format(char *buf, size_t len, const struct pts_flush_req *r)
{
	int n;

	if (r->all)
		n = snprintf(buf, len, "all\n");
	else if (r->ranged)
		n = snprintf(buf, len, "pid=%u start=0x%llx end=0x%llx\n",
			     r->pid, (unsigned long long)r->start,
			     (unsigned long long)r->end);
	else
		n = snprintf(buf, len, "pid=%u\n", r->pid);
	if (n < 0 || (size_t)n >= len || n > PTSCOPE_QUERY_MAX)
		return -EINVAL;
	return n;
}

static int do_help(struct pts_ctx *ctx, int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fprintf(ctx->out,
		"Usage: ptscope [OPTIONS] flush PID [--range START-END]\n"
		"       ptscope [OPTIONS] flush --all\n"
		"       ptscope flush help\n"
		"\n"
		"Ask ptscope.ko to flush TLB entries: those of process PID on the CPUs\n"
		"that may hold them, only [START, END) of it (flushed as a superset),\n"
		"or every CPU's.  The request is written to %s and the\n"
		"module's one-line answer is printed; -J prints {\"request\", \"result\",\n"
		"\"fields\"}, fields being the key=value words of the answer.\n"
		"\n"
		"  --range START-END  only this range of user addresses (C notation)\n"
		"  --all              flush every CPU (no PID)\n"
		"\n"
		"Needs a ptscope.ko with the flush interface; there is no /proc\n"
		"fallback.  A reversed, empty or malformed range, or one beyond user\n"
		"space, is a usage error and nothing is written.\n",
		PTS_FLUSH_FILE);
	return 0;
}

struct flush_args {
	struct pts_flush_req r;
	const char *range;
};

static int flush_opt(struct pts_ctx *ctx, int c, const char *arg, void *priv)
{
	struct flush_args *a = priv;
	int err;

	switch (c) {
	case OPT_RANGE:
		err = pts_parse_range(arg, &a->r.start, &a->r.end);
		if (err == -ERANGE)
			return pts_usage_error(ctx,
					       "--range '%s': number out of range",
					       arg);
		if (err)
			return pts_usage_error(ctx,
					       "--range '%s': expected START-END with START < END",
					       arg);
		a->r.ranged = true;
		a->range = arg;
		return 0;
	case OPT_ALL:
		a->r.all = true;
		return 0;
	}
	return pts_usage_error(ctx, "unknown option");
}

static int open_flush(struct pts_ctx *ctx)
{
	int fd = open(PTS_FLUSH_FILE, O_RDWR | O_CLOEXEC);

	if (fd >= 0)
		return fd;
	if (errno == ENOENT && !access(PTSCOPE_DEBUGFS_DIR "/query", F_OK))
		return pts_error(ctx, ENOENT,
				 "the loaded ptscope.ko has no flush interface (%s)",
				 PTS_FLUSH_FILE);
	if (errno == ENOENT)
		return pts_error(ctx, ENOENT,
				 "ptscope.ko is not loaded (no %s)",
				 PTSCOPE_DEBUGFS_DIR);
	return pts_error(ctx, errno, "%s", PTS_FLUSH_FILE);
}

static ssize_t read_result(int fd, char *buf, size_t len)
{
	size_t done = 0;
	ssize_t n;

	while (done < len - 1) {
		n = read(fd, buf + done, len - 1 - done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (!n)
			break;
		done += n;
	}
	buf[done] = '\0';
	return done;
}

static struct json_object *fields_json(const char *s)
{
	struct json_object *o = json_object_new_object();
	char key[64], val[256];
	size_t n, k;
	__u64 v;

	while (*s) {
		s += strspn(s, " \t\n");
		n = strcspn(s, " \t\n");
		k = strcspn(s, "=");
		if (n && k < n && k && k < sizeof(key) &&
		    n - k - 1 < sizeof(val)) {
			snprintf(key, sizeof(key), "%.*s", (int)k, s);
			snprintf(val, sizeof(val), "%.*s", (int)(n - k - 1),
				 s + k + 1);
			if (isdigit((unsigned char)val[0]) &&
			    strncmp(val, "0x", 2) && !pts_parse_u64(val, &v))
				json_object_object_add(o, key,
						       json_object_new_uint64(v));
			else
				json_object_object_add(o, key,
						       json_object_new_string(val));
		}
		s += n;
	}
	return o;
}

static int print_result(struct pts_ctx *ctx, const char *req,
			const char *res)
{
	struct json_object *o;
	size_t n = strlen(res);

	if (!ctx->json) {
		fprintf(ctx->out, "%s%s", res, n && res[n - 1] == '\n' ? "" : "\n");
		return 0;
	}
	o = json_object_new_object();
	json_object_object_add(o, "request",
			       json_object_new_string_len(req, strcspn(req, "\n")));
	json_object_object_add(o, "result",
			       json_object_new_string_len(res, strcspn(res, "\n")));
	json_object_object_add(o, "fields", fields_json(res));
	return pts_json_print(ctx, o, ctx->out);
}

/**
 * do_flush - the flush object: "flush PID [--range A-B]", "flush --all"
 * @ctx: context
 * @argc: arguments
 * @argv: arguments, argv[0] being "flush"
 *
 * Return: 0 or a negative error.
 */
int do_flush(struct pts_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "range",	required_argument,	NULL, OPT_RANGE },
		{ "all",	no_argument,		NULL, OPT_ALL },
		{ NULL, 0, NULL, 0 },
	};
	struct flush_args a = { 0 };
	char line[PTSCOPE_QUERY_MAX + 1], *res;
	struct pts_arch arch;
	ssize_t n;
	int i, fd, len, err;

	if (argc > 1 && !strcmp(argv[1], "help"))
		return pts_help(ctx, do_help, argc, argv);
	i = pts_parse_args(ctx, argc, argv, opts, flush_opt, &a, do_help);
	if (i <= 0)
		return i;
	if (a.r.all && argc - i)
		return pts_usage_error(ctx, "flush --all: takes no PID");
	if (a.r.all && a.r.ranged)
		return pts_usage_error(ctx, "flush: --all and --range exclude each other");
	if (!a.r.all && argc - i != 1)
		return pts_usage_error(ctx, "flush: expected PID or --all");
	if (!a.r.all && pts_parse_pid(argv[i], &a.r.pid))
		return pts_usage_error(ctx, "invalid pid '%s'", argv[i]);
	pts_proc_arch(&arch);
	err = pts_flush_check(&a.r, arch.task_size);
	if (err == -ERANGE)
		return pts_usage_error(ctx, "--range '%s': beyond user space (0x%llx)",
				       a.range, (unsigned long long)arch.task_size);
	if (err)
		return pts_usage_error(ctx, "flush: invalid request");
	len = pts_flush_format(line, sizeof(line), &a.r);
	if (len < 0)
		return pts_usage_error(ctx, "flush: request too long");

	fd = open_flush(ctx);
	if (fd < 0)
		return fd;
	n = write(fd, line, len);
	if (n != len) {
		err = n < 0 ? errno : EIO;
		if (err == ESRCH)
			err = pts_error(ctx, err, "pid %u", a.r.pid);
		else
			err = pts_error(ctx, err, "flush request '%.*s' refused",
					len - 1, line);
		goto out_close;
	}
	res = malloc(PTS_FLUSH_MAX);
	if (!res) {
		err = pts_error(ctx, ENOMEM, "flush result");
		goto out_close;
	}
	n = read_result(fd, res, PTS_FLUSH_MAX);
	if (!n && lseek(fd, 0, SEEK_SET) == 0)
		n = read_result(fd, res, PTS_FLUSH_MAX);
	if (n < 0)
		err = pts_error(ctx, n, "reading %s", PTS_FLUSH_FILE);
	else if (!n)
		err = pts_error(ctx, EPROTO, "%s: no result", PTS_FLUSH_FILE);
	else
		err = print_result(ctx, line, res);
	free(res);
out_close:
	close(fd);
	return err;
}
