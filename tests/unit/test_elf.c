// SPDX-License-Identifier: GPL-2.0
/*
 * ptscope elf on the host: the ELF page mapping (elfmap.c) checked on
 * this test's own binary, built on the host, against the dynamic loader's
 * view of it (dl_iterate_phdr: load bias and program headers) and the
 * addresses of its own function and variables; "ptscope elf" on this
 * process; bad input.
 */
#include <errno.h>
#include <link.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "pts.h"
#include "runpts.h"

int pts_test_data_var = 42;		/* .data */
int pts_test_bss_var;			/* .bss */

int pts_test_text_func(int x);
__attribute__((noinline)) int pts_test_text_func(int x)
{
	return x * 3 + pts_test_data_var;
}

static struct pts_elfobj obj;
static __u64 bias;

static int first_phdr(struct dl_phdr_info *info, size_t size, void *data)
{
	(void)size;
	*(__u64 *)data = info->dlpi_addr;
	return 1;	/* the first object is the program */
}

/* the bias from /proc/self/maps, as ptscope elf computes it */
static int maps_bias(__u64 *b)
{
	char line[512], exe[PATH_MAX];
	unsigned long long s, e, off;
	ssize_t n;
	FILE *f;
	int found = -1;

	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n < 0)
		return -1;
	exe[n] = '\0';
	f = fopen("/proc/self/maps", "r");
	if (!f)
		return -1;
	while (found && fgets(line, sizeof(line), f)) {
		if (!strstr(line, exe) ||
		    sscanf(line, "%llx-%llx %*s %llx", &s, &e, &off) != 3)
			continue;
		found = pts_elfobj_bias(&obj, s, off, b);
	}
	fclose(f);
	return found;
}

static int setup(void **state)
{
	(void)state;
	return pts_elfobj_load("/proc/self/exe", &obj);
}

static int teardown(void **state)
{
	(void)state;
	pts_elfobj_free(&obj);
	return 0;
}

static void test_bias(void **state)
{
	__u64 ld = 0;

	(void)state;
	dl_iterate_phdr(first_phdr, &ld);
	assert_int_equal(maps_bias(&bias), 0);
	assert_true(bias == ld);
	assert_true(obj.type == ET_DYN || obj.type == ET_EXEC);
	assert_true(obj.nr_segs > 2 && obj.nr_secs > 5);
	assert_true(obj.nr_syms > 10);
}

static bool has_word(const char *list, const char *w)
{
	size_t n = strlen(w);
	const char *p;

	for (p = list; (p = strstr(p, w)); p += n)
		if ((p == list || p[-1] == ' ') && (!p[n] || p[n] == ' '))
			return true;
	return false;
}

static void page_of(__u64 addr, char *segs, char *secs, char *syms,
		    size_t len)
{
	__u64 lo = ((addr & ~(PTS_PAGE_SIZE - 1))) - bias;

	pts_elfobj_segs_at(&obj, lo, lo + PTS_PAGE_SIZE, segs, len);
	pts_elfobj_secs_at(&obj, lo, lo + PTS_PAGE_SIZE, secs, len);
	pts_elfobj_syms_at(&obj, lo, lo + PTS_PAGE_SIZE, 0, syms, len);
}

static void test_text_page(void **state)
{
	char segs[512], secs[512], syms[65536];

	(void)state;
	maps_bias(&bias);
	page_of((__u64)(uintptr_t)pts_test_text_func, segs, secs, syms,
		sizeof(segs));
	assert_non_null(strstr(segs, "LOAD"));
	assert_non_null(strstr(segs, ":r-x"));
	assert_true(has_word(secs, ".text"));
	page_of((__u64)(uintptr_t)pts_test_text_func, segs, secs, syms,
		sizeof(syms));
	assert_true(has_word(syms, "pts_test_text_func"));
}

static void test_data_pages(void **state)
{
	char segs[512], secs[512], syms[65536];

	(void)state;
	maps_bias(&bias);
	page_of((__u64)(uintptr_t)&pts_test_data_var, segs, secs, syms,
		sizeof(segs));
	assert_non_null(strstr(segs, ":rw-"));
	assert_true(has_word(secs, ".data"));
	page_of((__u64)(uintptr_t)&pts_test_data_var, segs, secs, syms,
		sizeof(syms));
	assert_true(has_word(syms, "pts_test_data_var"));
	page_of((__u64)(uintptr_t)&pts_test_bss_var, segs, secs, syms,
		sizeof(segs));
	assert_true(has_word(secs, ".bss"));
	page_of((__u64)(uintptr_t)&pts_test_bss_var, segs, secs, syms,
		sizeof(syms));
	assert_true(has_word(syms, "pts_test_bss_var"));
}

/* the first 3 symbols then "+N", and a page with no symbol at all */
static void test_syms_limit(void **state)
{
	char buf[65536];
	size_t all, lim;

	(void)state;
	all = pts_elfobj_syms_at(&obj, 0, ~0ULL, 0, buf, sizeof(buf));
	assert_true(all == obj.nr_syms);
	lim = pts_elfobj_syms_at(&obj, 0, ~0ULL, 3, buf, sizeof(buf));
	assert_true(lim == all);
	assert_non_null(strchr(buf, '+'));
	assert_int_equal(pts_elfobj_syms_at(&obj, ~0ULL - 8192, ~0ULL - 4096,
					    3, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "");
}

static void test_not_elf(void **state)
{
	struct pts_elfobj o;

	(void)state;
	assert_int_equal(pts_elfobj_load("/proc/self/maps", &o), -ENOEXEC);
	assert_non_null(strstr(o.err, "not an ELF"));
	pts_elfobj_free(&o);
	assert_int_equal(pts_elfobj_load("/nonexistent", &o), -ENOENT);
	pts_elfobj_free(&o);
}

/* ptscope elf on this very process */
static void test_cmd_self(void **state)
{
	char pid[16], want[64];
	int rc;

	(void)state;
	snprintf(pid, sizeof(pid), "%d", getpid());
	rc = run_pts("-J", "elf", pid, NULL);
	assert_true(rc == 0 || rc == 1);
	assert_non_null(strstr(pts_out, "\"violations\":"));
	assert_non_null(strstr(pts_out, "\"pts_test_text_func\""));
	snprintf(want, sizeof(want), "\"addr\":\"0x%llx\"",
		 (unsigned long long)((uintptr_t)pts_test_text_func & ~4095UL));
	assert_non_null(strstr(pts_out, want));
	rc = run_pts("elf", "--audit", pid, NULL);
	assert_true(rc == 0 || rc == 1);
	assert_non_null(strstr(pts_out, rc ? "violation(s):" :
					 "no violations"));
}

static void test_bad_input(void **state)
{
	(void)state;
	assert_int_equal(run_pts("elf", NULL), 2);
	assert_non_null(strstr(pts_err, "expected PID"));
	assert_int_equal(run_pts("elf", "1x", NULL), 2);
	assert_int_equal(run_pts("elf", "1", "2", NULL), 2);
	assert_int_equal(run_pts("elf", "--bogus", "1", NULL), 2);
	assert_int_equal(run_pts("elf", "2147483000", NULL), 2);
	assert_non_null(strstr(pts_err, "No such process"));
	assert_int_equal(run_pts("-J", "elf", "2147483000", NULL), 2);
	assert_non_null(strstr(pts_out, "\"error\""));
	assert_int_equal(run_pts("elf", "-o", "NOPE", "1", NULL), 2);
	if (!access("/proc/2/stat", R_OK)) {	/* kthreadd, usually */
		int rc = run_pts("elf", "2", NULL);

		assert_true(rc == 2 || rc == 0 || rc == 1);
		if (strstr(pts_err, "kernel thread"))
			assert_int_equal(rc, 2);
	}
	assert_int_equal(run_pts("elf", "help", NULL), 0);
	assert_non_null(strstr(pts_out, "Exit status: 0 no violation"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bias),
		cmocka_unit_test(test_text_page),
		cmocka_unit_test(test_data_pages),
		cmocka_unit_test(test_syms_limit),
		cmocka_unit_test(test_not_elf),
		cmocka_unit_test(test_cmd_self),
		cmocka_unit_test(test_bad_input),
	};

	return cmocka_run_group_tests_name("elf", tests, setup, teardown);
}
