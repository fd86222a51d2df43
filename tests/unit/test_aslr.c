// SPDX-License-Identifier: GPL-2.0
/*
 * ptscope aslr on the host: the entropy arithmetic on synthetic sets of
 * bases (constant, k random bits, weak bits, a borrow out of the random
 * field, random fields with a fixed gap), and the command's bad input.
 * Runs of real programs need ptrace only, no module: a run with -R
 * (ADDR_NO_RANDOMIZE) must find 0 bits everywhere.  The measurements
 * against the kernel's settings are in tests/guest/t_aslr.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <cmocka.h>

#include "pts.h"
#include "runpts.h"

#define N	200

static __u64 rng_state = 0x9e3779b97f4a7c15ULL;

static __u64 rnd(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

static void test_constant(void **state)
{
	__u64 v[N];
	struct pts_entropy e;
	size_t i;

	(void)state;
	for (i = 0; i < N; i++)
		v[i] = 0x400000;
	assert_int_equal(pts_entropy(v, N, &e), 0);
	assert_int_equal(e.bits, 0);
	assert_int_equal(e.nr_varying, 0);
	assert_int_equal(e.align_shift, 22);	/* trailing zeros of 0x400000 */
	assert_true(e.spread_bits == 0.0);
	assert_true(e.min == 0x400000 && e.max == 0x400000);
}

static void test_k_bits(void **state)
{
	static const unsigned int ks[] = { 1, 8, 13, 22, 28, 32 };
	struct pts_entropy e;
	__u64 v[N];
	size_t i, j;

	(void)state;
	for (j = 0; j < ARRAY_SIZE(ks); j++) {
		for (i = 0; i < N; i++)
			v[i] = BIT_ULL(46) +
			       ((rnd() & (BIT_ULL(ks[j]) - 1)) << 12);
		assert_int_equal(pts_entropy(v, N, &e), 0);
		assert_int_equal(e.bits, ks[j]);
		assert_int_equal(e.nr_varying, ks[j]);
		assert_int_equal(e.align_shift, 12);
		assert_true(e.spread_bits > ks[j] - 0.1 &&
			    e.spread_bits <= ks[j] + 1e-9);
	}
}

/* a bit set in 3 of 200 runs varies but is discounted */
static void test_weak_bit(void **state)
{
	struct pts_entropy e;
	__u64 v[N];
	size_t i;

	(void)state;
	for (i = 0; i < N; i++)
		v[i] = ((rnd() & 0xff) << 12) | (i < 3 ? BIT_ULL(40) : 0);
	pts_entropy(v, N, &e);
	assert_int_equal(e.nr_varying, 9);
	assert_int_equal(e.bits, 8);
	assert_false(e.counted & BIT_ULL(40));
	/* the threshold: 1/PTS_ENT_WEAK_DEN of the runs counts */
	for (i = 0; i < N; i++)
		v[i] = i < N / PTS_ENT_WEAK_DEN ? BIT_ULL(20) : 0;
	pts_entropy(v, N, &e);
	assert_int_equal(e.bits, 1);
	for (i = 0; i < N; i++)
		v[i] = i < N / PTS_ENT_WEAK_DEN - 1 ? BIT_ULL(20) : 0;
	pts_entropy(v, N, &e);
	assert_int_equal(e.bits, 0);
	assert_int_equal(e.nr_varying, 1);
}

/*
 * C - r with C's low bits half of r's range: the borrow flips bit k of
 * the bases in about half of the runs (balanced), but the offsets from
 * the minimum are below 2^k: k bits, not k + 1.
 */
static void test_borrow(void **state)
{
	const unsigned int k = 16;
	const __u64 c = 0x7ffbf0000000ULL | (BIT_ULL(k - 1) << 12);
	struct pts_entropy e;
	__u64 v[N];
	size_t i;

	(void)state;
	for (i = 0; i < N; i++)
		v[i] = c - ((rnd() & (BIT_ULL(k) - 1)) << 12);
	pts_entropy(v, N, &e);
	assert_true(e.nr_varying > k);	/* paxtest's raw count is fooled */
	assert_int_equal(e.bits, k);
}

/* random fields with fixed bits between: the gap is not counted */
static void test_gap(void **state)
{
	struct pts_entropy e;
	__u64 v[N];
	size_t i;

	(void)state;
	for (i = 0; i < N; i++)
		v[i] = 0x100000000000ULL | ((rnd() & 0xf) << 12) |
		       ((rnd() & 0xf) << 30);
	pts_entropy(v, N, &e);
	assert_int_equal(e.nr_varying, 8);
	assert_int_equal(e.bits, 8);
}

/* sub-page randomness: 16-byte steps, as the initial stack pointer */
static void test_align(void **state)
{
	struct pts_entropy e;
	__u64 v[N];
	size_t i;

	(void)state;
	for (i = 0; i < N; i++)
		v[i] = 0x7ffe00000000ULL - ((rnd() % 8192) & ~0xfULL);
	pts_entropy(v, N, &e);
	assert_int_equal(e.align_shift, 4);
	assert_int_equal(e.bits, 9);
	assert_int_equal(pts_entropy(v, 0, &e), -EINVAL);
}

static void test_bad_input(void **state)
{
	char path[] = "/tmp/ptscope-aslr-XXXXXX";
	int fd;

	(void)state;
	assert_int_equal(run_pts("aslr", NULL), 2);
	assert_non_null(strstr(pts_err, "expected PROGRAM"));
	assert_int_equal(run_pts("aslr", "-n", "1", "/bin/true", NULL), 2);
	assert_non_null(strstr(pts_err, "number of runs"));
	assert_int_equal(run_pts("aslr", "-n", "0x", "/bin/true", NULL), 2);
	assert_int_equal(run_pts("aslr", "--runs", "100001", "/bin/true",
				 NULL), 2);
	assert_int_equal(run_pts("aslr", "/nonexistent/x", NULL), 2);
	assert_non_null(strstr(pts_err, "No such file"));
	assert_int_equal(run_pts("aslr", "no-such-program-in-path", NULL), 2);
	assert_int_equal(run_pts("aslr", "", NULL), 2);
	assert_int_equal(run_pts("aslr", "/tmp", NULL), 2);
	assert_non_null(strstr(pts_err, "not a regular file"));
	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "#!/bin/sh\n", 10), 10);
	fchmod(fd, 0755);
	close(fd);
	assert_int_equal(run_pts("aslr", path, NULL), 2);
	assert_non_null(strstr(pts_err, "not an ELF file"));
	assert_int_equal(run_pts("-J", "aslr", path, NULL), 2);
	assert_non_null(strstr(pts_out, "\"error\""));
	unlink(path);
	assert_int_equal(run_pts("aslr", "-o", "BOGUS", "/bin/true", NULL), 2);
	assert_int_equal(run_pts("aslr", "help", NULL), 0);
	assert_non_null(strstr(pts_out, "Usage: ptscope [OPTIONS] aslr"));
}

static int sh(const char *cmd)
{
	int st = system(cmd);

	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* a dynamic program whose library is gone ends in ld.so: exit 2 */
static void test_ends_before_entry(void **state)
{
	char dir[] = "/tmp/ptscope-aslr-XXXXXX", cmd[1024], prog[128];

	(void)state;
	if (sh("command -v cc >/dev/null 2>&1"))
		skip();	/* no compiler: cannot build the fixture */
	assert_non_null(mkdtemp(dir));
	snprintf(cmd, sizeof(cmd),
		 "cd %s && echo 'int f(void){return 0;}' > l.c && "
		 "echo 'int f(void); int main(void){return f();}' > m.c && "
		 "cc -shared -fpic -o libptsgone.so l.c && "
		 "cc -o m m.c -L. -lptsgone && rm libptsgone.so", dir);
	assert_int_equal(sh(cmd), 0);
	snprintf(prog, sizeof(prog), "%s/m", dir);
	assert_int_equal(run_pts("aslr", "-n", "2", prog, NULL), 2);
	assert_non_null(strstr(pts_err, "before its entry point"));
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	assert_int_equal(sh(cmd), 0);
}

/* -R: ADDR_NO_RANDOMIZE, 0 bits everywhere; the tool's own binary */
static void test_norandom(void **state)
{
	const char *bin = test_path("PTSCOPE", "../../tools/ptscope");
	const char *p;
	size_t n = 0;

	(void)state;
	if (run_pts("-J", "aslr", "-n", "4", "-R", "--", bin, "help",
		    NULL)) {
		/* ptrace may be forbidden here (seccomp, a container) */
		if (strstr(pts_out, "Operation not permitted"))
			skip();
		fail_msg("aslr -R: %s %s", pts_out, pts_err);
	}
	for (p = pts_out; (p = strstr(p, "\"bits\":")); p += 7, n++)
		assert_true(!strncmp(p, "\"bits\":0,", 9));
	assert_true(n >= 6);	/* exe heap mmap stack sp vdso + libraries */
	assert_non_null(strstr(pts_out, "\"region\":\"libc.so.6\""));
	assert_non_null(strstr(pts_out, "\"no_randomize_option\":true"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_constant),
		cmocka_unit_test(test_k_bits),
		cmocka_unit_test(test_weak_bit),
		cmocka_unit_test(test_borrow),
		cmocka_unit_test(test_gap),
		cmocka_unit_test(test_align),
		cmocka_unit_test(test_bad_input),
		cmocka_unit_test(test_ends_before_entry),
		cmocka_unit_test(test_norandom),
	};

	return cmocka_run_group_tests_name("aslr", tests, NULL, NULL);
}
