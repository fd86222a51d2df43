/* SPDX-License-Identifier: GPL-2.0 */
/*
 * libjson.h - a small JSON reader for the guest tests: the whole document
 * into a tree.  Numbers are kept as text (read them with jv_u64(), which
 * also takes "0x..." strings, as ptscope writes addresses).
 */
#ifndef PTSCOPE_LIBJSON_H
#define PTSCOPE_LIBJSON_H

#include <stddef.h>
#include <stdint.h>

enum { JV_NULL, JV_BOOL, JV_NUM, JV_STR, JV_ARR, JV_OBJ };

/**
 * struct jv - one JSON value
 * @type: JV_*
 * @str: JV_STR: the text; JV_NUM: the number as written
 * @b: JV_BOOL
 * @n: JV_ARR, JV_OBJ: members or elements
 * @keys: JV_OBJ: member names
 * @v: JV_ARR, JV_OBJ: values
 */
struct jv {
	int type;
	char *str;
	int b;
	size_t n;
	char **keys;
	struct jv **v;
};

/** jv_parse() - parse @text; NULL when it is not one JSON value */
struct jv *jv_parse(const char *text);

/** jv_free() - release a tree */
void jv_free(struct jv *v);

/** jv_get() - member @key of object @o, or NULL */
const struct jv *jv_get(const struct jv *o, const char *key);

/** jv_s() - string member @key of @o, or NULL */
const char *jv_s(const struct jv *o, const char *key);

/**
 * jv_u64() - number member @key of @o, or a "0x..." string
 * Return: the value, UINT64_MAX when absent, null or not a number.
 */
uint64_t jv_u64(const struct jv *o, const char *key);

/** jv_num() - the value of a number or "0x..." string; UINT64_MAX if not */
uint64_t jv_num(const struct jv *v);

#endif /* PTSCOPE_LIBJSON_H */
