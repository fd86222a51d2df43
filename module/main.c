// SPDX-License-Identifier: GPL-2.0
/*
 * ptscope: debugfs front end.
 *
 * /sys/kernel/debug/ptscope/ holds "query" (per-open query, binary or text
 * answer), "target" (the global target of the text views) and the text
 * views "vmas", "pt", "ptes", "xlate" and "stats".  Every open needs
 * CAP_SYS_ADMIN.  Answers are produced by a generator (gen.c) a window at
 * a time and, for text, rendered (render.c) into a bounded text buffer;
 * the frames view (frames.c) is walked per read() into a bounded buffer.
 * Copies to user space happen with no mm lock or spinlock held.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/capability.h>
#include <linux/debugfs.h>
#include <linux/fs.h>
#include <linux/init.h>
#include <linux/minmax.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/pgtable.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "flush.h"
#include "frames.h"
#include "gen.h"
#include "query.h"
#include "rec.h"
#include "render.h"

#define PTSCOPE_TEXT_SIZE	(4 * PTSCOPE_RENDER_MAX)

/* The target of the text views, set through "target"; .mm NULL if unset */
static DEFINE_MUTEX(ptscope_target_lock);
static struct ptscope_target ptscope_target;

static struct dentry *ptscope_dir;

/**
 * struct ptscope_file - state of one open file
 * @lock:	serializes reads and writes on the file
 * @view:	what a read returns
 * @gen:	the answer's generator; NULL until a query or target is set
 *		(and for view=frames)
 * @frames:	the target of view=frames; .mm NULL otherwise
 * @frames_buf:	its PTSCOPE_FRAMES_CHUNK words, allocated on first use
 * @render:	text renderer state
 * @text:	text window (PTSCOPE_TEXT_SIZE bytes), allocated on first use
 * @text_len:	bytes in @text
 * @text_first:	file offset of @text[0]
 * @rec_idx:	next record to render
 * @text_eof:	all records rendered
 */
struct ptscope_file {
	struct mutex lock;	/* serializes reads and writes */
	enum ptscope_view view;
	struct ptscope_gen *gen;
	struct ptscope_target frames;
	u64 *frames_buf;
	struct ptscope_render render;
	char *text;
	size_t text_len;
	loff_t text_first;
	u64 rec_idx;
	bool text_eof;
};

static void ptscope_text_reset(struct ptscope_file *pf)
{
	pf->text_len = 0;
	pf->text_first = 0;
	pf->rec_idx = 0;
	pf->text_eof = false;
	ptscope_render_init(&pf->render, pf->view);
}

/* Render the records after the current text window into a new window. */
static int ptscope_text_fill(struct ptscope_file *pf)
{
	struct ptscope_tbuf tb = {
		.buf = pf->text,
		.cap = PTSCOPE_TEXT_SIZE,
	};
	const union ptscope_rec *recs;
	unsigned int i, nr;
	int err = 0;

	pf->text_first += pf->text_len;
	while (!pf->text_eof && tb.len + PTSCOPE_RENDER_MAX <= tb.cap) {
		err = ptscope_gen_window(pf->gen, pf->rec_idx, &recs, &nr);
		if (err)
			break;
		if (!nr)
			pf->text_eof = true;
		for (i = 0; i < nr && tb.len + PTSCOPE_RENDER_MAX <= tb.cap;
		     i++, pf->rec_idx++)
			ptscope_render_rec(&pf->render, &recs[i], &tb);
	}
	pf->text_len = tb.len;
	return err;
}

static ssize_t ptscope_read_text(struct ptscope_file *pf, char __user *ubuf,
				 size_t count, loff_t *ppos)
{
	loff_t pos = *ppos;
	size_t done = 0;
	int err = 0;

	if (pos < 0)
		return -EINVAL;
	if (!pf->text) {
		pf->text = kvmalloc(PTSCOPE_TEXT_SIZE, GFP_KERNEL);
		if (!pf->text)
			return -ENOMEM;
	}
	if (pos < pf->text_first)
		ptscope_text_reset(pf);

	while (done < count) {
		size_t off, n;

		if (pos >= pf->text_first + (loff_t)pf->text_len) {
			if (pf->text_eof)
				break;
			err = ptscope_text_fill(pf);
			if (err && !pf->text_len)
				break;
			continue;
		}
		off = pos - pf->text_first;
		n = min(count - done, pf->text_len - off);
		if (copy_to_user(ubuf + done, pf->text + off, n)) {
			err = -EFAULT;
			break;
		}
		done += n;
		pos += n;
	}
	if (!done && err)
		return err;
	*ppos = pos;
	return done;
}

static ssize_t ptscope_read_records(struct ptscope_file *pf,
				    char __user *ubuf, size_t count,
				    loff_t *ppos)
{
	const union ptscope_rec *recs;
	size_t done = 0;
	unsigned int nr;
	int err = 0;
	u64 idx;

	if (*ppos < 0 || *ppos % PTSCOPE_REC_SIZE || count % PTSCOPE_REC_SIZE)
		return -EINVAL;
	idx = *ppos / PTSCOPE_REC_SIZE;

	while (done < count) {
		err = ptscope_gen_window(pf->gen, idx, &recs, &nr);
		if (err || !nr)
			break;
		nr = min_t(size_t, nr, (count - done) / PTSCOPE_REC_SIZE);
		if (copy_to_user(ubuf + done, recs, nr * PTSCOPE_REC_SIZE)) {
			err = -EFAULT;
			break;
		}
		done += nr * PTSCOPE_REC_SIZE;
		idx += nr;
	}
	if (!done && err)
		return err;
	*ppos += done;
	return done;
}

static ssize_t ptscope_read_frames(struct ptscope_file *pf, char __user *ubuf,
				   size_t count, loff_t *ppos)
{
	if (!pf->frames.mm)
		return -EINVAL;
	if (!pf->frames_buf) {
		pf->frames_buf = kvmalloc_array(PTSCOPE_FRAMES_CHUNK,
						sizeof(*pf->frames_buf),
						GFP_KERNEL);
		if (!pf->frames_buf)
			return -ENOMEM;
	}
	return ptscope_frames_read(&pf->frames, pf->frames_buf, ubuf, count,
				   ppos);
}

static int ptscope_file_open(struct file *file, enum ptscope_view view)
{
	struct ptscope_file *pf;

	if (!capable(CAP_SYS_ADMIN))
		return -EPERM;
	pf = kzalloc(sizeof(*pf), GFP_KERNEL);
	if (!pf)
		return -ENOMEM;
	mutex_init(&pf->lock);
	pf->view = view;
	file->private_data = pf;
	return 0;
}

static int ptscope_file_release(struct inode *inode, struct file *file)
{
	struct ptscope_file *pf = file->private_data;

	ptscope_gen_destroy(pf->gen);
	ptscope_target_release(&pf->frames);
	kvfree(pf->frames_buf);
	kvfree(pf->text);
	mutex_destroy(&pf->lock);
	kfree(pf);
	return 0;
}

/* Copy a query line from user space and resolve it to a target. */
static int ptscope_user_target(const char __user *ubuf, size_t count,
			       struct ptscope_target *t)
{
	char line[PTSCOPE_QUERY_MAX];
	struct ptscope_query q;
	int err;

	if (count > PTSCOPE_QUERY_MAX)
		return -EINVAL;
	if (copy_from_user(line, ubuf, count))
		return -EFAULT;
	err = ptscope_query_parse(line, count, &q);
	if (err)
		return err;
	return ptscope_target_resolve(&q, t);
}

/* query */

static int ptscope_query_open(struct inode *inode, struct file *file)
{
	return ptscope_file_open(file, PTSCOPE_VIEW_RECORDS);
}

static ssize_t ptscope_query_write(struct file *file, const char __user *ubuf,
				   size_t count, loff_t *ppos)
{
	struct ptscope_file *pf = file->private_data;
	struct ptscope_target t = { };
	struct ptscope_gen *gen = NULL;
	enum ptscope_view view;
	int err;

	err = ptscope_user_target(ubuf, count, &t);
	if (err)
		return err;
	view = t.q.view;
	/* frames are read straight from the target, records need a generator */
	if (view != PTSCOPE_VIEW_FRAMES) {
		gen = ptscope_gen_create(&t, view);
		ptscope_target_release(&t);
		if (!gen)
			return -ENOMEM;
	}

	if (mutex_lock_killable(&pf->lock)) {
		ptscope_gen_destroy(gen);
		ptscope_target_release(&t);
		return -EINTR;
	}
	swap(pf->gen, gen);
	swap(pf->frames, t);
	pf->view = view;
	ptscope_text_reset(pf);
	mutex_unlock(&pf->lock);

	ptscope_gen_destroy(gen);
	ptscope_target_release(&t);
	*ppos = 0;
	return count;
}

static ssize_t ptscope_query_read(struct file *file, char __user *ubuf,
				  size_t count, loff_t *ppos)
{
	struct ptscope_file *pf = file->private_data;
	ssize_t ret;

	if (mutex_lock_killable(&pf->lock))
		return -EINTR;
	if (pf->view == PTSCOPE_VIEW_FRAMES)
		ret = ptscope_read_frames(pf, ubuf, count, ppos);
	else if (!pf->gen)
		ret = -EINVAL;
	else if (pf->view == PTSCOPE_VIEW_RECORDS ||
		 pf->view == PTSCOPE_VIEW_LEVELS)
		ret = ptscope_read_records(pf, ubuf, count, ppos);
	else
		ret = ptscope_read_text(pf, ubuf, count, ppos);
	mutex_unlock(&pf->lock);
	return ret;
}

static const struct file_operations ptscope_query_fops = {
	.owner		= THIS_MODULE,
	.open		= ptscope_query_open,
	.release	= ptscope_file_release,
	.read		= ptscope_query_read,
	.write		= ptscope_query_write,
	.llseek		= default_llseek,
};

/* target */

static int ptscope_target_open(struct inode *inode, struct file *file)
{
	if (!capable(CAP_SYS_ADMIN))
		return -EPERM;
	return 0;
}

static ssize_t ptscope_target_write(struct file *file, const char __user *ubuf,
				    size_t count, loff_t *ppos)
{
	struct ptscope_target t = { };
	int err;

	err = ptscope_user_target(ubuf, count, &t);
	if (err)
		return err;

	mutex_lock(&ptscope_target_lock);
	swap(ptscope_target, t);
	mutex_unlock(&ptscope_target_lock);

	ptscope_target_release(&t);
	return count;
}

static ssize_t ptscope_target_read(struct file *file, char __user *ubuf,
				   size_t count, loff_t *ppos)
{
	const struct ptscope_target *t = &ptscope_target;
	char buf[128];
	int len;

	mutex_lock(&ptscope_target_lock);
	if (t->mm)
		len = scnprintf(buf, sizeof(buf),
				"pid=%d start=0x%lx end=0x%lx addr=0x%lx\n",
				t->q.pid, t->range.start, t->range.end,
				t->range.addr);
	else
		len = scnprintf(buf, sizeof(buf), "none\n");
	mutex_unlock(&ptscope_target_lock);

	return simple_read_from_buffer(ubuf, count, ppos, buf, len);
}

static const struct file_operations ptscope_target_fops = {
	.owner		= THIS_MODULE,
	.open		= ptscope_target_open,
	.read		= ptscope_target_read,
	.write		= ptscope_target_write,
	.llseek		= default_llseek,
};

/* text views of the global target */

static int ptscope_view_open(struct inode *inode, struct file *file)
{
	return ptscope_file_open(file, (uintptr_t)inode->i_private);
}

/* Take a snapshot of the global target for this open file. */
static int ptscope_view_attach(struct ptscope_file *pf)
{
	struct ptscope_target t = { };

	mutex_lock(&ptscope_target_lock);
	if (ptscope_target.mm)
		ptscope_target_copy(&t, &ptscope_target);
	mutex_unlock(&ptscope_target_lock);
	if (!t.mm)
		return -EINVAL;

	pf->gen = ptscope_gen_create(&t, pf->view);
	ptscope_target_release(&t);
	if (!pf->gen)
		return -ENOMEM;
	ptscope_text_reset(pf);
	return 0;
}

static ssize_t ptscope_view_read(struct file *file, char __user *ubuf,
				 size_t count, loff_t *ppos)
{
	struct ptscope_file *pf = file->private_data;
	ssize_t ret = 0;

	if (mutex_lock_killable(&pf->lock))
		return -EINTR;
	if (!pf->gen)
		ret = ptscope_view_attach(pf);
	if (!ret)
		ret = ptscope_read_text(pf, ubuf, count, ppos);
	mutex_unlock(&pf->lock);
	return ret;
}

static const struct file_operations ptscope_view_fops = {
	.owner		= THIS_MODULE,
	.open		= ptscope_view_open,
	.release	= ptscope_file_release,
	.read		= ptscope_view_read,
	.llseek		= default_llseek,
};

static const struct {
	const char *name;
	enum ptscope_view view;
} ptscope_views[] = {
	{ "vmas",	PTSCOPE_VIEW_VMAS },
	{ "pt",		PTSCOPE_VIEW_PT },
	{ "ptes",	PTSCOPE_VIEW_PTES },
	{ "xlate",	PTSCOPE_VIEW_XLATE },
	{ "stats",	PTSCOPE_VIEW_STATS },
};

static int __init ptscope_init(void)
{
	unsigned int i;

	ptscope_rec_check_sizes();

	ptscope_dir = debugfs_create_dir("ptscope", NULL);
	if (IS_ERR(ptscope_dir))
		return PTR_ERR(ptscope_dir);

	debugfs_create_file("query", 0600, ptscope_dir, NULL,
			    &ptscope_query_fops);
	debugfs_create_file("target", 0600, ptscope_dir, NULL,
			    &ptscope_target_fops);
	for (i = 0; i < ARRAY_SIZE(ptscope_views); i++)
		debugfs_create_file(ptscope_views[i].name, 0400, ptscope_dir,
				    (void *)(uintptr_t)ptscope_views[i].view,
				    &ptscope_view_fops);
	ptscope_flush_init(ptscope_dir);

	pr_info("ready: %d-level paging\n", pgtable_l5_enabled() ? 5 : 4);
	return 0;
}

static void __exit ptscope_exit(void)
{
	debugfs_remove(ptscope_dir);
	ptscope_target_release(&ptscope_target);
}

module_init(ptscope_init);
module_exit(ptscope_exit);

MODULE_DESCRIPTION("Live page-table walker of user processes, over debugfs");
MODULE_LICENSE("GPL");
