// SPDX-License-Identifier: GPL-2.0
/*
 * ptscope: TLB flush triggers.
 *
 * "flush" takes one request per write() ("pid=N", "pid=N start=A end=B"
 * or "all"), runs it before write() returns and keeps a one-line answer
 * for read() on the same descriptor; "flush_stats" shows totals.  Formats
 * and errors are documented in include/uapi/ptscope.h.
 *
 * Only exported symbols and header inlines are used (flush_compat.h):
 * every CPU of the scope flushes its whole TLB in an IPI, counted there,
 * so the answer says what really ran and where.  Requests are parsed with
 * the query parser and resolved like queries (gen.c), and every check is
 * made before anything is flushed.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/atomic.h>
#include <linux/build_bug.h>
#include <linux/capability.h>
#include <linux/debugfs.h>
#include <linux/fs.h>
#include <linux/kernel.h>
#include <linux/mutex.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/smp.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include "uapi/ptscope.h"
#include "flush.h"
#include "flush_compat.h"
#include "gen.h"
#include "query.h"

enum ptscope_flush_req {
	PTSCOPE_FLUSH_REQ_ALL,
	PTSCOPE_FLUSH_REQ_MM,
	PTSCOPE_FLUSH_REQ_RANGE,
};

enum ptscope_flush_scope {
	PTSCOPE_FLUSH_SCOPE_ALL,
	PTSCOPE_FLUSH_SCOPE_MM,
};

/* Totals in "flush_stats", printed in this order */
enum ptscope_flush_stat {
	PTSCOPE_FST_REQUESTS,
	PTSCOPE_FST_REQ_ALL,
	PTSCOPE_FST_REQ_MM,
	PTSCOPE_FST_REQ_RANGE,
	PTSCOPE_FST_SCOPE_ALL,
	PTSCOPE_FST_SCOPE_MM,
	PTSCOPE_FST_METHOD_INVPCID,
	PTSCOPE_FST_METHOD_TLB_ALL,
	PTSCOPE_FST_CPUS,
	PTSCOPE_FST_ERRORS,
	PTSCOPE_FST_ERRORS_UNSUPPORTED,
	PTSCOPE_FST_NR,
};

static const char * const ptscope_flush_stat_names[PTSCOPE_FST_NR] = {
	[PTSCOPE_FST_REQUESTS]		= "requests",
	[PTSCOPE_FST_REQ_ALL]		= "req_all",
	[PTSCOPE_FST_REQ_MM]		= "req_mm",
	[PTSCOPE_FST_REQ_RANGE]		= "req_range",
	[PTSCOPE_FST_SCOPE_ALL]		= "scope_all",
	[PTSCOPE_FST_SCOPE_MM]		= "scope_mm",
	[PTSCOPE_FST_METHOD_INVPCID]	= "method_invpcid_all_ipi",
	[PTSCOPE_FST_METHOD_TLB_ALL]	= "method_tlb_all_ipi",
	[PTSCOPE_FST_CPUS]		= "cpus",
	[PTSCOPE_FST_ERRORS]		= "errors",
	[PTSCOPE_FST_ERRORS_UNSUPPORTED] = "errors_unsupported",
};

static atomic64_t ptscope_flush_stats[PTSCOPE_FST_NR];

/* req_* totals are indexed by enum ptscope_flush_req */
static_assert(PTSCOPE_FST_REQ_MM - PTSCOPE_FST_REQ_ALL == PTSCOPE_FLUSH_REQ_MM);
static_assert(PTSCOPE_FST_REQ_RANGE - PTSCOPE_FST_REQ_ALL ==
	      PTSCOPE_FLUSH_REQ_RANGE);

static const char * const ptscope_flush_req_names[] = {
	[PTSCOPE_FLUSH_REQ_ALL]		= "all",
	[PTSCOPE_FLUSH_REQ_MM]		= "mm",
	[PTSCOPE_FLUSH_REQ_RANGE]	= "range",
};

static const char * const ptscope_flush_scope_names[] = {
	[PTSCOPE_FLUSH_SCOPE_ALL]	= "all",
	[PTSCOPE_FLUSH_SCOPE_MM]	= "mm",
};

/**
 * struct ptscope_flush_result - what one request ran
 * @req:	what was asked
 * @scope:	what was flushed
 * @method:	what each CPU ran
 * @pid:	the pid as written (req mm and range)
 * @start:	the range, page aligned (req range)
 * @end:	its end, exclusive
 * @cpus:	CPUs the flush ran on
 */
struct ptscope_flush_result {
	enum ptscope_flush_req req;
	enum ptscope_flush_scope scope;
	enum ptscope_flush_method method;
	int pid;
	unsigned long start;
	unsigned long end;
	unsigned int cpus;
};

/**
 * struct ptscope_flush_file - state of one open "flush" file
 * @lock:	serializes the answer between write() and read()
 * @line:	the answer to the last successful request
 * @len:	bytes in @line; 0 before the first one
 */
struct ptscope_flush_file {
	struct mutex lock;	/* protects @line and @len */
	char line[PTSCOPE_FLUSH_LINE_MAX];
	size_t len;
};

/* Shared with the IPI callbacks of one flush */
struct ptscope_flush_ipi {
	enum ptscope_flush_method method;
	atomic_t cpus;
};

static void ptscope_flush_stat_inc(enum ptscope_flush_stat stat, s64 n)
{
	atomic64_add(n, &ptscope_flush_stats[stat]);
}

static void ptscope_flush_on_cpu(void *info)
{
	struct ptscope_flush_ipi *ipi = info;

	ptscope_flush_local(ipi->method);
	atomic_inc(&ipi->cpus);
}

/*
 * Flush every online CPU (@mm NULL) or the CPUs in mm_cpumask(@mm), the
 * calling one included, and wait for all of them.  Return: CPUs reached.
 */
static unsigned int ptscope_flush_cpus(struct mm_struct *mm,
				       enum ptscope_flush_method method)
{
	struct ptscope_flush_ipi ipi = {
		.method = method,
		.cpus = ATOMIC_INIT(0),
	};

	if (mm)
		on_each_cpu_mask(mm_cpumask(mm), ptscope_flush_on_cpu, &ipi,
				 true);
	else
		on_each_cpu(ptscope_flush_on_cpu, &ipi, true);
	return atomic_read(&ipi.cpus);
}

/* Is the request the word "all", blanks and one newline allowed around? */
static bool ptscope_flush_is_all(const char *buf, size_t len)
{
	if (len && buf[len - 1] == '\n')
		len--;
	while (len && (*buf == ' ' || *buf == '\t')) {
		buf++;
		len--;
	}
	while (len && (buf[len - 1] == ' ' || buf[len - 1] == '\t'))
		len--;
	return len == 3 && !memcmp(buf, "all", 3);
}

/*
 * Parse and resolve one request; on success @t holds the target's mm
 * (req mm and range) and @res the request.
 */
static int ptscope_flush_parse(const char *buf, size_t len,
			       struct ptscope_flush_result *res,
			       struct ptscope_target *t)
{
	const unsigned int range = BIT(PTSCOPE_KEY_START) |
				   BIT(PTSCOPE_KEY_END);
	struct ptscope_query q;
	int err;

	if (ptscope_flush_is_all(buf, len)) {
		res->req = PTSCOPE_FLUSH_REQ_ALL;
		return 0;
	}
	err = ptscope_query_parse(buf, len, &q);
	if (err)
		return err;
	if (q.keys & (BIT(PTSCOPE_KEY_ADDR) | BIT(PTSCOPE_KEY_VIEW)))
		return -EINVAL;
	if ((q.keys & range) && (q.keys & range) != range)
		return -EINVAL;

	err = ptscope_target_resolve(&q, t);
	if (err)
		return err;
	res->pid = q.pid;
	if (q.keys & range) {
		res->req = PTSCOPE_FLUSH_REQ_RANGE;
		res->start = t->range.start;
		res->end = t->range.end;
	} else {
		res->req = PTSCOPE_FLUSH_REQ_MM;
	}
	return 0;
}

/* Run a parsed request; @mm is the target's, NULL for "all". */
static int ptscope_flush_run(struct mm_struct *mm,
			     struct ptscope_flush_result *res)
{
	res->method = ptscope_flush_method_pick();
	if (res->method == PTSCOPE_FLUSH_NONE) {
		pr_warn_once("no TLB flush method: the CPU has no INVPCID and this kernel does not export __flush_tlb_all()\n");
		return -EOPNOTSUPP;
	}
	if (mm && ptscope_flush_mm_needs_all())
		mm = NULL;
	res->scope = mm ? PTSCOPE_FLUSH_SCOPE_MM : PTSCOPE_FLUSH_SCOPE_ALL;
	res->cpus = ptscope_flush_cpus(mm, res->method);
	return 0;
}

static void ptscope_flush_account(const struct ptscope_flush_result *res)
{
	ptscope_flush_stat_inc(PTSCOPE_FST_REQUESTS, 1);
	ptscope_flush_stat_inc(PTSCOPE_FST_REQ_ALL + res->req, 1);
	ptscope_flush_stat_inc(res->scope == PTSCOPE_FLUSH_SCOPE_ALL ?
			       PTSCOPE_FST_SCOPE_ALL : PTSCOPE_FST_SCOPE_MM, 1);
	ptscope_flush_stat_inc(res->method == PTSCOPE_FLUSH_INVPCID ?
			       PTSCOPE_FST_METHOD_INVPCID :
			       PTSCOPE_FST_METHOD_TLB_ALL, 1);
	ptscope_flush_stat_inc(PTSCOPE_FST_CPUS, res->cpus);
}

static const char *ptscope_flush_note(const struct ptscope_flush_result *res)
{
	if (res->req == PTSCOPE_FLUSH_REQ_ALL)
		return PTSCOPE_FLUSH_NOTE_EXACT;
	if (res->scope == PTSCOPE_FLUSH_SCOPE_ALL)
		return PTSCOPE_FLUSH_NOTE_PCID;
	if (res->req == PTSCOPE_FLUSH_REQ_RANGE)
		return PTSCOPE_FLUSH_NOTE_RANGE;
	return PTSCOPE_FLUSH_NOTE_MM;
}

/* The answer line of include/uapi/ptscope.h; returns its length. */
static size_t ptscope_flush_format(const struct ptscope_flush_result *res,
				   char *buf, size_t size)
{
	size_t n;

	n = scnprintf(buf, size, "req=%s scope=%s",
		      ptscope_flush_req_names[res->req],
		      ptscope_flush_scope_names[res->scope]);
	if (res->req != PTSCOPE_FLUSH_REQ_ALL)
		n += scnprintf(buf + n, size - n, " pid=%d", res->pid);
	if (res->req == PTSCOPE_FLUSH_REQ_RANGE)
		n += scnprintf(buf + n, size - n, " start=0x%lx end=0x%lx",
			       res->start, res->end);
	n += scnprintf(buf + n, size - n,
		       " method=%s cpus=%u precise=%d note=%s\n",
		       res->method == PTSCOPE_FLUSH_INVPCID ?
		       PTSCOPE_FLUSH_METHOD_INVPCID :
		       PTSCOPE_FLUSH_METHOD_TLB_ALL,
		       res->cpus, res->req == PTSCOPE_FLUSH_REQ_ALL,
		       ptscope_flush_note(res));
	return n;
}

/* Copy, check and run one request from user space. */
static int ptscope_flush_request(const char __user *ubuf, size_t count,
				 struct ptscope_flush_result *res)
{
	char line[PTSCOPE_QUERY_MAX];
	struct ptscope_target t = { };
	int err;

	if (!count || count > PTSCOPE_QUERY_MAX)
		return -EINVAL;
	if (copy_from_user(line, ubuf, count))
		return -EFAULT;
	err = ptscope_flush_parse(line, count, res, &t);
	if (!err)
		err = ptscope_flush_run(t.mm, res);
	ptscope_target_release(&t);
	return err;
}

static int ptscope_flush_open(struct inode *inode, struct file *file)
{
	struct ptscope_flush_file *ff;

	if (!capable(CAP_SYS_ADMIN))
		return -EPERM;
	ff = kzalloc(sizeof(*ff), GFP_KERNEL);
	if (!ff)
		return -ENOMEM;
	mutex_init(&ff->lock);
	file->private_data = ff;
	return 0;
}

static int ptscope_flush_release(struct inode *inode, struct file *file)
{
	struct ptscope_flush_file *ff = file->private_data;

	mutex_destroy(&ff->lock);
	kfree(ff);
	return 0;
}

static ssize_t ptscope_flush_write(struct file *file, const char __user *ubuf,
				   size_t count, loff_t *ppos)
{
	struct ptscope_flush_file *ff = file->private_data;
	struct ptscope_flush_result res = { };
	int err;

	err = ptscope_flush_request(ubuf, count, &res);
	if (err) {
		ptscope_flush_stat_inc(PTSCOPE_FST_ERRORS, 1);
		if (err == -EOPNOTSUPP)
			ptscope_flush_stat_inc(PTSCOPE_FST_ERRORS_UNSUPPORTED, 1);
		return err;
	}
	ptscope_flush_account(&res);

	/* The flush has run; only the answer waits for the lock. */
	mutex_lock(&ff->lock);
	ff->len = ptscope_flush_format(&res, ff->line, sizeof(ff->line));
	mutex_unlock(&ff->lock);
	*ppos = 0;
	return count;
}

static ssize_t ptscope_flush_read(struct file *file, char __user *ubuf,
				  size_t count, loff_t *ppos)
{
	struct ptscope_flush_file *ff = file->private_data;
	char line[PTSCOPE_FLUSH_LINE_MAX];
	size_t len;

	mutex_lock(&ff->lock);
	len = ff->len;
	memcpy(line, ff->line, len);
	mutex_unlock(&ff->lock);
	if (!len)
		return -EINVAL;
	return simple_read_from_buffer(ubuf, count, ppos, line, len);
}

static const struct file_operations ptscope_flush_fops = {
	.owner		= THIS_MODULE,
	.open		= ptscope_flush_open,
	.release	= ptscope_flush_release,
	.read		= ptscope_flush_read,
	.write		= ptscope_flush_write,
	.llseek		= default_llseek,
};

static int ptscope_flush_stats_show(struct seq_file *m, void *v)
{
	unsigned int i;

	for (i = 0; i < PTSCOPE_FST_NR; i++)
		seq_printf(m, "%s=%lld\n", ptscope_flush_stat_names[i],
			   (long long)atomic64_read(&ptscope_flush_stats[i]));
	return 0;
}

static int ptscope_flush_stats_open(struct inode *inode, struct file *file)
{
	if (!capable(CAP_SYS_ADMIN))
		return -EPERM;
	return single_open(file, ptscope_flush_stats_show, NULL);
}

static const struct file_operations ptscope_flush_stats_fops = {
	.owner		= THIS_MODULE,
	.open		= ptscope_flush_stats_open,
	.release	= single_release,
	.read		= seq_read,
	.llseek		= seq_lseek,
};

/**
 * ptscope_flush_init() - create "flush" and "flush_stats"
 * @dir: the ptscope debugfs directory; removing it removes them
 */
void ptscope_flush_init(struct dentry *dir)
{
	debugfs_create_file(PTSCOPE_FLUSH_FILE, 0600, dir, NULL,
			    &ptscope_flush_fops);
	debugfs_create_file(PTSCOPE_FLUSH_STATS_FILE, 0400, dir, NULL,
			    &ptscope_flush_stats_fops);
}
