/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tap.h - a tiny TAP (Test Anything Protocol) producer for the in-guest tests.
 *
 * Lines go to stdout, line buffered and flushed before every fork() the
 * tests do.  The plan ("1..N") is printed last by tap_done(), which TAP
 * allows, so tests need not count in advance.  A skip always carries a
 * reason and is never counted as a pass.
 */
#ifndef PTSCOPE_TAP_H
#define PTSCOPE_TAP_H

#include <stdbool.h>

#define TAP_PRINTF(a, b) __attribute__((format(printf, a, b)))

/** tap_init() - set stdout line buffered; call first. */
void tap_init(void);

/**
 * tap_ok() - report one test.
 * @cond: true for "ok", false for "not ok"
 * @fmt: description
 *
 * Return: @cond, so callers can chain diagnostics on failure.
 */
bool tap_ok(bool cond, const char *fmt, ...) TAP_PRINTF(2, 3);

/** tap_skip() - report one skipped test; @reason says why. */
void tap_skip(const char *reason, const char *fmt, ...) TAP_PRINTF(2, 3);

/** tap_diag() - a "# ..." diagnostic line. */
void tap_diag(const char *fmt, ...) TAP_PRINTF(1, 2);

/**
 * tap_done() - print the plan and the summary.
 *
 * Return: the exit status for main(): 0 when nothing failed, else 1.
 */
int tap_done(void);

#endif /* PTSCOPE_TAP_H */
