// SPDX-License-Identifier: GPL-2.0
/*
 * The flush object: request lines and their validation (table driven),
 * and the command's exit codes: a reversed, empty, malformed or
 * out-of-range request is a usage error (2) found before anything is
 * written; a missing module or flush file is a runtime failure (1) with
 * a clear message, JSON with -J.
 */
#include <errno.h>
#include <json.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "runpts.h"

#define USER_END	0x7ffffffff000ULL

static void test_format(void **state)
{
	static const struct {
		struct pts_flush_req r;
		const char *line;
	} cases[] = {
		{ { .pid = 1 }, "pid=1\n" },
		{ { .pid = 2147483647 }, "pid=2147483647\n" },
		{ { .all = true }, "all\n" },
		{ { .pid = 42, .ranged = true, .start = 0x1000, .end = 0x2000 },
		  "pid=42 start=0x1000 end=0x2000\n" },
		{ { .pid = 7, .ranged = true, .start = 0,
		    .end = USER_END }, "pid=7 start=0x0 end=0x7ffffffff000\n" },
	};
	char buf[PTSCOPE_QUERY_MAX + 1];
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		assert_int_equal(pts_flush_check(&cases[i].r, USER_END), 0);
		assert_int_equal(pts_flush_format(buf, sizeof(buf),
						  &cases[i].r),
				 strlen(cases[i].line));
		assert_string_equal(buf, cases[i].line);
	}
	/* a buffer too small is refused, never truncated */
	assert_int_equal(pts_flush_format(buf, 8, &cases[3].r), -EINVAL);
}

static void test_check(void **state)
{
	static const struct {
		struct pts_flush_req r;
		int err;
	} cases[] = {
		{ { .pid = 0 }, -EINVAL },
		{ { .pid = 0x80000000U }, -EINVAL },
		{ { .all = true, .pid = 3 }, -EINVAL },
		{ { .all = true, .ranged = true, .end = 1 }, -EINVAL },
		{ { .pid = 3, .ranged = true, .start = 0x2000, .end = 0x1000 },
		  -EINVAL },
		{ { .pid = 3, .ranged = true, .start = 0x2000, .end = 0x2000 },
		  -EINVAL },
		{ { .pid = 3, .ranged = true, .start = 0x1000,
		    .end = USER_END + 1 }, -ERANGE },
		{ { .pid = 3, .ranged = true, .start = 0x1000,
		    .end = 0xffffffffff601000ULL }, -ERANGE },
	};
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(cases); i++)
		assert_int_equal(pts_flush_check(&cases[i].r, USER_END),
				 cases[i].err);
}

/* exit 2, and no word about the module: nothing was opened or written */
static void usage(const char *what, ...)
{
	char *args[16];
	int n = 0;
	va_list ap;

	args[n++] = "flush";
	va_start(ap, what);
	while (n < 15 && (args[n] = va_arg(ap, char *)))
		n++;
	va_end(ap);
	args[n] = NULL;
	if (run_ptsv(args) != 2)
		fail_msg("%s: exit status not 2: %s", what, pts_err);
	assert_null(strstr(pts_err, "ptscope.ko"));
	assert_null(strstr(pts_err, "flush interface"));
}

static void test_cli_usage(void **state)
{
	struct json_object *o, *v;

	(void)state;
	usage("reversed", "1", "--range", "0x2000-0x1000", NULL);
	assert_non_null(strstr(pts_err, "START < END"));
	usage("empty", "1", "--range", "0x2000-0x2000", NULL);
	usage("garbage", "1", "--range", "zz-0x1000", NULL);
	usage("no dash", "1", "--range", "0x1000", NULL);
	usage("trailing junk", "1", "--range", "0x1000-0x2000q", NULL);
	usage("overflow", "1", "--range", "0x1000-0x1ffffffffffffffff", NULL);
	usage("beyond user space", "1", "--range",
	      "0x1000-0xffffffffff601000", NULL);
	assert_non_null(strstr(pts_err, "beyond user space"));
	usage("no pid", NULL);
	usage("bad pid", "abc", NULL);
	usage("pid 0", "0", NULL);
	usage("two pids", "1", "2", NULL);
	usage("all and pid", "--all", "1", NULL);
	usage("all and range", "--all", "--range", "0x1000-0x2000", NULL);
	usage("missing argument", "1", "--range", NULL);
	usage("unknown option", "1", "--bogus", NULL);

	/* JSON: the usage error is a JSON object on stdout */
	assert_int_equal(run_pts("-J", "flush", "1", "--range",
				 "0x2000-0x1000", NULL), 2);
	assert_string_equal(pts_err, "");
	o = json_tokener_parse(pts_out);
	assert_non_null(o);
	assert_true(json_object_object_get_ex(o, "errno", &v));
	assert_int_equal(json_object_get_int(v), EINVAL);
	json_object_put(o);
}

/* without ptscope.ko (this machine), a valid request fails with 1 */
static void test_cli_no_module(void **state)
{
	struct json_object *o, *v;

	(void)state;
	if (!access(PTSCOPE_DEBUGFS_DIR, F_OK))
		skip();	/* a module is loaded here */
	assert_int_equal(run_pts("flush", "1", NULL), 1);
	assert_non_null(strstr(pts_err, "ptscope.ko is not loaded"));
	assert_int_equal(run_pts("-J", "flush", "--all", NULL), 1);
	o = json_tokener_parse(pts_out);
	assert_non_null(o);
	assert_true(json_object_object_get_ex(o, "error", &v));
	assert_non_null(strstr(json_object_get_string(v), "not loaded"));
	json_object_put(o);
}

static void test_cli_help(void **state)
{
	struct json_object *o, *v;

	(void)state;
	assert_int_equal(run_pts("flush", "help", NULL), 0);
	assert_non_null(strstr(pts_out, "--range"));
	assert_non_null(strstr(pts_out, "--all"));
	assert_int_equal(run_pts("-J", "flush", "help", NULL), 0);
	o = json_tokener_parse(pts_out);
	assert_non_null(o);
	assert_true(json_object_object_get_ex(o, "help", &v));
	assert_non_null(strstr(json_object_get_string(v), "flush --all"));
	json_object_put(o);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_format),
		cmocka_unit_test(test_check),
		cmocka_unit_test(test_cli_usage),
		cmocka_unit_test(test_cli_no_module),
		cmocka_unit_test(test_cli_help),
	};

	return cmocka_run_group_tests_name("flush", tests, NULL, NULL);
}
