/* SPDX-License-Identifier: GPL-2.0 */
/*
 * librun.h - run a command and capture its output, for the tests of the
 * ptscope tool (t_aslr, t_elf), and read fields out of its JSON output.
 */
#ifndef PTSCOPE_LIBRUN_H
#define PTSCOPE_LIBRUN_H

#include <stddef.h>
#include <stdint.h>

/**
 * run_capture() - run @argv (NULL terminated), stdin from /dev/null
 * @argv: the command; argv[0] is a path
 * @out: its stdout, allocated, NUL terminated (free it)
 * @err: its stderr, allocated (free it), or NULL to discard
 *
 * Return: the exit status, 128 + signal when killed, -1 if it could not run.
 */
int run_capture(char *const argv[], char **out, char **err);

/**
 * json_field() - the value of "@key": after position @from in @json
 * @json: the document
 * @from: where to start looking
 * @key: the key
 * @buf: the value's text: a string without its quotes, or a number,
 *       true, false, null
 * @len: size of @buf
 *
 * Return: pointer just past the value, or NULL when not found.
 */
const char *json_field(const char *json, const char *from, const char *key,
		       char *buf, size_t len);

/**
 * json_object_with() - the first object that has "@key":"@val"
 * @json: the document
 * @key: the key
 * @val: its string value
 * @start: set to the position of the key, to read its other fields from
 *
 * The fields of an object are read from @start with json_field(), which
 * stops at the object's closing brace (flat objects only).
 *
 * Return: 0, or -1 when there is no such object.
 */
int json_object_with(const char *json, const char *key, const char *val,
		     const char **start);

/** json_u64() - a number or "0x..." string field of the object at @at */
int json_u64(const char *at, const char *key, uint64_t *v);

#endif /* PTSCOPE_LIBRUN_H */
