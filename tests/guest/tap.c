// SPDX-License-Identifier: GPL-2.0
/*
 * tap.c - a tiny TAP producer, see tap.h.
 */
#include <stdarg.h>
#include <stdio.h>

#include "tap.h"

static int tap_count;
static int tap_nfail;
static int tap_nskip;

void tap_init(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
}

bool tap_ok(bool cond, const char *fmt, ...)
{
	va_list ap;

	tap_count++;
	if (!cond)
		tap_nfail++;
	printf("%sok %d - ", cond ? "" : "not ", tap_count);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
	return cond;
}

void tap_skip(const char *reason, const char *fmt, ...)
{
	va_list ap;

	tap_count++;
	tap_nskip++;
	printf("ok %d - ", tap_count);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf(" # SKIP %s\n", reason && *reason ? reason : "no reason given");
	fflush(stdout);
}

void tap_diag(const char *fmt, ...)
{
	va_list ap;

	fputs("# ", stdout);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
}

int tap_done(void)
{
	printf("1..%d\n", tap_count);
	tap_diag("%d tests, %d failed, %d skipped", tap_count, tap_nfail,
		 tap_nskip);
	fflush(stdout);
	return tap_nfail ? 1 : 0;
}
