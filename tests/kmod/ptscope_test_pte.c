// SPDX-License-Identifier: GPL-2.0
/*
 * Test-only module, never installed: makes a stale TLB entry on purpose,
 * so a guest test can see that a ptscope flush really flushed.
 *
 * /sys/kernel/debug/ptscope_test_pte/ctl (root only, CAP_SYS_ADMIN checked
 * at open) takes one command per write():
 *
 *   repoint PID A B   in PID's mm (0: the writer's), point the PTE of page A
 *                     at the frame of page B and flush nothing: a CPU that
 *                     cached A's translation keeps reading A's old frame
 *                     until its TLB is flushed.
 *   restore           put A's entry back (with the accessed and dirty bits
 *                     the CPU set meanwhile) and flush every CPU's TLB.
 *
 * Reading returns "state=idle" or "state=repointed pid=N a=0x.. b=0x..
 * old=0x.. new=0x.." (the raw entries).  One repoint per open file; closing
 * the file restores it.
 *
 * Rules that keep the kernel's own view consistent while A maps B's frame:
 *  - A and B are present anonymous pages of one private anonymous VMA with
 *    VM_DONTCOPY (MADV_DONTFORK: fork never copies the odd entry) and
 *    VM_NOHUGEPAGE (MADV_NOHUGEPAGE: khugepaged never collapses it), in the
 *    same PTE table.
 *  - B's page gets an extra reference (migration and compaction then leave
 *    it alone) and the mm an mm_users reference: the process can exit with
 *    the file still open, its page tables are torn down only after the
 *    release of the file has restored A.  The test must not unmap, remap or
 *    mprotect A or B while repointed.
 *  - PTE tables are mapped as mm/pgtable-generic.c's __pte_offset_map_lock()
 *    does (pte_offset_map() does not link from 6.5 on): RCU, one read of the
 *    PMD, the PTE lock, the PMD checked again.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/capability.h>
#include <linux/debugfs.h>
#include <linux/fs.h>
#include <linux/kernel.h>
#include <linux/kstrtox.h>
#include <linux/mm.h>
#include <linux/mmap_lock.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/pid.h>
#include <linux/rcupdate.h>
#include <linux/sched/mm.h>
#include <linux/sched/task.h>
#include <linux/slab.h>
#include <linux/smp.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include "flush_compat.h"

#define TPTE_CMD_MAX	128
#define TPTE_TRIES	8

/**
 * struct tpte_file - state of one open ctl file
 * @lock:	serializes commands
 * @mm:		the repointed mm, with an mm_users reference; NULL when idle
 * @page_b:	B's page, with a reference
 * @pid:	the pid as written
 * @a:		address of page A
 * @b:		address of page B
 * @old:	A's entry before the repoint
 * @new:	A's entry pointing at B's frame
 */
struct tpte_file {
	struct mutex lock;	/* serializes commands on the file */
	struct mm_struct *mm;
	struct page *page_b;
	int pid;
	unsigned long a;
	unsigned long b;
	pte_t old;
	pte_t new;
};

/* A PTE table mapped and locked by tpte_map_lock() */
struct tpte_map {
	pmd_t pmdval;
	spinlock_t *ptl;	/* the PTE table lock, held */
};

static struct dentry *tpte_dir;

static void tpte_flush_on_cpu(void *info)
{
	ptscope_flush_local(*(enum ptscope_flush_method *)info);
}

/* Flush every CPU's whole TLB. */
static void tpte_flush_all(void)
{
	enum ptscope_flush_method method = ptscope_flush_method_pick();

	on_each_cpu(tpte_flush_on_cpu, &method, true);
}

static bool tpte_pmd_table(pmd_t pmd)
{
	return !pmd_none(pmd) && pmd_present(pmd) && !pmd_leaf(pmd) &&
	       !pmd_trans_huge(pmd) && !pmd_bad(pmd);
}

/* The PMD entry covering @addr, NULL if an upper level has no table. */
static pmd_t *tpte_pmdp(struct mm_struct *mm, unsigned long addr)
{
	pgd_t *pgdp = pgd_offset(mm, addr);
	p4d_t *p4dp;
	pud_t *pudp;
	pud_t pud;

	if (pgd_none(*pgdp) || pgd_bad(*pgdp))
		return NULL;
	p4dp = p4d_offset(pgdp, addr);
	if (p4d_none(*p4dp) || p4d_bad(*p4dp))
		return NULL;
	pudp = pud_offset(p4dp, addr);
	pud = READ_ONCE(*pudp);
	if (pud_none(pud) || !pud_present(pud) || pud_leaf(pud) || pud_bad(pud))
		return NULL;
	return pmd_offset(pudp, addr);
}

/*
 * Map and lock the PTE table of @addr (mmap lock held).  Return: the
 * entry of @addr with RCU and @m->ptl held, or NULL.
 */
static pte_t *tpte_map_lock(struct mm_struct *mm, unsigned long addr,
			    struct tpte_map *m)
{
	pmd_t *pmdp = tpte_pmdp(mm, addr);
	int tries;

	if (!pmdp)
		return NULL;
	for (tries = 0; tries < TPTE_TRIES; tries++) {
		rcu_read_lock();
		m->pmdval = READ_ONCE(*pmdp);
		if (!tpte_pmd_table(m->pmdval)) {
			rcu_read_unlock();
			return NULL;
		}
		m->ptl = pte_lockptr(mm, &m->pmdval);
		spin_lock(m->ptl);
		if (pmd_same(READ_ONCE(*pmdp), m->pmdval))
			return pte_offset_kernel(&m->pmdval, addr);
		spin_unlock(m->ptl);
		rcu_read_unlock();
	}
	return NULL;
}

static void tpte_unlock(struct tpte_map *m)
{
	spin_unlock(m->ptl);
	rcu_read_unlock();
}

/* A present anonymous page mapped by @pte, or NULL */
static struct page *tpte_anon_page(pte_t pte)
{
	struct page *page;

	if (!pte_present(pte) || pte_special(pte) || is_zero_pfn(pte_pfn(pte)))
		return NULL;
	page = pfn_to_online_page(pte_pfn(pte));
	if (!page || !PageAnon(page))
		return NULL;
	return page;
}

static struct mm_struct *tpte_get_mm(int pid)
{
	struct task_struct *task;
	struct mm_struct *mm;
	struct pid *p;

	if (!pid)
		return get_task_mm(current);
	p = find_get_pid(pid);
	if (!p)
		return NULL;
	task = get_pid_task(p, PIDTYPE_PID);
	put_pid(p);
	if (!task)
		return NULL;
	mm = get_task_mm(task);
	put_task_struct(task);
	return mm;
}

/* Check the VMA and the two entries, then repoint A; mmap lock held. */
static int tpte_repoint_locked(struct tpte_file *tf, struct mm_struct *mm)
{
	/* without THP (6.1 PREEMPT_RT) MADV_NOHUGEPAGE fails: nothing to refuse */
	const unsigned long need = VM_DONTCOPY |
		(IS_ENABLED(CONFIG_TRANSPARENT_HUGEPAGE) ? VM_NOHUGEPAGE : 0);
	struct vm_area_struct *vma = find_vma(mm, tf->a);
	struct page *page_a, *page_b;
	pte_t *ptep, pte_a, pte_b;
	struct tpte_map m;
	int err = -EINVAL;

	if (!vma || tf->a < vma->vm_start || tf->b < vma->vm_start ||
	    tf->b >= vma->vm_end || !vma_is_anonymous(vma) ||
	    (vma->vm_flags & VM_SHARED) || (vma->vm_flags & need) != need)
		return -EINVAL;
	if ((tf->a ^ tf->b) & PMD_MASK)
		return -EINVAL;	/* not in the same PTE table */

	ptep = tpte_map_lock(mm, tf->a, &m);
	if (!ptep)
		return -EINVAL;
	pte_a = ptep_get(ptep);
	pte_b = ptep_get(ptep + (long)(tf->b - tf->a) / (long)PAGE_SIZE);
	page_a = tpte_anon_page(pte_a);
	page_b = tpte_anon_page(pte_b);
	if (page_a && page_b && page_a != page_b) {
		get_page(page_b);
		tf->page_b = page_b;
		tf->old = pte_a;
		tf->new = pfn_pte(pte_pfn(pte_b), pte_pgprot(pte_a));
		set_pte_at(mm, tf->a, ptep, tf->new);	/* and no flush */
		err = 0;
	}
	tpte_unlock(&m);
	return err;
}

static int tpte_repoint(struct tpte_file *tf, int pid, unsigned long a,
			unsigned long b)
{
	struct mm_struct *mm;
	int err;

	if (tf->mm)
		return -EBUSY;
	if (ptscope_flush_method_pick() == PTSCOPE_FLUSH_NONE)
		return -EOPNOTSUPP;	/* restore could not flush */
	mm = tpte_get_mm(pid);
	if (!mm)
		return -ESRCH;
	tf->pid = pid;
	tf->a = a & PAGE_MASK;
	tf->b = b & PAGE_MASK;

	err = mmap_read_lock_killable(mm);
	if (!err) {
		err = tpte_repoint_locked(tf, mm);
		mmap_read_unlock(mm);
	}
	if (err) {
		mmput(mm);
		return err;
	}
	tf->mm = mm;	/* keeps the mm_users reference */
	return 0;
}

static int tpte_restore(struct tpte_file *tf)
{
	const pteval_t ad = _PAGE_ACCESSED | _PAGE_DIRTY;
	struct mm_struct *mm = tf->mm;
	struct tpte_map m;
	pte_t *ptep, cur;
	int err = -EBUSY;

	if (!mm)
		return -EINVAL;
	mmap_read_lock(mm);
	ptep = tpte_map_lock(mm, tf->a, &m);
	if (ptep) {
		cur = ptep_get(ptep);
		if (pte_present(cur) && pte_pfn(cur) == pte_pfn(tf->new)) {
			set_pte_at(mm, tf->a, ptep,
				   __pte(pte_val(tf->old) | (pte_val(cur) & ad)));
			err = 0;
		}
		tpte_unlock(&m);
	}
	mmap_read_unlock(mm);
	tpte_flush_all();

	if (err)
		pr_err("pid %d: entry of 0x%lx changed while repointed, not restored\n",
		       tf->pid, tf->a);
	put_page(tf->page_b);
	tf->page_b = NULL;
	tf->mm = NULL;
	mmput(mm);
	return err;
}

static int tpte_open(struct inode *inode, struct file *file)
{
	struct tpte_file *tf;

	if (!capable(CAP_SYS_ADMIN))
		return -EPERM;
	tf = kzalloc(sizeof(*tf), GFP_KERNEL);
	if (!tf)
		return -ENOMEM;
	mutex_init(&tf->lock);
	file->private_data = tf;
	return 0;
}

static int tpte_release(struct inode *inode, struct file *file)
{
	struct tpte_file *tf = file->private_data;

	if (tf->mm)
		tpte_restore(tf);
	mutex_destroy(&tf->lock);
	kfree(tf);
	return 0;
}

/* "repoint PID A B" or "restore" */
static int tpte_command(struct tpte_file *tf, char *cmd)
{
	char *word = strsep(&cmd, " ");
	char *arg[3];
	unsigned long long a, b;
	int i, pid;

	if (!strcmp(word, "restore"))
		return cmd ? -EINVAL : tpte_restore(tf);
	if (strcmp(word, "repoint"))
		return -EINVAL;
	for (i = 0; i < 3; i++) {
		arg[i] = strsep(&cmd, " ");
		if (!arg[i])
			return -EINVAL;
	}
	if (cmd || kstrtoint(arg[0], 0, &pid) || pid < 0 ||
	    kstrtoull(arg[1], 0, &a) || kstrtoull(arg[2], 0, &b))
		return -EINVAL;
	return tpte_repoint(tf, pid, a, b);
}

static ssize_t tpte_write(struct file *file, const char __user *ubuf,
			  size_t count, loff_t *ppos)
{
	struct tpte_file *tf = file->private_data;
	char cmd[TPTE_CMD_MAX];
	int err;

	if (!count || count >= sizeof(cmd))
		return -EINVAL;
	if (copy_from_user(cmd, ubuf, count))
		return -EFAULT;
	cmd[count] = '\0';
	strim(cmd);

	if (mutex_lock_killable(&tf->lock))
		return -EINTR;
	err = tpte_command(tf, cmd);
	mutex_unlock(&tf->lock);
	return err ? err : count;
}

static ssize_t tpte_read(struct file *file, char __user *ubuf, size_t count,
			 loff_t *ppos)
{
	struct tpte_file *tf = file->private_data;
	char buf[160];
	int len;

	if (mutex_lock_killable(&tf->lock))
		return -EINTR;
	if (tf->mm)
		len = scnprintf(buf, sizeof(buf),
				"state=repointed pid=%d a=0x%lx b=0x%lx old=0x%llx new=0x%llx\n",
				tf->pid, tf->a, tf->b,
				(unsigned long long)pte_val(tf->old),
				(unsigned long long)pte_val(tf->new));
	else
		len = scnprintf(buf, sizeof(buf), "state=idle\n");
	mutex_unlock(&tf->lock);
	return simple_read_from_buffer(ubuf, count, ppos, buf, len);
}

static const struct file_operations tpte_fops = {
	.owner		= THIS_MODULE,
	.open		= tpte_open,
	.release	= tpte_release,
	.read		= tpte_read,
	.write		= tpte_write,
	.llseek		= default_llseek,
};

static int __init tpte_init(void)
{
	tpte_dir = debugfs_create_dir("ptscope_test_pte", NULL);
	if (IS_ERR(tpte_dir))
		return PTR_ERR(tpte_dir);
	debugfs_create_file("ctl", 0600, tpte_dir, NULL, &tpte_fops);
	return 0;
}

static void __exit tpte_exit(void)
{
	debugfs_remove(tpte_dir);
}

module_init(tpte_init);
module_exit(tpte_exit);
MODULE_DESCRIPTION("ptscope test helper: repoint a PTE without a TLB flush");
MODULE_LICENSE("GPL");
