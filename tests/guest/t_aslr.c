// SPDX-License-Identifier: GPL-2.0
/*
 * t_aslr - "ptscope aslr" against the kernel's randomization settings.
 *
 * Programs: scn_aslr_dyn (dynamic PIE), scn_aslr_spie (static PIE),
 * scn_aslr_static (static, non-PIE), all built on the host.
 *
 * randomize_va_space=2, 200 runs each (100 for the static PIE, to save
 * guest time).  Expected bounds (Linux 6.1,
 * x86-64; facts from the kernel source):
 *  - mmap: arch/x86/mm/mmap.c: mmap_base = PAGE_ALIGN(task_size - gap -
 *    rnd), rnd = (random & ((1 << mmap_rnd_bits) - 1)) << PAGE_SHIFT.  The
 *    probe page lands at mmap_base - constant: exactly mmap_rnd_bits
 *    random bits.  ptscope counts a bit only if it is 1 in [1/4, 3/4] of
 *    the runs and its offsets from the lowest base stay below 2^bits, so
 *    the count is <= mmap_rnd_bits; a fair bit falls outside [50, 150]
 *    of 200 with probability 2 * P(Binomial(200, 1/2) < 50) ~ 1.5e-12, so
 *    the count is >= mmap_rnd_bits - 1 except with probability < 1e-20
 *    (and == mmap_rnd_bits except with probability < 5e-11).  The same
 *    holds for libc's base (its mappings follow ld.so's, below mmap_base)
 *    and for a static PIE's executable (load_bias 0: fs/binfmt_elf.c maps
 *    it in the mmap area).
 *  - exe of a dynamic PIE: ELF_ET_DYN_BASE + arch_mmap_rnd(), aligned to
 *    the largest p_align (fs/binfmt_elf.c); ptscope's "kernel_bits" says
 *    how many bits that leaves; observed within 1 of it.
 *  - stack: mm/util.c randomize_stack_top(): STACK_RND_MASK 0x3fffff
 *    pages for 64-bit tasks (arch/x86/include/asm/elf.h): 22 bits,
 *    observed 21 or 22.
 *  - heap of the non-PIE program: arch/x86/kernel/process.c
 *    arch_randomize_brk(): randomize_page(brk, SZ_32M) = 13 bits in
 *    kernels before the brk entropy increase, SZ_1G = 18 bits after it
 *    (Debian's 6.1 has the increase): observed in [13, 18].
 *  - exe of the non-PIE program: its link address: 0 bits, and flagged.
 * randomize_va_space=0 (10 runs), and -R (ADDR_NO_RANDOMIZE) with 2:
 *   0 bits in every region.
 * Bad input (exit 2): no program, -n 1 and -n 100001, a missing file, a
 * file that is not ELF (a script), a directory.  No progress bar when
 * stderr is not a terminal.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "libproc.h"
#include "librun.h"
#include "tap.h"

#define PTSCOPE_BIN	"/ptscope/bin/ptscope"
#define SCN_DIR		"/ptscope/tests/"
#define RVA		"/proc/sys/kernel/randomize_va_space"

static int read_int(const char *path)
{
	char buf[32] = "";

	if (read_file_str(path, buf, sizeof(buf)))
		return -1;
	return atoi(buf);
}

static int set_rva(int v)
{
	char buf[8];

	snprintf(buf, sizeof(buf), "%d\n", v);
	return write_file_str(RVA, buf);
}

/* ptscope -J aslr ARGS... PROGRAM; returns exit status */
static int aslr(const char *runs, bool norandom, const char *prog,
		char **out, char **err)
{
	char path[256];
	char *argv[10];
	int n = 0;

	snprintf(path, sizeof(path), SCN_DIR "%s", prog);
	argv[n++] = PTSCOPE_BIN;
	argv[n++] = "-J";
	argv[n++] = "aslr";
	argv[n++] = "-n";
	argv[n++] = (char *)runs;
	if (norandom)
		argv[n++] = "-R";
	argv[n++] = "--";
	argv[n++] = path;
	argv[n] = NULL;
	return run_capture(argv, out, err);
}

static int region(const char *json, const char *name, const char *key,
		  long *v)
{
	const char *at;
	uint64_t u;

	if (json_object_with(json, "region", name, &at) ||
	    json_u64(at, key, &u))
		return -1;
	*v = (long)u;
	return 0;
}

static void in_range(const char *json, const char *prog, const char *name,
		     long lo, long hi, const char *why)
{
	long bits = -1, runs = -1, want = -1;
	const char *at = strstr(json, "\"runs\":");

	if (at)
		want = atol(at + 7);	/* the top-level "runs" */
	region(json, name, "bits", &bits);
	region(json, name, "runs", &runs);
	tap_ok(bits >= lo && bits <= hi && runs == want && want >= 100,
	       "%s: %s: %ld bits in %ld runs, expected %ld..%ld (%s)", prog,
	       name, bits, runs, lo, hi, why);
}

static void randomized(void)
{
	int rnd = read_int("/proc/sys/vm/mmap_rnd_bits");
	char *out = NULL, *err = NULL;
	long kb = -1, bits = -1;
	char pie[16] = "";
	int rc;

	if (set_rva(2)) {
		tap_skip("cannot write " RVA, "randomize_va_space=2 runs");
		return;
	}
	tap_diag("vm.mmap_rnd_bits = %d", rnd);

	rc = aslr("200", false, "scn_aslr_dyn", &out, &err);
	if (!tap_ok(rc == 0 && out, "dynamic PIE: 200 runs, exit %d", rc))
		tap_diag("%.300s", err ? err : "");
	if (rc == 0 && out) {
		tap_ok(!err || !*err, "no progress bar when stderr is not a terminal");
		in_range(out, "dyn", "mmap", rnd - 1, rnd, "vm.mmap_rnd_bits");
		in_range(out, "dyn", "libc.so.6", rnd - 1, rnd, "vm.mmap_rnd_bits");
		in_range(out, "dyn", "stack", 21, 22, "STACK_RND_MASK 0x3fffff");
		region(out, "exe", "kernel_bits", &kb);
		region(out, "exe", "bits", &bits);
		tap_ok(kb > 0 && bits <= kb && bits >= kb - 1,
		       "dyn: exe: %ld bits, kernel gives %ld", bits, kb);
		region(out, "mmap", "kernel_bits", &kb);
		tap_ok(kb == rnd, "dyn: mmap kernel_bits %ld = vm.mmap_rnd_bits %d", kb, rnd);
	}
	free(out);
	free(err);

	/* 100 runs: a fair bit leaves [25, 75] with p ~ 6e-7 */
	rc = aslr("100", false, "scn_aslr_spie", &out, &err);
	tap_ok(rc == 0 && out, "static PIE: 100 runs, exit %d", rc);
	if (rc == 0 && out) {
		in_range(out, "spie", "exe", rnd - 1, rnd,
			 "in the mmap area: vm.mmap_rnd_bits");
		in_range(out, "spie", "mmap", rnd - 1, rnd, "vm.mmap_rnd_bits");
	}
	free(out);
	free(err);

	rc = aslr("200", false, "scn_aslr_static", &out, &err);
	tap_ok(rc == 0 && out, "static non-PIE: 200 runs, exit %d", rc);
	if (rc == 0 && out) {
		in_range(out, "static", "exe", 0, 0, "fixed link address");
		json_field(NULL, out, "pie", pie, sizeof(pie));
		tap_ok(!strcmp(pie, "false") && strstr(out, "non-PIE executable"),
		       "static: flagged non-PIE (pie=%s)", pie);
		in_range(out, "static", "heap", 13, 18,
			 "arch_randomize_brk: 32 MiB or 1 GiB of pages");
		in_range(out, "static", "mmap", rnd - 1, rnd, "vm.mmap_rnd_bits");
		in_range(out, "static", "stack", 21, 22, "STACK_RND_MASK 0x3fffff");
	}
	free(out);
	free(err);
}

/* every "bits" of every region is 0 */
static void all_zero(const char *json, const char *what)
{
	const char *p = json;
	char v[32];
	size_t n = 0, nonzero = 0;

	while (p && (p = strstr(p, "\"bits\":"))) {
		if (!json_field(NULL, p, "bits", v, sizeof(v)))
			break;
		n++;
		if (strcmp(v, "0"))
			nonzero++;
		p += 7;
	}
	tap_ok(n >= 6 && !nonzero, "%s: %zu regions, all 0 bits (%zu not)",
	       what, n, nonzero);
}

static void not_randomized(void)
{
	static const char *const progs[] = {
		"scn_aslr_dyn", "scn_aslr_spie", "scn_aslr_static",
	};
	char *out = NULL, *err = NULL, what[96];
	size_t i;
	int rc;

	if (set_rva(0)) {
		tap_skip("cannot write " RVA, "randomize_va_space=0 runs");
		return;
	}
	for (i = 0; i < ARRAY_SIZE(progs); i++) {
		rc = aslr("10", false, progs[i], &out, &err);
		snprintf(what, sizeof(what), "randomize_va_space=0: %s", progs[i]);
		tap_ok(rc == 0 && out, "%s: exit %d", what, rc);
		if (out)
			all_zero(out, what);
		free(out);
		free(err);
	}
	set_rva(2);
	rc = aslr("10", true, "scn_aslr_dyn", &out, &err);
	tap_ok(rc == 0 && out && strstr(out, "\"no_randomize_option\":true"),
	       "-R: exit %d, reported", rc);
	if (out)
		all_zero(out, "-R (ADDR_NO_RANDOMIZE)");
	free(out);
	free(err);
}

static void bad(const char *what, char **argv, const char *msg)
{
	char *out = NULL, *err = NULL;
	int rc = run_capture(argv, &out, &err);

	if (!tap_ok(rc == 2 && err && strstr(err, msg),
		    "bad input: %s: exit 2 and '%s' (got %d)", what, msg, rc))
		tap_diag("stderr: %.200s", err ? err : "");
	free(out);
	free(err);
}

static void bad_input(void)
{
	char *a1[] = { PTSCOPE_BIN, "aslr", NULL };
	char *a2[] = { PTSCOPE_BIN, "aslr", "-n", "1", "/bin/busybox", NULL };
	char *a3[] = { PTSCOPE_BIN, "aslr", "-n", "100001", "/bin/busybox", NULL };
	char *a4[] = { PTSCOPE_BIN, "aslr", "/nonexistent/prog", NULL };
	char *a5[] = { PTSCOPE_BIN, "aslr", "/tmp/t_aslr.sh", NULL };
	char *a6[] = { PTSCOPE_BIN, "aslr", "-n", "x", "/bin/busybox", NULL };
	char *a7[] = { PTSCOPE_BIN, "aslr", "/tmp", NULL };
	int fd;

	bad("no program", a1, "expected PROGRAM");
	bad("-n 1", a2, "number of runs");
	bad("-n 100001", a3, "number of runs");
	bad("-n x", a6, "number of runs");
	bad("missing file", a4, "No such file");
	fd = open("/tmp/t_aslr.sh", O_WRONLY | O_CREAT | O_TRUNC, 0755);
	if (fd >= 0) {
		if (write(fd, "#!/bin/sh\nexit 0\n", 17) != 17)
			tap_diag("short write");
		close(fd);
	}
	bad("a shell script", a5, "not an ELF file");
	bad("a directory", a7, "not a regular file");
	unlink("/tmp/t_aslr.sh");
}

int main(void)
{
	int saved;

	tap_init();
	saved = read_int(RVA);
	tap_diag("randomize_va_space was %d", saved);
	randomized();
	not_randomized();
	if (saved >= 0)
		set_rva(saved);
	tap_ok(read_int(RVA) == saved, "randomize_va_space restored to %d", saved);
	bad_input();
	return tap_done();
}
