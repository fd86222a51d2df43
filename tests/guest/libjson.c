// SPDX-License-Identifier: GPL-2.0
/*
 * libjson.c - see libjson.h.  Recursive descent over the text; enough
 * JSON for ptscope's output (\uXXXX escapes become '?').
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "libjson.h"

static struct jv *parse_val(const char **p, int depth);

static void ws(const char **p)
{
	while (isspace((unsigned char)**p))
		(*p)++;
}

static char *parse_str(const char **p)
{
	const char *s = *p + 1, *e = s;
	char *out, *o;

	/* the escaped length bounds the text: allocate that, not the rest */
	while (*e && *e != '"')
		e += *e == '\\' && e[1] ? 2 : 1;
	out = malloc(e - s + 1);
	o = out;
	if (!out)
		return NULL;
	while (*s && *s != '"') {
		if (*s != '\\') {
			*o++ = *s++;
			continue;
		}
		s++;
		switch (*s) {
		case 'n':
			*o++ = '\n';
			break;
		case 't':
			*o++ = '\t';
			break;
		case 'u':
			*o++ = '?';
			if (strlen(s) < 5)
				goto bad;
			s += 4;
			break;
		case '\0':
			goto bad;
		default:
			*o++ = *s;
		}
		s++;
	}
	if (*s != '"')
		goto bad;
	*o = '\0';
	*p = s + 1;
	return out;
bad:
	free(out);
	return NULL;
}

static struct jv *new_jv(int type)
{
	struct jv *v = calloc(1, sizeof(*v));

	if (v)
		v->type = type;
	return v;
}

static int push(struct jv *c, char *key, struct jv *v)
{
	if (!c->n || !(c->n & (c->n - 1))) {
		size_t cap = c->n ? c->n * 2 : 4;
		void *nv = realloc(c->v, cap * sizeof(*c->v));
		void *nk;

		if (!nv)
			return -1;
		c->v = nv;
		nk = realloc(c->keys, cap * sizeof(*c->keys));
		if (!nk)
			return -1;
		c->keys = nk;
	}
	c->keys[c->n] = key;
	c->v[c->n++] = v;
	return 0;
}

static struct jv *parse_container(const char **p, int depth)
{
	int obj = **p == '{';
	struct jv *v = new_jv(obj ? JV_OBJ : JV_ARR), *e;
	char *key;

	if (!v || depth > 64)
		goto bad;
	(*p)++;
	ws(p);
	if (**p == (obj ? '}' : ']')) {
		(*p)++;
		return v;
	}
	for (;;) {
		key = NULL;
		ws(p);
		if (obj) {
			if (**p != '"')
				goto bad;
			key = parse_str(p);
			if (!key)
				goto bad;
			ws(p);
			if (*(*p)++ != ':') {
				free(key);
				goto bad;
			}
		}
		e = parse_val(p, depth + 1);
		if (!e || push(v, key, e)) {
			free(key);
			jv_free(e);
			goto bad;
		}
		ws(p);
		if (**p == ',') {
			(*p)++;
			continue;
		}
		if (*(*p)++ != (obj ? '}' : ']'))
			goto bad;
		return v;
	}
bad:
	jv_free(v);
	return NULL;
}

static struct jv *parse_val(const char **p, int depth)
{
	struct jv *v;
	const char *s;

	ws(p);
	if (**p == '{' || **p == '[')
		return parse_container(p, depth);
	if (**p == '"') {
		v = new_jv(JV_STR);
		if (v)
			v->str = parse_str(p);
		if (v && !v->str) {
			free(v);
			return NULL;
		}
		return v;
	}
	if (!strncmp(*p, "null", 4)) {
		*p += 4;
		return new_jv(JV_NULL);
	}
	if (!strncmp(*p, "true", 4) || !strncmp(*p, "false", 5)) {
		v = new_jv(JV_BOOL);
		if (!v)
			return NULL;
		v->b = **p == 't';
		*p += v->b ? 4 : 5;
		return v;
	}
	if (**p == '-' || isdigit((unsigned char)**p)) {
		s = *p;
		while (**p && strchr("+-0123456789.eE", **p))
			(*p)++;
		v = new_jv(JV_NUM);
		if (v)
			v->str = strndup(s, *p - s);
		return v;
	}
	return NULL;
}

struct jv *jv_parse(const char *text)
{
	const char *p = text;
	struct jv *v = parse_val(&p, 0);

	if (!v)
		return NULL;
	ws(&p);
	if (*p) {
		jv_free(v);
		return NULL;
	}
	return v;
}

void jv_free(struct jv *v)
{
	size_t i;

	if (!v)
		return;
	for (i = 0; i < v->n; i++) {
		jv_free(v->v[i]);
		if (v->keys)
			free(v->keys[i]);
	}
	free(v->v);
	free(v->keys);
	free(v->str);
	free(v);
}

const struct jv *jv_get(const struct jv *o, const char *key)
{
	size_t i;

	if (!o || o->type != JV_OBJ)
		return NULL;
	for (i = 0; i < o->n; i++)
		if (o->keys[i] && !strcmp(o->keys[i], key))
			return o->v[i];
	return NULL;
}

const char *jv_s(const struct jv *o, const char *key)
{
	const struct jv *v = jv_get(o, key);

	return v && v->type == JV_STR ? v->str : NULL;
}

uint64_t jv_num(const struct jv *v)
{
	if (!v || (v->type != JV_NUM && v->type != JV_STR) || !v->str)
		return UINT64_MAX;
	return strtoull(v->str, NULL, 0);
}

uint64_t jv_u64(const struct jv *o, const char *key)
{
	return jv_num(jv_get(o, key));
}
