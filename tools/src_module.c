// SPDX-License-Identifier: GPL-2.0
/*
 * ptscope: the ptscope.ko source.  One query line is written to
 * /sys/kernel/debug/ptscope/query, the binary record stream is read back
 * from the same descriptor in whole records and decoded into the model.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pts.h"

#define PTS_QUERY_FILE	PTSCOPE_DEBUGFS_DIR "/query"
#define PTS_READ_RECS	256

/**
 * pts_module_available - can the module be queried
 *
 * Return: 0, or the negative errno of opening the query file.
 */
int pts_module_available(void)
{
	int fd = open(PTS_QUERY_FILE, O_RDWR | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	close(fd);
	return 0;
}

static int query_line(char *buf, size_t len, const struct pts_query *q)
{
	int n;

	n = snprintf(buf, len, "pid=%u start=0x%llx", q->pid,
		     (unsigned long long)q->start);
	if (q->end)
		n += snprintf(buf + n, len - n, " end=0x%llx",
			      (unsigned long long)q->end);
	n += snprintf(buf + n, len - n, " view=records\n");
	return n < (int)len ? n : -EINVAL;
}

static ssize_t read_records(int fd, void *buf, size_t len)
{
	ssize_t n;

	do {
		n = read(fd, buf, len);
	} while (n < 0 && errno == EINTR);
	return n < 0 ? -errno : n;
}

static int read_stream(struct pts_ctx *ctx, int fd, const char *path,
		       __u32 pid, struct pts_model *m)
{
	struct pts_decoder d;
	void *buf;
	ssize_t n;
	int err;

	buf = malloc(PTS_READ_RECS * PTSCOPE_REC_SIZE);
	if (!buf)
		return pts_error(ctx, ENOMEM, "record buffer");
	pts_decoder_init(&d, m);
	for (;;) {
		n = read_records(fd, buf, PTS_READ_RECS * PTSCOPE_REC_SIZE);
		if (n < 0) {
			err = pts_error(ctx, n, "pid %u: reading %s", pid, path);
			goto out_free;
		}
		if (!n)
			break;
		err = pts_decode_feed(&d, buf, n);
		if (err) {
			err = pts_error(ctx, err, "pid %u: %s", pid, d.msg);
			goto out_free;
		}
		if (d.done)
			break;
	}
	err = pts_decode_finish(&d);
	if (err == -ESRCH)
		err = pts_error(ctx, err, "pid %u: exited during the walk", pid);
	else if (err)
		err = pts_error(ctx, err, "pid %u: %s", pid, d.msg);
out_free:
	free(buf);
	return err;
}

/*
 * The walk of one address, level by level: view=levels answers HEADER,
 * one LEVEL record per level visited (top first), END.  A module without
 * that view refuses the query with -EINVAL: then the model keeps what
 * view=records gave (no upper levels).  Return: 0 or a reported error.
 */
static int module_levels(struct pts_ctx *ctx, const struct pts_query *q,
			 struct pts_model *m)
{
	char line[PTSCOPE_QUERY_MAX + 1];
	struct pts_model lm;
	ssize_t n;
	int fd, len, err;

	len = snprintf(line, sizeof(line), "pid=%u addr=0x%llx view=levels\n",
		       q->pid, (unsigned long long)q->addr);
	fd = open(PTS_QUERY_FILE, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return pts_error(ctx, errno, "%s", PTS_QUERY_FILE);
	n = write(fd, line, len);
	if (n != len) {
		err = n < 0 ? errno : EIO;
		close(fd);
		if (err == EINVAL) {
			pts_model_note(m, "ptscope.ko has no view=levels: upper levels unknown");
			return 0;
		}
		return pts_error(ctx, err, "pid %u: query '%.*s' refused",
				 q->pid, len - 1, line);
	}
	pts_model_init(&lm);
	err = read_stream(ctx, fd, PTS_QUERY_FILE, q->pid, &lm);
	close(fd);
	if (!err) {
		memcpy(m->steps, lm.steps, sizeof(m->steps));
		m->nr_steps = lm.nr_steps;
		if (lm.nr_steps)
			m->known |= PTS_K_XLATE;
	}
	pts_model_free(&lm);
	return err;
}

/**
 * pts_module_gather - fill the model from ptscope.ko
 * @ctx: context, for errors
 * @q: what to collect
 * @m: the model, initialised
 *
 * Errors are reported here.  A stream without its END record is partial
 * and an error (-EPROTO).  With @q->levels the walk of @q->addr is added
 * from view=levels when the module has it.
 *
 * Return: 0 or a negative errno.
 */
int pts_module_gather(struct pts_ctx *ctx, const struct pts_query *q,
		      struct pts_model *m)
{
	char line[PTSCOPE_QUERY_MAX + 1];
	ssize_t n;
	int fd, len, err;

	len = query_line(line, sizeof(line), q);
	if (len < 0)
		return pts_error(ctx, EINVAL, "query line too long");

	fd = open(PTS_QUERY_FILE, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return pts_error(ctx, errno, "%s", PTS_QUERY_FILE);

	n = write(fd, line, len);
	if (n != len) {
		err = n < 0 ? errno : EIO;
		if (err == ESRCH)
			err = pts_error(ctx, err, "pid %u", q->pid);
		else if (err == EINVAL && pts_proc_is_kthread(q->pid))
			err = pts_error(ctx, err,
					"pid %u: no address space (kernel thread)",
					q->pid);
		else
			err = pts_error(ctx, err, "pid %u: query '%.*s' refused",
					q->pid, len - 1, line);
		goto out_close;
	}
	err = read_stream(ctx, fd, PTS_QUERY_FILE, q->pid, m);
	if (!err && q->levels)
		err = module_levels(ctx, q, m);
out_close:
	close(fd);
	return err;
}

/**
 * pts_module_replay - fill the model from a saved record stream
 * @ctx: context, for errors
 * @path: a file holding what view=records returned
 * @q: the query (only its pid is used, for messages)
 * @m: the model, initialised
 *
 * For tests and for looking at a guest's answer on another machine.
 *
 * Return: 0 or a negative errno.
 */
int pts_module_replay(struct pts_ctx *ctx, const char *path,
		      const struct pts_query *q, struct pts_model *m)
{
	int fd, err;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return pts_error(ctx, errno, "%s", path);
	err = read_stream(ctx, fd, path, q->pid, m);
	close(fd);
	return err;
}
