// SPDX-License-Identifier: GPL-2.0
/*
 * ptscope aslr: run a program N times, each stopped before its first
 * instruction, record where the kernel put each part of its address
 * space, and report per region the observed entropy (entropy.c) next to
 * the kernel's settings.
 *
 * One run (x86-64):
 *  1. fork; the child asks to be traced (PTRACE_TRACEME), optionally sets
 *     ADDR_NO_RANDOMIZE (-R), and execs the program.  The kernel stops it
 *     with SIGTRAP right after execve: the executable, the interpreter
 *     (ld.so), the stack and the vdso are mapped, nothing has run.
 *  2. There we read the initial stack pointer (registers), AT_ENTRY,
 *     AT_SYSINFO_EHDR and AT_BASE from /proc/PID/auxv, and probe the mmap
 *     area: a one-page anonymous PROT_NONE mmap(NULL, ...) is made in the
 *     child (a "syscall" instruction written over the next instruction,
 *     one single step, registers and code restored), its address kept and
 *     the page unmapped again, so the program's own layout is unchanged.
 *     The probe lands where the top-down allocator puts the first mapping
 *     after exec: just below mmap_base, or below ld.so when there is one.
 *     (64-bit programs only; a 32-bit program's mmap region is ld.so's
 *     base, AT_BASE, when it has one.)
 *  3. A breakpoint (int3) at AT_ENTRY, then PTRACE_CONT: ld.so maps the
 *     libraries and relocates; the child stops at the program's entry
 *     point before its first instruction.  A static program is already
 *     there at step 1.
 *  4. /proc/PID/maps gives the executable's base (its lowest mapping),
 *     each library's (lowest mapping of each other file), the stack (end
 *     of [stack]); /proc/PID/stat field 47 gives start_brk, the heap's
 *     start: the [heap] mapping only appears at the first brk() that
 *     grows it, start_brk is set (and randomized) by exec.
 *  5. SIGKILL.
 */
#include <ctype.h>
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <json.h>
#include <libelf.h>
#include <libsmartcols.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/personality.h>
#include <sys/ptrace.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/user.h>
#include <sys/wait.h>
#include <unistd.h>

#include "pts.h"

#define ASLR_DEFAULT_RUNS	100
#define ASLR_MAX_RUNS		100000
#define ASLR_MAX_REGIONS	64

/* x86 facts (Linux 6.1: mm/util.c, arch/x86/include/asm/elf.h) */
#define STACK_RND_BITS_64	22	/* STACK_RND_MASK 0x3fffff pages */
#define STACK_RND_BITS_32	11	/* 0x7ff pages */
#define SP_SUBPAGE_BITS		8	/* arch_align_stack: -[0, 8192), & ~0xf */

enum { R_EXE, R_HEAP, R_MMAP, R_STACK, R_SP, R_VDSO, R_NR_FIXED };

static const char *const fixed_names[R_NR_FIXED] = {
	"exe", "heap", "mmap", "stack", "sp", "vdso",
};

/* what each region's base is, for the help, the notes and JSON */
static const char *const fixed_what[R_NR_FIXED] = {
	"lowest mapping of the executable",
	"start_brk (/proc/PID/stat field 47)",
	"first anonymous mmap after exec (probe), else ld.so's base",
	"end of the [stack] mapping",
	"initial stack pointer",
	"AT_SYSINFO_EHDR",
};

struct region {
	char name[80];
	bool lib;
	__u64 *v;
	size_t n;
	int expected;		/* kernel's bits, -1 unknown */
	struct pts_entropy e;
};

struct prog {
	char path[4096];
	int elfclass;		/* ELFCLASS32 / ELFCLASS64 */
	bool pie;
	bool interp;
	__u64 max_align;	/* largest PT_LOAD p_align */
	dev_t dev;
	ino_t ino;
};

struct kernel {
	int rva;		/* randomize_va_space, -1 unknown */
	int rnd_bits;		/* vm.mmap_rnd_bits, -1 unknown */
	int rnd_compat_bits;	/* vm.mmap_rnd_compat_bits, -1 unknown */
	unsigned long persona;	/* personality(0xffffffff) of ptscope */
};

struct aslr {
	size_t runs;
	bool norandom;		/* -R */
	struct prog prog;
	struct kernel k;
	struct region r[ASLR_MAX_REGIONS];
	size_t nr;
	bool probe_used;
	bool probe_failed;
	char *notes[16];
	size_t nr_notes;
};

enum {
	OPT_RUNS = PTS_OPT_BASE,
	OPT_NORANDOM,
};

static int do_help(struct pts_ctx *ctx, int argc, char **argv);

/* ------------------------------------------------------------------ */
/* columns                                                              */

enum { AC_REGION, AC_RUNS, AC_BITS, AC_KERNEL, AC_VARYING, AC_SPREADBITS,
	AC_ALIGN, AC_MIN, AC_MAX, AC_SPREAD, AC_BASE };

static const struct pts_col aslr_cols[] = {
	[AC_REGION] = { "REGION", "region", PTS_CT_STR, 0, 0,
			"exe, heap, mmap, stack, sp, vdso, or a library" },
	[AC_RUNS] = { "RUNS", "runs", PTS_CT_NUM, 0, SCOLS_FL_RIGHT,
		      "runs in which the region was found" },
	[AC_BITS] = { "BITS", "bits", PTS_CT_NUM, 0, SCOLS_FL_RIGHT,
		      "observed entropy: varying bits, weak ones discounted" },
	[AC_KERNEL] = { "KERNEL", "kernel_bits", PTS_CT_NUM, 0, SCOLS_FL_RIGHT,
			"bits the kernel's settings give, '-' if not known" },
	[AC_VARYING] = { "VARYING", "varying_bits", PTS_CT_NUM, 0,
			 SCOLS_FL_RIGHT,
			 "bits seen both 0 and 1 (paxtest's count)" },
	[AC_SPREADBITS] = { "SPREADBITS", "spread_bits", PTS_CT_STR, 0,
			    SCOLS_FL_RIGHT,
			    "log2 of (MAX - MIN) / ALIGN + 1" },
	[AC_ALIGN] = { "ALIGN", "align", PTS_CT_SIZE, 0, SCOLS_FL_RIGHT,
		       "lowest varying bit (or common alignment) as a size" },
	[AC_MIN] = { "MIN", "min", PTS_CT_HEX, 0, SCOLS_FL_RIGHT,
		     "lowest base seen" },
	[AC_MAX] = { "MAX", "max", PTS_CT_HEX, 0, SCOLS_FL_RIGHT,
		     "highest base seen" },
	[AC_SPREAD] = { "SPREAD", "spread", PTS_CT_SIZE, 0, SCOLS_FL_RIGHT,
			"MAX - MIN" },
	[AC_BASE] = { "BASE", "base", PTS_CT_STR, 0, 0,
		      "what the base is" },
};

static const char *const aslr_defaults =
	"REGION,RUNS,BITS,KERNEL,VARYING,ALIGN,MIN,MAX,SPREAD";

struct getctx {
	const struct aslr *a;
	char buf[32];
};

static void aslr_get(const void *priv, size_t row, int col,
		     struct pts_val *v)
{
	struct getctx *g = (struct getctx *)priv;
	const struct region *r = &g->a->r[row];
	const struct pts_entropy *e = &r->e;

	if (!r->n && col != AC_REGION && col != AC_RUNS && col != AC_KERNEL &&
	    col != AC_BASE) {
		v->unknown = true;
		return;
	}
	switch (col) {
	case AC_REGION:
		v->str = r->name;
		break;
	case AC_RUNS:
		v->num = r->n;
		break;
	case AC_BITS:
		v->num = e->bits;
		break;
	case AC_KERNEL:
		v->unknown = r->expected < 0;
		v->num = r->expected < 0 ? 0 : r->expected;
		break;
	case AC_VARYING:
		v->num = e->nr_varying;
		break;
	case AC_SPREADBITS:
		snprintf(g->buf, sizeof(g->buf), "%.2f", e->spread_bits);
		v->str = g->buf;
		break;
	case AC_ALIGN:
		v->unknown = e->align_shift >= 64;
		v->num = e->align_shift >= 64 ? 0 : BIT_ULL(e->align_shift);
		break;
	case AC_MIN:
		v->num = e->min;
		break;
	case AC_MAX:
		v->num = e->max;
		break;
	case AC_SPREAD:
		v->num = e->max - e->min;
		break;
	case AC_BASE:
		v->str = row < R_NR_FIXED ? fixed_what[row] :
			 "lowest mapping of the library";
		break;
	}
}

/* ------------------------------------------------------------------ */
/* the program and the kernel                                           */

static int find_program(const char *name, char *out, size_t len)
{
	const char *path, *p, *end;
	int n;

	if (strchr(name, '/')) {
		n = snprintf(out, len, "%s", name);
		if (n < 0 || (size_t)n >= len)
			return -ENAMETOOLONG;
		return access(out, X_OK) ? -errno : 0;
	}
	path = getenv("PATH");
	if (!path || !*path)
		path = "/usr/local/bin:/usr/bin:/bin";
	for (p = path; ; p = end + 1) {
		end = strchr(p, ':');
		if (!end)
			end = p + strlen(p);
		n = snprintf(out, len, "%.*s%s%s", (int)(end - p), p,
			     end > p ? "/" : "./", name);
		if (n > 0 && (size_t)n < len && !access(out, X_OK))
			return 0;
		if (!*end)
			break;
	}
	return -ENOENT;
}

/* libelf: class, type, interpreter, alignment; -ENOEXEC if not ELF */
static int read_prog(struct prog *pr, char *why, size_t len)
{
	GElf_Ehdr eh;
	GElf_Phdr ph;
	struct stat st;
	size_t i, n;
	Elf *elf;
	int fd, err = -ENOEXEC;

	if (elf_version(EV_CURRENT) == EV_NONE) {
		snprintf(why, len, "libelf: %s", elf_errmsg(-1));
		return -EINVAL;
	}
	fd = open(pr->path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		err = -errno;
		snprintf(why, len, "%s", strerror(errno));
		return err;
	}
	if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
		snprintf(why, len, "not a regular file");
		close(fd);
		return -ENOEXEC;
	}
	pr->dev = st.st_dev;
	pr->ino = st.st_ino;
	elf = elf_begin(fd, ELF_C_READ, NULL);
	if (!elf || elf_kind(elf) != ELF_K_ELF || !gelf_getehdr(elf, &eh)) {
		snprintf(why, len, "not an ELF file");
		goto out;
	}
	if (eh.e_type != ET_EXEC && eh.e_type != ET_DYN) {
		snprintf(why, len, "ELF type %u is not an executable",
			 eh.e_type);
		goto out;
	}
	if (eh.e_machine != EM_X86_64 && eh.e_machine != EM_386) {
		snprintf(why, len, "ELF machine %u is not x86", eh.e_machine);
		goto out;
	}
	if (elf_getphdrnum(elf, &n)) {
		snprintf(why, len, "%s", elf_errmsg(-1));
		goto out;
	}
	pr->elfclass = gelf_getclass(elf);
	pr->pie = eh.e_type == ET_DYN;
	pr->interp = false;
	pr->max_align = PTS_PAGE_SIZE;
	for (i = 0; i < n; i++) {
		if (!gelf_getphdr(elf, i, &ph))
			continue;
		if (ph.p_type == PT_INTERP)
			pr->interp = true;
		if (ph.p_type == PT_LOAD && ph.p_align > pr->max_align)
			pr->max_align = ph.p_align;
	}
	err = 0;
out:
	if (elf)
		elf_end(elf);
	close(fd);
	return err;
}

static int read_int(const char *path)
{
	char buf[32];
	int fd, v;
	ssize_t n;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	if (sscanf(buf, "%d", &v) != 1)
		return -1;
	return v;
}

static void read_kernel(struct kernel *k)
{
	k->rva = read_int("/proc/sys/kernel/randomize_va_space");
	k->rnd_bits = read_int("/proc/sys/vm/mmap_rnd_bits");
	k->rnd_compat_bits = read_int("/proc/sys/vm/mmap_rnd_compat_bits");
	k->persona = (unsigned long)personality(0xffffffff);
}

/* ------------------------------------------------------------------ */
/* regions                                                              */

static struct region *region_get(struct aslr *a, const char *name, bool lib)
{
	size_t i;

	for (i = 0; i < a->nr; i++)
		if (!strcmp(a->r[i].name, name))
			return &a->r[i];
	if (a->nr >= ASLR_MAX_REGIONS)
		return NULL;
	snprintf(a->r[a->nr].name, sizeof(a->r[a->nr].name), "%s", name);
	a->r[a->nr].lib = lib;
	a->r[a->nr].v = calloc(a->runs, sizeof(__u64));
	if (!a->r[a->nr].v)
		return NULL;
	return &a->r[a->nr++];
}

static void region_add(struct region *r, __u64 base)
{
	if (r)
		r->v[r->n++] = base;
}

static void aslr_note(struct aslr *a, const char *fmt, ...) __printf(2, 3);
static void aslr_note(struct aslr *a, const char *fmt, ...)
{
	va_list ap;
	char *s;

	if (a->nr_notes >= ARRAY_SIZE(a->notes))
		return;
	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) >= 0)
		a->notes[a->nr_notes++] = s;
	va_end(ap);
}

/* ------------------------------------------------------------------ */
/* one run                                                              */

struct sample {
	__u64 entry, vdso, at_base, sp, probe, start_brk;
	bool have_probe;
};

/* an auxv word: a 64-bit task's are u64, a 32-bit task's u32 */
static __u64 auxv_word(const unsigned char *p, size_t width)
{
	__u32 w32;
	__u64 w64;

	if (width == sizeof(w32)) {
		memcpy(&w32, p, sizeof(w32));
		return w32;
	}
	memcpy(&w64, p, sizeof(w64));
	return w64;
}

static int read_auxv(pid_t pid, bool is32, struct sample *s)
{
	size_t width = is32 ? sizeof(__u32) : sizeof(__u64);
	unsigned char buf[2 * 64 * sizeof(__u64)];
	char path[64];
	ssize_t n;
	size_t i;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/auxv", pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, sizeof(buf));
	close(fd);
	if (n < 0)
		return -errno;
	for (i = 0; i + 2 * width <= (size_t)n; i += 2 * width) {
		__u64 type = auxv_word(buf + i, width);
		__u64 val = auxv_word(buf + i + width, width);

		if (type == AT_ENTRY)
			s->entry = val;
		else if (type == AT_SYSINFO_EHDR)
			s->vdso = val;
		else if (type == AT_BASE)
			s->at_base = val;
		else if (type == AT_NULL)
			break;
	}
	return s->entry ? 0 : -EPROTO;
}

/* field 47 of /proc/PID/stat: start_brk */
static int read_start_brk(pid_t pid, __u64 *brk)
{
	char path[64], buf[2048], *p;
	unsigned long long v;
	ssize_t n;
	int fd, f;

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -EIO;
	buf[n] = '\0';
	p = strrchr(buf, ')');
	if (!p)
		return -EPROTO;
	/* p + 2 is field 3 */
	for (p += 2, f = 3; f < 47 && p; f++) {
		p = strchr(p, ' ');
		if (p)
			p++;
	}
	if (!p || sscanf(p, "%llu", &v) != 1)
		return -EPROTO;
	*brk = v;
	return 0;
}

#ifdef __x86_64__
/* make one system call in the stopped child at its current rip */
static int inject_syscall(pid_t pid, const struct user_regs_struct *saved,
			  long nr, const long args[6], long *ret)
{
	struct user_regs_struct regs = *saved;
	long word, patched;
	int st, err = 0;

	errno = 0;
	word = ptrace(PTRACE_PEEKTEXT, pid, (void *)saved->rip, NULL);
	if (errno)
		return -errno;
	patched = (word & ~0xffffL) | 0x050f;	/* syscall: 0f 05 */
	if (ptrace(PTRACE_POKETEXT, pid, (void *)saved->rip, (void *)patched))
		return -errno;
	regs.rax = nr;
	regs.orig_rax = -1;	/* no syscall restart */
	regs.rdi = args[0];
	regs.rsi = args[1];
	regs.rdx = args[2];
	regs.r10 = args[3];
	regs.r8 = args[4];
	regs.r9 = args[5];
	if (ptrace(PTRACE_SETREGS, pid, NULL, &regs) ||
	    ptrace(PTRACE_SINGLESTEP, pid, NULL, NULL)) {
		err = -errno;
		goto restore;
	}
	if (waitpid(pid, &st, 0) != pid || !WIFSTOPPED(st))
		return -ECHILD;		/* gone: nothing to restore */
	if (WSTOPSIG(st) != SIGTRAP)
		err = -EPROTO;		/* stopped by another signal */
	else if (ptrace(PTRACE_GETREGS, pid, NULL, &regs))
		err = -errno;
	else
		*ret = regs.rax;
restore:
	/* the code and registers as they were, whatever happened */
	if (ptrace(PTRACE_POKETEXT, pid, (void *)saved->rip, (void *)word) ||
	    ptrace(PTRACE_SETREGS, pid, NULL, saved))
		return -errno;
	return err;
}

/* where the first anonymous mapping goes; the page is unmapped again */
static int mmap_probe(pid_t pid, const struct user_regs_struct *regs,
		      __u64 *addr)
{
	long args[6] = { 0, PTS_PAGE_SIZE, PROT_NONE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0 };
	long ret = -1, r2 = -1;
	int err;

	err = inject_syscall(pid, regs, SYS_mmap, args, &ret);
	if (err)
		return err;
	if (ret < 0 && ret > -4096)
		return (int)ret;
	args[0] = ret;
	args[1] = PTS_PAGE_SIZE;
	err = inject_syscall(pid, regs, SYS_munmap, args, &r2);
	if (err)
		return err;
	if (r2)
		return -EPROTO;
	*addr = ret;
	return 0;
}

static int get_sp(pid_t pid, struct user_regs_struct *regs)
{
	return ptrace(PTRACE_GETREGS, pid, NULL, regs) ? -errno : 0;
}
#endif

/* the mappings at the entry point */
static int read_maps(struct aslr *a, pid_t pid, bool *found_exe)
{
	__u64 exe = ~0ULL, stack = 0;
	char path[64], *line = NULL;
	struct pts_vma v;
	size_t len = 0, i;
	struct {
		char name[80];
		__u64 base;
	} libs[ASLR_MAX_REGIONS];
	size_t nl = 0;
	const char *base;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/maps", pid);
	f = fopen(path, "re");
	if (!f)
		return -errno;
	while (getline(&line, &len, f) > 0) {
		memset(&v, 0, sizeof(v));
		if (pts_parse_maps_line(line, &v))
			continue;
		if (!strcmp(v.name, "[stack]"))
			stack = v.end;
		if (v.ino && v.ino == (__u64)a->prog.ino &&
		    makedev(v.dev_major, v.dev_minor) == a->prog.dev) {
			if (v.start < exe)
				exe = v.start;
		} else if (v.ino && v.name[0] == '/') {
			if (strstr(v.name, " (deleted)"))
				*strstr(v.name, " (deleted)") = '\0';
			base = strrchr(v.name, '/') + 1;
			for (i = 0; i < nl; i++)
				if (!strcmp(libs[i].name, base))
					break;
			if (i == nl && nl < ARRAY_SIZE(libs)) {
				snprintf(libs[nl].name, sizeof(libs[nl].name),
					 "%s", base);
				libs[nl++].base = v.start;
			} else if (i < nl && v.start < libs[i].base) {
				libs[i].base = v.start;
			}
		}
		free(v.name);
	}
	free(line);
	fclose(f);
	*found_exe = exe != ~0ULL;
	if (*found_exe)
		region_add(&a->r[R_EXE], exe);
	if (stack)
		region_add(&a->r[R_STACK], stack);
	for (i = 0; i < nl; i++)
		region_add(region_get(a, libs[i].name, true), libs[i].base);
	return 0;
}

/* run to AT_ENTRY; *status is set when the child ended on the way */
static int run_to_entry(pid_t pid, __u64 entry, int *status)
{
#ifdef __x86_64__
	struct user_regs_struct regs;
	long word;
	int st;

	if (get_sp(pid, &regs))
		return -errno;
	if (regs.rip == entry)
		return 0;
	errno = 0;
	word = ptrace(PTRACE_PEEKTEXT, pid, (void *)entry, NULL);
	if (errno)
		return -errno;
	if (ptrace(PTRACE_POKETEXT, pid, (void *)entry,
		   (void *)((word & ~0xffL) | 0xcc)))
		return -errno;
	if (ptrace(PTRACE_CONT, pid, NULL, NULL))
		return -errno;
	for (;;) {
		if (waitpid(pid, &st, 0) != pid)
			return -errno;
		if (WIFEXITED(st) || WIFSIGNALED(st)) {
			*status = st;
			return -ECHILD;
		}
		if (WSTOPSIG(st) == SIGTRAP) {
			if (get_sp(pid, &regs))
				return -errno;
			if (regs.rip == entry + 1)
				return 0;
			if (ptrace(PTRACE_CONT, pid, NULL, NULL))
				return -errno;
			continue;
		}
		/* pass the signal on: the program may die of it */
		if (ptrace(PTRACE_CONT, pid, NULL,
			   (void *)(long)WSTOPSIG(st)))
			return -errno;
	}
#else
	(void)pid;
	(void)entry;
	(void)status;
	return -EOPNOTSUPP;
#endif
}

enum { RUN_TRACEME, RUN_PERSONALITY, RUN_EXEC };

struct runerr {
	int status;		/* wait status when the child ended early */
	int stage;		/* RUN_*: what failed in the child */
	int exec_errno;		/* ... and its errno */
	const char *where;
};

static int one_run(struct aslr *a, char **argv, struct runerr *re)
{
	struct sample s = { 0 };
	bool found_exe = false;
	int pfd[2], st, err, rep[2];
	pid_t pid;
	ssize_t n;

	if (pipe2(pfd, O_CLOEXEC))
		return -errno;
	pid = fork();
	if (pid < 0) {
		err = -errno;
		close(pfd[0]);
		close(pfd[1]);
		return err;
	}
	if (!pid) {
		int fd = open("/dev/null", O_RDWR);

		close(pfd[0]);
		if (fd >= 0) {
			dup2(fd, 0);
			dup2(fd, 1);
		}
		/* report { stage, errno } on the close-on-exec pipe */
		int rep[2] = { RUN_TRACEME, 0 };

		if (ptrace(PTRACE_TRACEME, 0, NULL, NULL))
			rep[1] = errno;
		if (!rep[1] && a->norandom) {
			rep[0] = RUN_PERSONALITY;
			if (personality(personality(0xffffffff) |
					ADDR_NO_RANDOMIZE) < 0)
				rep[1] = errno;
		}
		if (!rep[1]) {
			rep[0] = RUN_EXEC;
			execv(a->prog.path, argv);
			rep[1] = errno;
		}
		if (write(pfd[1], rep, sizeof(rep)) < 0)
			_exit(126);
		_exit(127);
	}
	close(pfd[1]);
	if (waitpid(pid, &st, 0) != pid) {
		err = -errno;
		close(pfd[0]);
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		return err;
	}
	n = read(pfd[0], rep, sizeof(rep));
	close(pfd[0]);
	if (n == sizeof(rep)) {
		if (!WIFEXITED(st) && !WIFSIGNALED(st)) {
			kill(pid, SIGKILL);
			waitpid(pid, NULL, 0);
		}
		re->stage = rep[0];
		re->exec_errno = rep[1];
		return -ENOEXEC;
	}
	if (!WIFSTOPPED(st) || WSTOPSIG(st) != SIGTRAP) {
		if (WIFSTOPPED(st)) {
			kill(pid, SIGKILL);
			waitpid(pid, NULL, 0);
		}
		re->status = st;
		re->where = "after exec";
		return -ECHILD;
	}
	ptrace(PTRACE_SETOPTIONS, pid, NULL, (void *)PTRACE_O_EXITKILL);

	err = read_auxv(pid, a->prog.elfclass == ELFCLASS32, &s);
	if (err)
		goto kill;
#ifdef __x86_64__
	{
		struct user_regs_struct regs;

		err = get_sp(pid, &regs);
		if (err)
			goto kill;
		s.sp = a->prog.elfclass == ELFCLASS32 ? (__u32)regs.rsp :
							regs.rsp;
		if (a->prog.elfclass == ELFCLASS64 && !a->probe_failed) {
			s.have_probe = !mmap_probe(pid, &regs, &s.probe);
			if (!s.have_probe)
				a->probe_failed = true;
		}
	}
#endif
	err = run_to_entry(pid, s.entry, &re->status);
	if (err == -ECHILD) {
		re->where = "before its entry point";
		return err;
	}
	if (err)
		goto kill;
	err = read_start_brk(pid, &s.start_brk);
	if (err)
		goto kill;
	err = read_maps(a, pid, &found_exe);
	if (err)
		goto kill;
	if (!found_exe) {
		err = -ENOENT;
		re->where = "executable not found in /proc/PID/maps";
		goto kill;
	}
	region_add(&a->r[R_HEAP], s.start_brk);
	region_add(&a->r[R_SP], s.sp);
	if (s.vdso)
		region_add(&a->r[R_VDSO], s.vdso);
	/* one kind of sample per region: a failed probe after good ones
	 * leaves the run out (RUNS says so) rather than mix in AT_BASE */
	if (s.have_probe) {
		region_add(&a->r[R_MMAP], s.probe);
		a->probe_used = true;
	} else if (s.at_base && !a->probe_used) {
		region_add(&a->r[R_MMAP], s.at_base);
	}
kill:
	kill(pid, SIGKILL);
	while (waitpid(pid, &st, 0) == pid && !WIFEXITED(st) &&
	       !WIFSIGNALED(st))
		;
	return err;
}

/* ------------------------------------------------------------------ */
/* what the kernel's settings give                                      */

static bool randomizing(const struct aslr *a)
{
	return a->k.rva > 0 && !(a->k.persona & ADDR_NO_RANDOMIZE) &&
	       !a->norandom;
}

static void expectations(struct aslr *a)
{
	bool is32 = a->prog.elfclass == ELFCLASS32;
	int rnd = is32 ? a->k.rnd_compat_bits : a->k.rnd_bits;
	int align_loss = 0, exe = -1, stack;
	__u64 al;
	size_t i;

	for (al = a->prog.max_align; al > PTS_PAGE_SIZE; al >>= 1)
		align_loss++;
	stack = is32 ? STACK_RND_BITS_32 : STACK_RND_BITS_64;
	if (!randomizing(a) || a->k.rva < 0) {
		for (i = 0; i < a->nr; i++)
			a->r[i].expected = a->k.rva < 0 ? -1 : 0;
		return;
	}
	if (!a->prog.pie)
		exe = 0;
	else if (!a->prog.interp)	/* static PIE: in the mmap area */
		exe = rnd;
	else if (rnd >= 0)		/* ELF_ET_DYN_BASE + arch_mmap_rnd() */
		exe = rnd > align_loss ? rnd - align_loss : 0;
	for (i = 0; i < a->nr; i++)
		a->r[i].expected = a->r[i].lib ? rnd : -1;
	a->r[R_EXE].expected = exe;
	a->r[R_MMAP].expected = rnd;
	a->r[R_STACK].expected = stack;
	a->r[R_SP].expected = stack + SP_SUBPAGE_BITS;
	/* brk follows the executable; randomized on top only when rva > 1 */
	if (a->k.rva == 1)
		a->r[R_HEAP].expected = exe;
}

/* ------------------------------------------------------------------ */
/* output                                                               */

static void progress(size_t i, size_t n)
{
	char bar[41];
	size_t fill = n ? i * 40 / n : 40;

	memset(bar, '#', fill);
	memset(bar + fill, '.', 40 - fill);
	bar[40] = '\0';
	fprintf(stderr, "\rptscope aslr: [%s] %zu/%zu", bar, i, n);
	if (i == n)
		fprintf(stderr, "\r%*s\r", 60, "");
	fflush(stderr);
}

static const char *prog_kind(const struct prog *p)
{
	if (!p->pie)
		return "non-PIE (ET_EXEC)";
	return p->interp ? "PIE (ET_DYN), dynamic" : "static PIE (ET_DYN)";
}

static int render(struct pts_ctx *ctx, struct aslr *a)
{
	struct getctx g = { .a = a };
	struct pts_table t = {
		.cols = aslr_cols,
		.nr_cols = ARRAY_SIZE(aslr_cols),
		.defaults = aslr_defaults,
		.nr_rows = a->nr,
		.get = aslr_get,
		.priv = &g,
	};
	struct json_object *o, *k, *arr;
	size_t i;
	int err;

	err = pts_table_select(ctx, &t, ctx->output);
	if (err)
		return err;
	if (!ctx->json) {
		fprintf(ctx->out, "program: %s (ELF%d %s)\n", a->prog.path,
			a->prog.elfclass == ELFCLASS32 ? 32 : 64,
			prog_kind(&a->prog));
		fprintf(ctx->out,
			"kernel: randomize_va_space=%d mmap_rnd_bits=%d mmap_rnd_compat_bits=%d personality=0x%lx%s\n",
			a->k.rva, a->k.rnd_bits, a->k.rnd_compat_bits,
			a->k.persona, a->norandom ? " (-R: ADDR_NO_RANDOMIZE)" : "");
		fprintf(ctx->out, "runs: %zu\n", a->runs);
		err = pts_table_plain(ctx, &t, ctx->out);
		for (i = 0; i < a->nr_notes; i++)
			fprintf(ctx->out, "note: %s\n", a->notes[i]);
		return err;
	}
	o = json_object_new_object();
	json_object_object_add(o, "program",
			       json_object_new_string(a->prog.path));
	json_object_object_add(o, "elf_class",
			       json_object_new_int(a->prog.elfclass == ELFCLASS32 ?
						   32 : 64));
	json_object_object_add(o, "pie", json_object_new_boolean(a->prog.pie));
	json_object_object_add(o, "interp",
			       json_object_new_boolean(a->prog.interp));
	json_object_object_add(o, "runs", json_object_new_int64(a->runs));
	k = json_object_new_object();
	json_object_object_add(k, "randomize_va_space",
			       json_object_new_int(a->k.rva));
	json_object_object_add(k, "mmap_rnd_bits",
			       json_object_new_int(a->k.rnd_bits));
	json_object_object_add(k, "mmap_rnd_compat_bits",
			       json_object_new_int(a->k.rnd_compat_bits));
	json_object_object_add(k, "personality",
			       json_object_new_int64(a->k.persona));
	json_object_object_add(k, "addr_no_randomize",
			       json_object_new_boolean(!!(a->k.persona &
							  ADDR_NO_RANDOMIZE)));
	json_object_object_add(k, "no_randomize_option",
			       json_object_new_boolean(a->norandom));
	json_object_object_add(o, "kernel", k);
	json_object_object_add(o, "regions", pts_table_json(ctx, &t));
	arr = json_object_new_array();
	for (i = 0; i < a->nr_notes; i++)
		json_object_array_add(arr, json_object_new_string(a->notes[i]));
	json_object_object_add(o, "notes", arr);
	return pts_json_print(ctx, o, ctx->out);
}

static void add_notes(struct aslr *a)
{
	if (!a->prog.pie)
		aslr_note(a, "non-PIE executable (ELF type ET_EXEC): loaded at its link address, its base is fixed");
	if (a->k.rva == 0)
		aslr_note(a, "randomize_va_space=0: the kernel randomizes nothing");
	else if (a->k.rva == 1)
		aslr_note(a, "randomize_va_space=1: brk (heap) start not randomized");
	if (a->k.persona & ADDR_NO_RANDOMIZE)
		aslr_note(a, "personality ADDR_NO_RANDOMIZE is set (e.g. setarch -R), the runs inherit it: randomization disabled");
	if (a->norandom)
		aslr_note(a, "-R: ADDR_NO_RANDOMIZE set in the runs: randomization disabled");
	if (a->prog.elfclass == ELFCLASS32)
		aslr_note(a, "32-bit program: vm.mmap_rnd_compat_bits applies");
	if (!a->probe_used && a->r[R_MMAP].n)
		aslr_note(a, "mmap: ld.so's base (AT_BASE), no probe");
	if (!a->r[R_MMAP].n)
		aslr_note(a, "mmap: no probe and no interpreter: not measured");
	if (a->prog.pie && a->prog.interp && a->prog.max_align > PTS_PAGE_SIZE)
		aslr_note(a, "exe: PT_LOAD alignment 0x%llx removes low random bits",
			  (unsigned long long)a->prog.max_align);
	if (a->runs < 32)
		aslr_note(a, "few runs: bits below the kernel's figure are likely by chance");
}

/* ------------------------------------------------------------------ */
/* the command                                                          */

static int aslr_opt(struct pts_ctx *ctx, int c, const char *arg, void *priv)
{
	struct aslr *a = priv;
	__u64 n;

	switch (c) {
	case OPT_RUNS:
		if (pts_parse_u64(arg, &n) || n < 2 || n > ASLR_MAX_RUNS)
			return pts_usage_error(ctx,
					       "-n '%s': expected a number of runs from 2 to %d",
					       arg, ASLR_MAX_RUNS);
		a->runs = n;
		return 0;
	case OPT_NORANDOM:
		a->norandom = true;
		return 0;
	}
	return pts_usage_error(ctx, "unknown option");
}

/* own parser: -n is the number of runs here, not --noheadings */
static int parse_aslr(struct pts_ctx *ctx, int argc, char **argv,
		      struct aslr *a)
{
	static const struct option opts[] = {
		{ "runs",		required_argument, NULL, OPT_RUNS },
		{ "no-randomize",	no_argument,	   NULL, OPT_NORANDOM },
		{ "json",		no_argument,	   NULL, 'J' },
		{ "pretty",		no_argument,	   NULL, 'p' },
		{ "raw",		no_argument,	   NULL, 'r' },
		{ "bytes",		no_argument,	   NULL, 'b' },
		{ "noheadings",		no_argument,	   NULL, 'N' },
		{ "output",		required_argument, NULL, 'o' },
		{ "help",		no_argument,	   NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c, err;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+:n:RJprbo:h", opts, NULL)) != -1) {
		switch (c) {
		case 'n':
			err = aslr_opt(ctx, OPT_RUNS, optarg, a);
			break;
		case 'R':
			err = aslr_opt(ctx, OPT_NORANDOM, optarg, a);
			break;
		case OPT_RUNS:
		case OPT_NORANDOM:
			err = aslr_opt(ctx, c, optarg, a);
			break;
		case 'N':
			ctx->noheadings = true;
			err = 0;
			break;
		case 'h':
			return pts_help(ctx, do_help, argc, argv);
		default:
			err = pts_global_opt(ctx, c, optarg, argv);
			break;
		}
		if (err)
			return err;
	}
	return optind;
}

static int do_help(struct pts_ctx *ctx, int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fprintf(ctx->out,
		"Usage: ptscope [OPTIONS] aslr [-n N] [-R] [--] PROGRAM [ARGS]\n"
		"       ptscope aslr help\n"
		"\n"
		"Run PROGRAM N times (default %d, 2 to %d), each stopped by ptrace at\n"
		"its entry point before its first instruction (after ld.so mapped the\n"
		"libraries), record the base of each region and kill it.  Per region:\n"
		"the observed entropy in bits, next to what the kernel's settings give\n"
		"(/proc/sys/kernel/randomize_va_space, vm.mmap_rnd_bits,\n"
		"vm.mmap_rnd_compat_bits for 32-bit programs, x86 stack and brk ranges).\n"
		"\n"
		"  -n, --runs N        number of runs\n"
		"  -R, --no-randomize  run with personality ADDR_NO_RANDOMIZE (setarch -R)\n"
		"\n"
		"Regions: exe (lowest mapping of the executable), heap (start_brk,\n"
		"/proc/PID/stat field 47), mmap (where a one-page anonymous mmap made in\n"
		"the child right after exec lands, then unmapped; ld.so's base for\n"
		"32-bit programs), stack (end of [stack]), sp (initial stack pointer),\n"
		"vdso (AT_SYSINFO_EHDR) and each library (its lowest mapping).\n"
		"\n"
		"Entropy (paxtest's method): the bits that vary across runs, OR ^ AND\n"
		"of the bases, minus weak bits: a varying bit counts only if at least\n"
		"1/%d of the runs have it 1 and as many have it 0, both in the bases and\n"
		"in their offsets from the lowest base (so a borrow out of a random\n"
		"field does not count).  ALIGN is the lowest varying bit.  Non-PIE\n"
		"executables (ELF type ET_EXEC) and ADDR_NO_RANDOMIZE are flagged.\n"
		"A progress bar is drawn on stderr when it is a terminal.  Here -n is\n"
		"the number of runs; --noheadings still works.\n"
		"\n"
		"A missing program, a bad N, a file that is not an ELF executable, or\n"
		"a program that fails to exec or ends before its entry point is an\n"
		"error with exit status 2.\n"
		"\n",
		ASLR_DEFAULT_RUNS, ASLR_MAX_RUNS, PTS_ENT_WEAK_DEN);
	pts_print_columns(ctx->out, aslr_cols, ARRAY_SIZE(aslr_cols),
			  aslr_defaults);
	return 0;
}

static void aslr_free(struct aslr *a)
{
	size_t i;

	for (i = 0; i < a->nr; i++)
		free(a->r[i].v);
	for (i = 0; i < a->nr_notes; i++)
		free(a->notes[i]);
	free(a);
}

static int run_error(struct pts_ctx *ctx, struct aslr *a,
		     const struct runerr *re, int err)
{
	int st = re->status;

	if (re->exec_errno && re->stage == RUN_TRACEME)
		pts_error(ctx, re->exec_errno, "ptrace(PTRACE_TRACEME) refused");
	else if (re->exec_errno && re->stage == RUN_PERSONALITY)
		pts_error(ctx, re->exec_errno, "personality(ADDR_NO_RANDOMIZE)");
	else if (re->exec_errno)
		pts_error(ctx, re->exec_errno, "cannot execute %s",
			  a->prog.path);
	else if (err == -ECHILD && WIFEXITED(st))
		pts_error(ctx, 0, "%s exited with status %d %s",
			  a->prog.path, WEXITSTATUS(st), re->where);
	else if (err == -ECHILD && WIFSIGNALED(st))
		pts_error(ctx, 0, "%s was killed by signal %d %s",
			  a->prog.path, WTERMSIG(st), re->where);
	else if (err == -ECHILD)
		pts_error(ctx, 0, "%s stopped %s", a->prog.path,
			  re->where ? re->where : "unexpectedly");
	else
		pts_error(ctx, err, "%s: %s", a->prog.path,
			  re->where ? re->where : "tracing failed");
	return -PTS_EUSAGE;
}

/**
 * do_aslr - the aslr object: "aslr [-n N] [-R] [--] PROGRAM [ARGS]"
 * @ctx: context
 * @argc: arguments
 * @argv: arguments, argv[0] being "aslr"
 *
 * Return: 0, or -PTS_EUSAGE (exit status 2) for every error: bad
 * arguments, not an ELF executable, a program that cannot run to its
 * entry point.
 */
int do_aslr(struct pts_ctx *ctx, int argc, char **argv)
{
	struct runerr re = { 0 };
	char why[256];
	bool bar = isatty(2);
	struct aslr *a;
	size_t i;
	int first, err;

	if (argc == 2 && !strcmp(argv[1], "help"))
		return pts_help(ctx, do_help, argc, argv);
	a = calloc(1, sizeof(*a));
	if (!a)
		return pts_error(ctx, ENOMEM, "aslr");
	a->runs = ASLR_DEFAULT_RUNS;
	first = parse_aslr(ctx, argc, argv, a);
	if (first <= 0) {
		err = first;
		goto out;
	}
	if (first >= argc) {
		err = pts_usage_error(ctx, "aslr: expected PROGRAM");
		goto out;
	}
	if (!*argv[first]) {
		err = pts_usage_error(ctx, "aslr: empty PROGRAM");
		goto out;
	}
	err = pts_columns_check(ctx, aslr_cols, ARRAY_SIZE(aslr_cols),
				aslr_defaults);
	if (err)
		goto out;
	err = find_program(argv[first], a->prog.path, sizeof(a->prog.path));
	if (err) {
		pts_error(ctx, err, "aslr: %s", argv[first]);
		err = -PTS_EUSAGE;
		goto out;
	}
	err = read_prog(&a->prog, why, sizeof(why));
	if (err) {
		pts_error(ctx, 0, "aslr: %s: %s", a->prog.path, why);
		err = -PTS_EUSAGE;
		goto out;
	}
	read_kernel(&a->k);
	for (i = 0; i < R_NR_FIXED; i++)
		if (!region_get(a, fixed_names[i], false)) {
			err = pts_error(ctx, ENOMEM, "aslr");
			goto out;
		}

	for (i = 0; i < a->runs; i++) {
		if (bar)
			progress(i, a->runs);
		err = one_run(a, argv + first, &re);
		if (err) {
			if (bar)
				fprintf(stderr, "\n");
			err = run_error(ctx, a, &re, err);
			goto out;
		}
	}
	if (bar)
		progress(a->runs, a->runs);
	for (i = 0; i < a->nr; i++)
		if (a->r[i].n)
			pts_entropy(a->r[i].v, a->r[i].n, &a->r[i].e);
	expectations(a);
	add_notes(a);
	err = render(ctx, a);
out:
	aslr_free(a);
	return err;
}
