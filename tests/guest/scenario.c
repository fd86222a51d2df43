// SPDX-License-Identifier: GPL-2.0
/*
 * scenario.c - known page-table state in a child process, see scenario.h.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <linux/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "libproc.h"
#include "scenario.h"

#define SCN_MAGIC	0x53434e31U	/* "SCN1" */
#define PGSZ		((size_t)PG_SIZE)
#define FILE_PAGES	16
#define HPAGE		(2UL << 20)
#define GIB		(1UL << 30)
#define HIGH_HINT	((1UL << 47) * 2)	/* above 128 TiB */

/* The child's layout lives in its .bss, outside every scenario region. */
static struct scn_layout child_lay;

static int write_full(int fd, const void *buf, size_t len)
{
	const char *p = buf;

	while (len) {
		ssize_t r = write(fd, p, len);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return r < 0 ? -errno : -EIO;
		p += r;
		len -= (size_t)r;
	}
	return 0;
}

static int read_full(int fd, void *buf, size_t len)
{
	char *p = buf;

	while (len) {
		ssize_t r = read(fd, p, len);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -errno;
		if (r == 0)
			return -EPIPE;	/* the child died */
		p += r;
		len -= (size_t)r;
	}
	return 0;
}

static struct scn_region *new_region(const char *name, void *addr,
				     size_t len, int prot, uint32_t flags)
{
	struct scn_region *r = &child_lay.r[child_lay.nregions++];

	snprintf(r->name, sizeof(r->name), "%s", name);
	r->addr = (uintptr_t)addr;
	r->len = len;
	r->prot = (uint32_t)prot;
	r->flags = SCN_R_VALID | flags;
	return r;
}

static void add_probe(struct scn_region *r, uint64_t off, uint32_t exp)
{
	if (r->nprobes < SCN_MAX_PROBES) {
		r->probe[r->nprobes].off = off;
		r->probe[r->nprobes].exp = exp;
		r->nprobes++;
	}
}

static void touch_write(void *base, uint64_t off)
{
	((volatile char *)base)[off] = 0x5a;
}

static char touch_read(void *base, uint64_t off)
{
	return ((volatile char *)base)[off];
}

/* Anonymous private mapping without THP, so 4K pages stay 4K pages. */
static void *map_anon(size_t len, int prot, int extra)
{
	void *p = mmap(NULL, len, prot, MAP_PRIVATE | MAP_ANONYMOUS | extra,
		       -1, 0);

	if (p == MAP_FAILED)
		return NULL;
	madvise(p, len, MADV_NOHUGEPAGE);
	return p;
}

#define FAIL(what) do { \
	child_lay.build_err = errno ? errno : EIO; \
	snprintf(child_lay.build_what, sizeof(child_lay.build_what), "%s", \
		 what); \
	return -1; \
} while (0)

static int build_anon(void)
{
	struct scn_region *r;
	char *p;
	unsigned int i;

	/* anon: 64 pages; i%4: 0,1 written; 2 untouched; 3 read (zero page) */
	p = map_anon(64 * PGSZ, PROT_READ | PROT_WRITE, 0);
	if (!p)
		FAIL("mmap anon");
	r = new_region("anon", p, 64 * PGSZ, PROT_READ | PROT_WRITE, 0);
	for (i = 0; i < 64; i++) {
		switch (i % 4) {
		case 0:
		case 1:
			touch_write(p, i * PGSZ);
			add_probe(r, i * PGSZ, EXP_PRESENT | EXP_RW);
			break;
		case 2:
			add_probe(r, i * PGSZ, EXP_ABSENT);
			break;
		default:
			touch_read(p, i * PGSZ);
			add_probe(r, i * PGSZ, EXP_PRESENT | EXP_ZERO | EXP_RO);
		}
	}

	/* populate: MAP_POPULATE, never touched by the program */
	p = map_anon(32 * PGSZ, PROT_READ | PROT_WRITE, MAP_POPULATE);
	if (!p)
		FAIL("mmap populate");
	r = new_region("populate", p, 32 * PGSZ, PROT_READ | PROT_WRITE, 0);
	for (i = 0; i < 32; i++)
		add_probe(r, i * PGSZ, EXP_PRESENT | EXP_RW);

	/* ro: written, then mprotect(PROT_READ) */
	p = map_anon(16 * PGSZ, PROT_READ | PROT_WRITE, 0);
	if (!p)
		FAIL("mmap ro");
	for (i = 0; i < 16; i++)
		touch_write(p, i * PGSZ);
	if (mprotect(p, 16 * PGSZ, PROT_READ))
		FAIL("mprotect ro");
	r = new_region("ro", p, 16 * PGSZ, PROT_READ, 0);
	for (i = 0; i < 16; i++)
		add_probe(r, i * PGSZ, EXP_PRESENT | EXP_RO);

	/* none_touched: written, then mprotect(PROT_NONE) */
	p = map_anon(16 * PGSZ, PROT_READ | PROT_WRITE, 0);
	if (!p)
		FAIL("mmap none_touched");
	for (i = 0; i < 16; i++)
		touch_write(p, i * PGSZ);
	if (mprotect(p, 16 * PGSZ, PROT_NONE))
		FAIL("mprotect none_touched");
	r = new_region("none_touched", p, 16 * PGSZ, PROT_NONE, 0);
	for (i = 0; i < 16; i++)
		add_probe(r, i * PGSZ, EXP_PRESENT | EXP_RO | EXP_PROTNONE);

	/* none_untouched: PROT_NONE from the start */
	p = map_anon(16 * PGSZ, PROT_NONE, 0);
	if (!p)
		FAIL("mmap none_untouched");
	r = new_region("none_untouched", p, 16 * PGSZ, PROT_NONE, 0);
	for (i = 0; i < 16; i++)
		add_probe(r, i * PGSZ, EXP_ABSENT);

	/* shanon: shared anonymous (shmem), half written */
	p = mmap(NULL, 8 * PGSZ, PROT_READ | PROT_WRITE,
		 MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		FAIL("mmap shanon");
	r = new_region("shanon", p, 8 * PGSZ, PROT_READ | PROT_WRITE, 0);
	for (i = 0; i < 8; i++) {
		if (i < 4) {
			touch_write(p, i * PGSZ);
			add_probe(r, i * PGSZ, EXP_PRESENT | EXP_RW);
		} else {
			add_probe(r, i * PGSZ, EXP_ABSENT);
		}
	}

	/* sd: all written now; 'S' rewrites the even pages */
	p = map_anon(16 * PGSZ, PROT_READ | PROT_WRITE, 0);
	if (!p)
		FAIL("mmap sd");
	r = new_region("sd", p, 16 * PGSZ, PROT_READ | PROT_WRITE, 0);
	for (i = 0; i < 16; i++) {
		touch_write(p, i * PGSZ);
		add_probe(r, i * PGSZ, EXP_PRESENT | EXP_RW);
	}
	return 0;
}

static int build_file(void)
{
	static char page[4096];
	struct scn_region *r;
	unsigned int i;
	char *p;
	int fd;

	snprintf(child_lay.file_path, sizeof(child_lay.file_path),
		 "/tmp/ptscope-scn.%d", (int)getpid());
	fd = open(child_lay.file_path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC,
		  0600);
	if (fd < 0)
		FAIL("create the scenario file");
	for (i = 0; i < FILE_PAGES; i++) {
		memset(page, 'A' + (int)i, sizeof(page));
		if (write_full(fd, page, sizeof(page))) {
			close(fd);
			FAIL("write the scenario file");
		}
	}

	/* file_priv: read 0-3 (page cache, read-only), write 4-7 (COW) */
	p = mmap(NULL, FILE_PAGES * PGSZ, PROT_READ | PROT_WRITE, MAP_PRIVATE,
		 fd, 0);
	if (p == MAP_FAILED)
		goto fail_close;
	r = new_region("file_priv", p, FILE_PAGES * PGSZ,
		       PROT_READ | PROT_WRITE, SCN_R_FILE);
	for (i = 0; i < 4; i++) {
		touch_read(p, i * PGSZ);
		add_probe(r, i * PGSZ, EXP_PRESENT | EXP_RO);
	}
	for (i = 4; i < 8; i++) {
		touch_write(p, i * PGSZ);
		add_probe(r, i * PGSZ, EXP_PRESENT | EXP_RW);
	}
	/* Pages 8-15 may be mapped by fault-around: no expectation. */

	/* file_shared: read 0-3, write 8-11 */
	p = mmap(NULL, FILE_PAGES * PGSZ, PROT_READ | PROT_WRITE, MAP_SHARED,
		 fd, 0);
	if (p == MAP_FAILED)
		goto fail_close;
	r = new_region("file_shared", p, FILE_PAGES * PGSZ,
		       PROT_READ | PROT_WRITE, SCN_R_FILE);
	for (i = 0; i < 4; i++) {
		touch_read(p, i * PGSZ);
		add_probe(r, i * PGSZ, EXP_PRESENT);
	}
	for (i = 8; i < 12; i++) {
		touch_write(p, i * PGSZ);
		add_probe(r, i * PGSZ, EXP_PRESENT | EXP_RW);
	}

	/* file_ro: shared, read-only, pages 4-7 read (second half offset) */
	p = mmap(NULL, 8 * PGSZ, PROT_READ, MAP_SHARED, fd, 8 * PGSZ);
	if (p == MAP_FAILED)
		goto fail_close;
	r = new_region("file_ro", p, 8 * PGSZ, PROT_READ, SCN_R_FILE);
	for (i = 4; i < 8; i++) {
		touch_read(p, i * PGSZ);
		add_probe(r, i * PGSZ, EXP_PRESENT | EXP_RO);
	}
	close(fd);
	return 0;

fail_close:
	close(fd);
	FAIL("mmap the scenario file");
}

static int build_heap(void)
{
	struct scn_region *r;
	uintptr_t cur, pad;
	unsigned int i;
	char *p;

	/* Extend the brk heap directly, page aligned, 32 pages. */
	cur = (uintptr_t)sbrk(0);
	pad = (PGSZ - (cur & (PGSZ - 1))) & (PGSZ - 1);
	if (sbrk((intptr_t)(pad + 32 * PGSZ)) == (void *)-1)
		FAIL("sbrk");
	p = (char *)(cur + pad);
	madvise(p, 32 * PGSZ, MADV_NOHUGEPAGE);
	r = new_region("heap", p, 32 * PGSZ, PROT_READ | PROT_WRITE, 0);
	for (i = 0; i < 32; i++) {
		if (i % 2 == 0) {
			touch_write(p, i * PGSZ);
			add_probe(r, i * PGSZ, EXP_PRESENT | EXP_RW);
		} else {
			add_probe(r, i * PGSZ, EXP_ABSENT);
		}
	}
	return 0;
}

static int build_far(void)
{
	struct scn_region *r;
	size_t len = 2 * GIB + PGSZ;
	unsigned int i;
	char *p;

	/* sparse: 2 GiB + 4K, written at 0, 1 GiB and 2 GiB only */
	p = map_anon(len, PROT_READ | PROT_WRITE, MAP_NORESERVE);
	if (!p)
		FAIL("mmap sparse");
	r = new_region("sparse", p, len, PROT_READ | PROT_WRITE, 0);
	for (i = 0; i <= 2; i++) {
		touch_write(p, i * GIB);
		add_probe(r, i * GIB, EXP_PRESENT | EXP_RW);
	}
	add_probe(r, PGSZ, EXP_ABSENT);
	add_probe(r, HPAGE, EXP_ABSENT);
	add_probe(r, GIB / 2, EXP_ABSENT);
	add_probe(r, GIB + PGSZ, EXP_ABSENT);
	add_probe(r, 2 * GIB - PGSZ, EXP_ABSENT);

	/* high: a hint above 128 TiB, honoured only with 5-level paging */
	child_lay.high_tried = 1;
	p = mmap((void *)HIGH_HINT, 16 * PGSZ, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		FAIL("mmap high");
	if ((uintptr_t)p < (1UL << 47)) {
		munmap(p, 16 * PGSZ);
		return 0;
	}
	child_lay.high_honoured = 1;
	madvise(p, 16 * PGSZ, MADV_NOHUGEPAGE);
	r = new_region("high", p, 16 * PGSZ, PROT_READ | PROT_WRITE,
		       SCN_R_HIGH);
	for (i = 0; i < 16; i++) {
		if (i < 4) {
			touch_write(p, i * PGSZ);
			add_probe(r, i * PGSZ, EXP_PRESENT | EXP_RW);
		} else {
			add_probe(r, i * PGSZ, EXP_ABSENT);
		}
	}
	return 0;
}

static void build_hugetlb(const char *name, size_t size, int flag,
			  const char *pool, char *why)
{
	struct scn_region *r;
	char path[96], nr[32] = "?";
	char *p;

	p = mmap(NULL, size, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_HUGETLB | flag, -1, 0);
	if (p == MAP_FAILED) {
		int e = errno;

		snprintf(path, sizeof(path),
			 "/sys/kernel/mm/hugepages/%s/free_hugepages", pool);
		read_file_str(path, nr, sizeof(nr));
		nr[strcspn(nr, "\n")] = '\0';
		snprintf(why, 128, "MAP_HUGETLB: %s (%s free: %s)",
			 strerror(e), pool, nr);
		return;
	}
	touch_write(p, 0);
	touch_write(p, size - PGSZ);
	r = new_region(name, p, size, PROT_READ | PROT_WRITE,
		       SCN_R_HUGE | SCN_R_HUGETLB);
	add_probe(r, 0, EXP_PRESENT | EXP_RW);
	add_probe(r, size - PGSZ, EXP_PRESENT | EXP_RW);
}

static int build_huge(void)
{
	struct scn_region *r;
	uintptr_t a, start;
	char *p;

	/* thp: exactly one aligned 2 MiB VMA with MADV_HUGEPAGE, written */
	p = mmap(NULL, 2 * HPAGE, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (p == MAP_FAILED)
		FAIL("mmap thp");
	start = (uintptr_t)p;
	a = (start + HPAGE - 1) & ~(HPAGE - 1);
	if (a > start)
		munmap(p, a - start);
	munmap((void *)(a + HPAGE), start + 2 * HPAGE - (a + HPAGE));
	madvise((void *)a, HPAGE, MADV_HUGEPAGE);
	touch_write((void *)a, 0);
	r = new_region("thp", (void *)a, HPAGE, PROT_READ | PROT_WRITE,
		       SCN_R_HUGE);
	add_probe(r, 0, EXP_PRESENT | EXP_RW);

	/* hugetlb: 2 MiB and 1 GiB, only if huge pages are reserved */
	build_hugetlb("hugetlb", HPAGE, 0, "hugepages-2048kB",
		      child_lay.hugetlb_why);
	build_hugetlb("hugetlb1g", GIB, MAP_HUGE_1GB, "hugepages-1048576kB",
		      child_lay.hugetlb1g_why);
	return 0;
}

/* SCN_CMD_SOFTDIRTY: clear soft-dirty bits, then rewrite even "sd" pages. */
static void do_softdirty(void)
{
	const struct scn_region *sdr = NULL;
	unsigned int i, j;
	uint64_t pm = 0;
	int ret, fd;

	/*
	 * Without CONFIG_MEM_SOFT_DIRTY pagemap never shows soft-dirty, not
	 * even for a page written in a new VMA (VM_SOFTDIRTY), and clear_refs
	 * "4" does nothing: report EOPNOTSUPP and change nothing.
	 */
	for (i = 0; i < child_lay.nregions; i++)
		if (!strcmp(child_lay.r[i].name, "sd"))
			sdr = &child_lay.r[i];
	fd = pagemap_open(getpid());
	ret = fd < 0 ? fd : pagemap_read(fd, sdr ? sdr->addr : 0, 1, &pm);
	if (fd >= 0)
		close(fd);
	if (!ret && sdr && !(pm & PM_SOFT_DIRTY))
		ret = -EOPNOTSUPP;
	if (!ret)
		ret = write_file_str("/proc/self/clear_refs", "4");
	child_lay.softdirty_err = ret < 0 ? -ret : 0;
	if (ret)
		return;
	child_lay.stage = 1;
	for (i = 0; i < child_lay.nregions; i++) {
		struct scn_region *r = &child_lay.r[i];
		int sd = !strcmp(r->name, "sd");

		for (j = 0; j < r->nprobes; j++) {
			uint32_t *exp = &r->probe[j].exp;

			/* clear_refs write-protected every present entry */
			*exp &= ~EXP_RW;
			if (!(*exp & EXP_PRESENT) || (r->flags & SCN_R_HUGETLB))
				continue;
			if (sd && j % 2 == 0) {
				touch_write((void *)(uintptr_t)r->addr,
					    r->probe[j].off);
				*exp |= EXP_RW | EXP_SD;
			} else {
				*exp |= EXP_CLEAN;
			}
		}
	}
}

static void child_main(int cmd_fd, int rep_fd)
{
	/* The stack region lives in this frame, which never returns. */
	volatile char stackbuf[16 * 4096];
	struct scn_region *r;
	uintptr_t sa;
	unsigned int i;
	char cmd;

	child_lay.magic = SCN_MAGIC;
	sa = ((uintptr_t)stackbuf + PGSZ - 1) & ~(PGSZ - 1);
	r = new_region("stack", (void *)sa, 14 * PGSZ, PROT_READ | PROT_WRITE,
		       0);
	for (i = 0; i < 14; i++) {
		((volatile char *)sa)[i * PGSZ] = 1;
		add_probe(r, i * PGSZ, EXP_PRESENT | EXP_RW);
	}

	errno = 0;
	if (!build_anon() && !build_file() && !build_heap() &&
	    !build_far() && !build_huge())
		child_lay.build_err = 0;

	if (write_full(rep_fd, &child_lay, sizeof(child_lay)))
		_exit(1);
	while (read(cmd_fd, &cmd, 1) == 1) {
		if (cmd == SCN_CMD_SOFTDIRTY)
			do_softdirty();
		if (write_full(rep_fd, &child_lay, sizeof(child_lay)))
			_exit(1);
	}
	stackbuf[0] = 0;
	_exit(0);
}

static int get_layout(struct scn *s)
{
	int ret = read_full(s->rep_fd, &s->lay, sizeof(s->lay));

	if (ret)
		return ret;
	if (s->lay.magic != SCN_MAGIC)
		return -EPROTO;
	return s->lay.build_err ? -s->lay.build_err : 0;
}

int scn_start(struct scn *s)
{
	int cmd[2], rep[2], ret;
	pid_t parent = getpid();

	memset(s, 0, sizeof(*s));
	s->pid = -1;
	if (pipe2(cmd, O_CLOEXEC))
		return -errno;
	if (pipe2(rep, O_CLOEXEC)) {
		ret = -errno;
		goto out_cmd;
	}
	fflush(NULL);
	s->pid = fork();
	if (s->pid < 0) {
		ret = -errno;
		goto out_rep;
	}
	if (s->pid == 0) {
		close(cmd[1]);
		close(rep[0]);
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (getppid() != parent)
			_exit(1);
		child_main(cmd[0], rep[1]);
		_exit(1);
	}
	close(cmd[0]);
	close(rep[1]);
	s->cmd_fd = cmd[1];
	s->rep_fd = rep[0];
	ret = get_layout(s);
	if (ret) {
		int keep = ret;

		scn_stop(s);
		return keep;
	}
	return 0;

out_rep:
	close(rep[0]);
	close(rep[1]);
out_cmd:
	close(cmd[0]);
	close(cmd[1]);
	return ret;
}

int scn_command(struct scn *s, char cmd)
{
	int ret = write_full(s->cmd_fd, &cmd, 1);

	return ret ? ret : get_layout(s);
}

void scn_stop(struct scn *s)
{
	if (s->pid > 0) {
		close(s->cmd_fd);
		close(s->rep_fd);
		kill(s->pid, SIGKILL);
		waitpid(s->pid, NULL, 0);
		s->pid = -1;
	}
	if (s->lay.file_path[0]) {
		unlink(s->lay.file_path);
		s->lay.file_path[0] = '\0';
	}
}

const struct scn_region *scn_find(const struct scn_layout *l,
				  const char *name)
{
	unsigned int i;

	for (i = 0; i < l->nregions && i < SCN_MAX_REGIONS; i++)
		if ((l->r[i].flags & SCN_R_VALID) && !strcmp(l->r[i].name, name))
			return &l->r[i];
	return NULL;
}

const char *scn_exp_str(uint32_t exp)
{
	static const char *const names[] = {
		"present", "absent", "rw", "ro", "zero", "protnone", "sd",
		"clean",
	};
	static char buf[96];
	size_t i, n = 0;

	buf[0] = '\0';
	for (i = 0; i < ARRAY_SIZE(names); i++)
		if (exp & (1U << i))
			n += (size_t)snprintf(buf + n, sizeof(buf) - n, "%s%s",
					      n ? "," : "", names[i]);
	return buf;
}
