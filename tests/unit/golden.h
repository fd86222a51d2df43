/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Golden files for the unit tests: compare an output with golden/NAME, or
 * rewrite golden/NAME when PTS_UPDATE_GOLDEN is set ("make golden").  The
 * directory is found next to the test binary, or in $PTS_GOLDEN_DIR.
 */
#ifndef PTS_TEST_GOLDEN_H
#define PTS_TEST_GOLDEN_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "recs.h"

#define GOLDEN_MAX	(1 << 18)

static inline void check_golden_str(const char *name, const char *got)
{
	const char *dir = test_path("PTS_GOLDEN_DIR", "golden");
	char path[PATH_MAX + 128], *want;
	size_t len;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if (getenv("PTS_UPDATE_GOLDEN")) {
		f = fopen(path, "w");
		assert_non_null(f);
		fputs(got, f);
		fclose(f);
		return;
	}
	f = fopen(path, "r");
	if (!f)
		fail_msg("missing golden file %s", path);
	want = calloc(1, GOLDEN_MAX);
	assert_non_null(want);
	len = fread(want, 1, GOLDEN_MAX - 1, f);
	fclose(f);
	want[len] = '\0';
	if (strcmp(got, want))
		fprintf(stderr, "--- %s\n%s+++ got\n%s", path, want, got);
	assert_string_equal(got, want);
	free(want);
}

#endif /* PTS_TEST_GOLDEN_H */
