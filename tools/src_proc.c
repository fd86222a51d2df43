// SPDX-License-Identifier: GPL-2.0
/*
 * ptscope: the /proc source, used when ptscope.ko is not loaded.
 *
 *   /proc/PID/smaps (or maps)  VMAs, VM flags, hugetlb page size, and how
 *                              much is PMD-mapped
 *   /proc/PID/pagemap          one 64-bit entry per page; PAGEMAP_SCAN
 *                              (Linux 6.7+) finds the populated ranges
 *                              and the huge leaves
 *   /proc/kpageflags           page state (THP, KSM, zero page, ...)
 *   /proc/kpagecount           mapcount
 *   /proc/PID/status           VmPTE: the kernel's own page-table total
 *
 * Not known from /proc: the level of an entry (inferred from the leaf
 * size), the raw entry, RW/USER/NX/A/D/G/PAT/PCD/PWT, pkeys, page-table
 * pages (estimated).
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/kernel-page-flags.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "pts.h"

/* PAGEMAP_SCAN, include/uapi/linux/fs.h, Linux 6.7 */
#ifndef PAGEMAP_SCAN
struct page_region {
	__u64 start;
	__u64 end;
	__u64 categories;
};

struct pm_scan_arg {
	__u64 size;
	__u64 flags;
	__u64 start;
	__u64 end;
	__u64 walk_end;
	__u64 vec;
	__u64 vec_len;
	__u64 max_pages;
	__u64 category_inverted;
	__u64 category_mask;
	__u64 category_anyof_mask;
	__u64 return_mask;
};

#define PAGEMAP_SCAN		_IOWR('f', 16, struct pm_scan_arg)
#define PAGE_IS_FILE		BIT(2)
#define PAGE_IS_PRESENT		BIT(3)
#define PAGE_IS_SWAPPED		BIT(4)
#define PAGE_IS_PFNZERO		BIT(5)
#define PAGE_IS_HUGE		BIT(6)
#endif

#define CHUNK_PAGES	(PTS_SZ_1G / PTS_PAGE_SIZE)
#define SCAN_REGIONS	512

struct proc_src {
	struct pts_ctx *ctx;
	struct pts_model *m;
	__u32 pid;
	int pagemap;
	int kpageflags;
	int kpagecount;
	bool scan;
	__u64 kpf_mask;		/* kpageflags bits to believe */
	size_t special;		/* entries of special swap types */
	__u64 *pm;
	__u64 *kpf;
	__u64 *kpc;
	struct page_region *regions;
};

static FILE *proc_open(__u32 pid, const char *file)
{
	char path[64];

	snprintf(path, sizeof(path), "/proc/%u/%s", pid, file);
	return fopen(path, "re");
}

static int proc_fd(__u32 pid, const char *file)
{
	char path[64];

	snprintf(path, sizeof(path), "/proc/%u/%s", pid, file);
	return open(path, O_RDONLY | O_CLOEXEC);
}

/**
 * pts_proc_arch - paging geometry of this machine, from /proc/cpuinfo
 * @a: filled; 4 levels and 47-bit user space unless "la57" is listed
 *
 * The kernel clears the la57 flag when it does not run 5-level paging.
 */
void pts_proc_arch(struct pts_arch *a)
{
	unsigned int phys, virt;
	char *line = NULL;
	size_t len = 0;
	bool flags_seen = false;
	FILE *f;

	memset(a, 0, sizeof(*a));
	a->levels = 4;
	a->page_shift = PTS_PAGE_SHIFT;
	a->phys_bits = 0;
	f = fopen("/proc/cpuinfo", "re");
	while (f && getline(&line, &len, f) > 0) {
		if (!flags_seen && !strncmp(line, "flags", 5)) {
			flags_seen = true;
			if (strstr(line, " la57"))
				a->levels = 5;
		} else if (!a->phys_bits &&
			   sscanf(line, "address sizes : %u bits physical, %u bits virtual",
				  &phys, &virt) == 2) {
			a->phys_bits = phys;
		}
	}
	free(line);
	if (f)
		fclose(f);
	a->virt_bits = a->levels == 5 ? 56 : 47;
	a->task_size = (1ULL << a->virt_bits) - PTS_PAGE_SIZE;
	if (a->levels == 5)
		a->features |= PTSCOPE_FEAT_LA57;
}

static int smaps_kb(const char *line, const char *key, __u64 *bytes)
{
	unsigned long long kb;
	size_t n = strlen(key);

	if (strncmp(line, key, n) || sscanf(line + n, " %llu kB", &kb) != 1)
		return 0;
	*bytes = kb << 10;
	return 1;
}

/* copy blank separated words, without leading and trailing blanks */
static void copy_words(char *dst, size_t len, const char *src)
{
	size_t n;

	src += strspn(src, " \t");
	n = strcspn(src, "\n");
	while (n && (src[n - 1] == ' ' || src[n - 1] == '\t'))
		n--;
	snprintf(dst, len, "%.*s", (int)n, src);
}

static int read_vmas(struct proc_src *s)
{
	struct pts_model *m = s->m;
	struct pts_vma tmp, *v = NULL;
	bool smaps = true, keep = false;
	char *line = NULL;
	size_t len = 0;
	__u64 kb;
	FILE *f;
	int err = 0;

	f = proc_open(s->pid, "smaps");
	if (!f && errno != ENOENT) {
		smaps = false;
		f = proc_open(s->pid, "maps");
	}
	if (!f) {
		if (errno == ENOENT)
			return pts_error(s->ctx, ESRCH, "pid %u", s->pid);
		return pts_error(s->ctx, errno, "pid %u: /proc/%u/%s", s->pid,
				 s->pid, smaps ? "smaps" : "maps");
	}
	if (smaps)
		m->known |= PTS_K_VMFLAGS;
	else
		pts_model_note(m, "no /proc/%u/smaps: VM flags unknown",
			       s->pid);

	while (getline(&line, &len, f) > 0) {
		memset(&tmp, 0, sizeof(tmp));
		if (!pts_parse_maps_line(line, &tmp)) {
			keep = tmp.end > m->start && tmp.start < m->end;
			if (!keep) {
				free(tmp.name);
				continue;
			}
			v = pts_model_add_vma(m);
			if (!v) {
				free(tmp.name);
				err = -ENOMEM;
				break;
			}
			tmp.page_size = PTS_PAGE_SIZE;
			*v = tmp;
			continue;
		}
		if (!v || !keep)
			continue;
		if (smaps_kb(line, "KernelPageSize:", &kb))
			v->page_size = kb;
		else if (smaps_kb(line, "AnonHugePages:", &kb) ||
			 smaps_kb(line, "ShmemPmdMapped:", &kb) ||
			 smaps_kb(line, "FilePmdMapped:", &kb))
			v->pmd_mapped += kb;
		else if (!strncmp(line, "VmFlags:", 8))
			copy_words(v->flagstr, sizeof(v->flagstr), line + 8);
	}
	/* after smaps, whose KernelPageSize tells hugetlb mappings */
	for (len = 0; len < m->nr_vmas; len++)
		m->vmas[len].kind = pts_vma_kind_guess(&m->vmas[len]);
	if (ferror(f) && !err)
		err = pts_error(s->ctx, errno, "pid %u: reading /proc/%u/%s",
				s->pid, s->pid, smaps ? "smaps" : "maps");
	else if (err)
		err = pts_error(s->ctx, err, "pid %u", s->pid);
	free(line);
	fclose(f);
	return err;
}

/**
 * pts_proc_is_kthread - is @pid a kernel thread (no address space)
 * @pid: the process
 *
 * Return: true when /proc/PID/status has no VmSize line.
 */
bool pts_proc_is_kthread(__u32 pid)
{
	char *line = NULL;
	size_t len = 0;
	bool vm = false;
	FILE *f;

	f = proc_open(pid, "status");
	if (!f)
		return false;
	while (getline(&line, &len, f) > 0)
		if (!strncmp(line, "VmSize:", 7))
			vm = true;
	free(line);
	fclose(f);
	return !vm;
}

static long long read_vmpte(__u32 pid)
{
	unsigned long long kb;
	long long ret = -1;
	char *line = NULL;
	size_t len = 0;
	FILE *f;

	f = proc_open(pid, "status");
	if (!f)
		return -1;
	while (getline(&line, &len, f) > 0)
		if (sscanf(line, "VmPTE: %llu kB", &kb) == 1)
			ret = kb << 10;
	free(line);
	fclose(f);
	return ret;
}

static int pread_all(int fd, void *buf, size_t len, __u64 off)
{
	size_t done = 0;
	ssize_t n;

	while (done < len) {
		n = pread(fd, (char *)buf + done, len - done, off + done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (!n)
			break;
		done += n;
	}
	memset((char *)buf + done, 0, len - done);
	return 0;
}

/* kpageflags/kpagecount for the frames of @n pagemap entries */
static void read_kpage(int fd, const __u64 *pm, size_t n, __u64 *out)
{
	size_t i = 0, j;
	__u64 pfn;

	while (i < n) {
		pfn = pm[i] & PTS_PM_PFN_MASK;
		if (!(pm[i] & PTS_PM_PRESENT) || !pfn) {
			out[i++] = 0;
			continue;
		}
		for (j = i + 1; j < n; j++)
			if (!(pm[j] & PTS_PM_PRESENT) ||
			    (pm[j] & PTS_PM_PFN_MASK) != pfn + (j - i))
				break;
		if (pread_all(fd, &out[i], (j - i) * 8, pfn * 8))
			memset(&out[i], 0, (j - i) * 8);
		i = j;
	}
}

/* read and put into the model pages [start, end) of a VMA */
static int walk_pages(struct proc_src *s, __u32 vi, __u64 start, __u64 end,
		      __u64 huge, __u64 *budget)
{
	struct pts_vma *v = &s->m->vmas[vi];
	struct pts_fill f;
	__u64 next;
	size_t n;
	int err;

	while (start < end) {
		/* chunks end on 1G boundaries, so no huge page straddles */
		next = (start & ~(PTS_SZ_1G - 1)) + PTS_SZ_1G;
		if (next > end || next <= start)
			next = end;
		n = (next - start) >> PTS_PAGE_SHIFT;
		err = pread_all(s->pagemap, s->pm, n * 8,
				(start >> PTS_PAGE_SHIFT) * 8);
		if (err)
			return pts_error(s->ctx, err,
					 "pid %u: reading /proc/%u/pagemap",
					 s->pid, s->pid);
		if (s->kpageflags >= 0) {
			size_t i;

			read_kpage(s->kpageflags, s->pm, n, s->kpf);
			for (i = 0; i < n; i++)
				s->kpf[i] &= s->kpf_mask;
		}
		if (s->kpagecount >= 0)
			read_kpage(s->kpagecount, s->pm, n, s->kpc);
		memset(&f, 0, sizeof(f));
		f.vma = vi;
		f.va = start;
		f.nr = n;
		f.pm = s->pm;
		f.kpf = s->kpageflags >= 0 ? s->kpf : NULL;
		f.kpc = s->kpagecount >= 0 ? s->kpc : NULL;
		f.huge = v->page_size > PTS_PAGE_SIZE ? v->page_size : huge;
		f.guess_thp = !s->scan && !f.huge;
		f.pmd_budget = *budget;
		err = pts_fill_pagemap(s->m, &f);
		if (err)
			return pts_error(s->ctx, err, "pid %u", s->pid);
		*budget = f.pmd_budget;
		s->special += f.special;
		start = next;
	}
	return 0;
}

/*
 * PAGEMAP_SCAN: only the populated ranges are read; the rest of the VMA
 * is holes.  Return: 0, a reported negative error, or 1 when the kernel
 * has no PAGEMAP_SCAN (nothing added to the model then).
 */
static int walk_scan(struct proc_src *s, __u32 vi, __u64 start, __u64 end)
{
	__u64 from = start, pos = start, budget = 0;
	struct pm_scan_arg arg;
	struct page_region *r;
	long i, n;
	int err;

	while (from < end) {
		memset(&arg, 0, sizeof(arg));
		arg.size = sizeof(arg);
		arg.start = from;
		arg.end = end;
		arg.vec = (__u64)(unsigned long)s->regions;
		arg.vec_len = SCAN_REGIONS;
		arg.category_anyof_mask = PAGE_IS_PRESENT | PAGE_IS_SWAPPED;
		arg.return_mask = PAGE_IS_PRESENT | PAGE_IS_SWAPPED |
				  PAGE_IS_HUGE;
		n = ioctl(s->pagemap, PAGEMAP_SCAN, &arg);
		if (n < 0 && from == start && (errno == ENOTTY || errno == EINVAL))
			return 1;
		if (n < 0)
			return pts_error(s->ctx, errno,
					 "pid %u: PAGEMAP_SCAN on /proc/%u/pagemap",
					 s->pid, s->pid);
		for (i = 0; i < n; i++) {
			r = &s->regions[i];
			if (r->start > pos) {
				err = pts_model_add_hole(s->m, vi, pos,
							 r->start - pos,
							 PTS_LVL_UNKNOWN);
				if (err)
					return pts_error(s->ctx, err, "pid %u",
							 s->pid);
			}
			err = walk_pages(s, vi, r->start, r->end,
					 r->categories & PAGE_IS_HUGE ?
					 PTS_SZ_2M : 0, &budget);
			if (err)
				return err;
			pos = r->end;
		}
		if (n < SCAN_REGIONS || arg.walk_end <= from)
			break;
		from = arg.walk_end;
	}
	if (pos < end && pts_model_add_hole(s->m, vi, pos, end - pos,
					    PTS_LVL_UNKNOWN))
		return pts_error(s->ctx, ENOMEM, "pid %u", s->pid);
	return 0;
}

static int walk_vma(struct proc_src *s, __u32 vi)
{
	const struct pts_vma *v = &s->m->vmas[vi];
	__u64 start = v->start > s->m->start ? v->start : s->m->start;
	__u64 end = v->end < s->m->end ? v->end : s->m->end;
	__u64 budget = v->pmd_mapped;
	int err;

	if (start >= end)
		return 0;
	if (s->scan) {
		err = walk_scan(s, vi, start, end);
		if (err <= 0)
			return err;
		s->scan = false;
		pts_model_note(s->m,
			       "no PAGEMAP_SCAN (Linux < 6.7): 2M leaves guessed from kpageflags and smaps");
	}
	return walk_pages(s, vi, start, end, 0, &budget);
}

static void check_pfns(struct pts_model *m)
{
	size_t i;

	for (i = 0; i < m->nr_entries; i++)
		if (m->entries[i].kind == PTS_PRESENT &&
		    m->entries[i].pfn)
			return;
	for (i = 0; i < m->nr_entries; i++)
		if (m->entries[i].kind == PTS_PRESENT)
			break;
	if (i == m->nr_entries)
		return;
	m->known &= ~(PTS_K_PFN | PTS_K_KPF | PTS_K_MAPCOUNT);
	pts_model_note(m, "frame numbers are hidden without CAP_SYS_ADMIN");
}

static int open_kpage(struct proc_src *s, const char *file,
		      const char *loss)
{
	int fd = open(file, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		pts_model_note(s->m, "%s: %s: %s", file, strerror(errno), loss);
	return fd;
}

/*
 * Linux 6.12's /proc/kpageflags sets KSM on every anonymous page (it tests
 * the mapping's KSM bit, which every anon mapping has).  A fresh private
 * page of our own, never mergeable, shows whether this kernel does that.
 * Return: true when KPF_KSM can be believed (or nothing could be checked).
 */
static bool kpf_ksm_reliable(int kpageflags)
{
	__u64 pm = 0, kpf = 0;
	bool ok = true;
	char *p;
	int fd;

	p = mmap(NULL, PTS_PAGE_SIZE, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return true;
	*(volatile char *)p = 1;
	fd = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);
	if (fd >= 0 &&
	    pread(fd, &pm, 8, (off_t)((uintptr_t)p / PTS_PAGE_SIZE * 8)) == 8 &&
	    (pm & PTS_PM_PRESENT) && (pm & PTS_PM_PFN_MASK) &&
	    pread(kpageflags, &kpf, 8,
		  (off_t)((pm & PTS_PM_PFN_MASK) * 8)) == 8)
		ok = !(kpf & (1ULL << KPF_KSM));
	if (fd >= 0)
		close(fd);
	munmap(p, PTS_PAGE_SIZE);
	return ok;
}

/**
 * pts_proc_gather - fill the model from /proc
 * @ctx: context, for errors
 * @q: what to collect
 * @m: the model, initialised
 *
 * Errors are reported here.
 *
 * Return: 0 or a negative errno.
 */
int pts_proc_gather(struct pts_ctx *ctx, const struct pts_query *q,
		    struct pts_model *m)
{
	struct proc_src s = {
		.ctx = ctx, .m = m, .pid = q->pid,
		.pagemap = -1, .kpageflags = -1, .kpagecount = -1,
		/* PTSCOPE_NO_PAGEMAP_SCAN=1 tests the path of kernels < 6.7 */
		.scan = !getenv("PTSCOPE_NO_PAGEMAP_SCAN"),
	};
	size_t i;
	int err;

	m->source = PTS_SRC_PROC;
	m->pid = q->pid;
	pts_proc_arch(&m->arch);
	m->start = q->start;
	m->end = q->end ? q->end : m->arch.task_size;
	m->known |= PTS_K_PFN;
	m->flags_known = PTSCOPE_F_PRESENT | PTSCOPE_F_SOFT_DIRTY |
			 PTSCOPE_F_UFFD_WP;

	err = read_vmas(&s);
	if (err)
		return err;
	if (!m->nr_vmas && pts_proc_is_kthread(q->pid))
		return pts_error(ctx, EINVAL, "pid %u: no address space (kernel thread)",
				 q->pid);

	s.pagemap = proc_fd(q->pid, "pagemap");
	if (s.pagemap < 0)
		return pts_error(ctx, errno == ENOENT ? ESRCH : errno,
				 "pid %u: /proc/%u/pagemap", q->pid, q->pid);
	s.kpageflags = open_kpage(&s, "/proc/kpageflags",
				  "page state from pagemap only");
	s.kpagecount = open_kpage(&s, "/proc/kpagecount", "mapcount unknown");
	s.kpf_mask = ~0ULL;
	if (s.kpageflags >= 0) {
		m->known |= PTS_K_KPF;
		if (!kpf_ksm_reliable(s.kpageflags)) {
			s.kpf_mask &= ~(1ULL << KPF_KSM);
			pts_model_note(m, "/proc/kpageflags marks every anonymous page KSM on this kernel: KSM pages not told apart");
		}
	}
	if (s.kpagecount >= 0)
		m->known |= PTS_K_MAPCOUNT;

	s.pm = malloc(CHUNK_PAGES * 8);
	s.kpf = malloc(CHUNK_PAGES * 8);
	s.kpc = malloc(CHUNK_PAGES * 8);
	s.regions = malloc(SCAN_REGIONS * sizeof(*s.regions));
	if (!s.pm || !s.kpf || !s.kpc || !s.regions) {
		err = pts_error(ctx, ENOMEM, "pid %u", q->pid);
		goto out;
	}
	for (i = 0; i < m->nr_vmas && !err; i++)
		err = walk_vma(&s, i);
	if (err)
		goto out;
	if (s.special)
		pts_model_note(m, "%zu entries of swap types %d-31 are not swap but migration, device, hwpoison or marker entries: pagemap does not say which",
			       s.special, PTS_SWP_TYPE_SPECIAL);
	if (s.scan)
		m->known |= PTS_K_SCAN;
	else if (getenv("PTSCOPE_NO_PAGEMAP_SCAN"))
		pts_model_note(m, "PAGEMAP_SCAN not used: 2M leaves guessed");
	check_pfns(m);
	m->vmpte = read_vmpte(q->pid);
out:
	free(s.regions);
	free(s.kpc);
	free(s.kpf);
	free(s.pm);
	if (s.kpagecount >= 0)
		close(s.kpagecount);
	if (s.kpageflags >= 0)
		close(s.kpageflags);
	close(s.pagemap);
	return err;
}
