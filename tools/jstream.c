// SPDX-License-Identifier: GPL-2.0
/*
 * ptscope: streaming JSON for large documents (snapshots, diffs).
 *
 * json-c builds the whole document as a tree of objects: a snapshot of a
 * million entries holds twelve million numbers, which as json-c objects
 * take gigabytes.  These are a writer that prints as it goes and a pull
 * reader that hands out one token at a time from a buffered FILE, so
 * memory stays constant however long the arrays are.  Both follow RFC
 * 8259; the reader checks the full grammar (a truncated or malformed
 * document is an error with its byte offset) and reads integers exactly
 * as 64-bit values.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "pts.h"

/* ------------------------------------------------------------------ */
/* writer                                                               */

/**
 * pts_jw_init - start writing a document
 * @w: the writer
 * @f: the stream
 * @pretty: one member or element per line, indented
 */
void pts_jw_init(struct pts_jw *w, FILE *f, bool pretty)
{
	memset(w, 0, sizeof(*w));
	w->f = f;
	w->pretty = pretty;
}

static void jw_sep(struct pts_jw *w)
{
	int i;

	if (w->after_key) {
		w->after_key = false;
		return;
	}
	if (w->depth && w->count[w->depth - 1]++)
		fputc(',', w->f);
	if (w->pretty && w->depth && !w->flat) {
		fputc('\n', w->f);
		for (i = 0; i < w->depth; i++)
			fputs("  ", w->f);
	}
}

/**
 * pts_jw_str_raw - print a JSON string literal of @s (quoted, escaped)
 * @f: the stream
 * @s: UTF-8 text; NULL prints null
 */
void pts_jw_str_raw(FILE *f, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	if (!s) {
		fputs("null", f);
		return;
	}
	fputc('"', f);
	for (; *p; p++) {
		switch (*p) {
		case '"':
			fputs("\\\"", f);
			break;
		case '\\':
			fputs("\\\\", f);
			break;
		case '\n':
			fputs("\\n", f);
			break;
		case '\t':
			fputs("\\t", f);
			break;
		default:
			if (*p < 0x20)
				fprintf(f, "\\u%04x", *p);
			else
				fputc(*p, f);
		}
	}
	fputc('"', f);
}

/**
 * pts_jw_key - the key of the next member of the current object
 * @w: the writer
 * @key: the key
 */
void pts_jw_key(struct pts_jw *w, const char *key)
{
	jw_sep(w);
	pts_jw_str_raw(w->f, key);
	fputs(w->pretty && !w->flat ? ": " : ":", w->f);
	w->after_key = true;
}

static void jw_open(struct pts_jw *w, const char *key, char c, bool flat)
{
	if (key)
		pts_jw_key(w, key);
	jw_sep(w);
	fputc(c, w->f);
	if (w->depth < PTS_JW_DEPTH) {
		w->count[w->depth] = 0;
		w->flatd[w->depth] = w->flat;
	}
	w->depth++;
	if (flat)
		w->flat = true;
}

/**
 * pts_jw_obj - open an object, as a member @key or (NULL) an element
 * @w: the writer
 * @key: member name, or NULL
 */
void pts_jw_obj(struct pts_jw *w, const char *key)
{
	jw_open(w, key, '{', false);
}

/**
 * pts_jw_arr - open an array, as a member @key or (NULL) an element
 * @w: the writer
 * @key: member name, or NULL
 * @flat: its elements on one line even when pretty
 */
void pts_jw_arr(struct pts_jw *w, const char *key, bool flat)
{
	jw_open(w, key, '[', flat);
}

/**
 * pts_jw_end - close the innermost object or array
 * @w: the writer
 * @c: '}' or ']'
 */
void pts_jw_end(struct pts_jw *w, char c)
{
	bool had, flat = w->flat;
	int i;

	w->depth--;
	had = w->count[w->depth] > 0;
	w->flat = w->flatd[w->depth];
	if (w->pretty && had && !flat) {
		fputc('\n', w->f);
		for (i = 0; i < w->depth; i++)
			fputs("  ", w->f);
	}
	fputc(c, w->f);
	if (!w->depth)
		fputc('\n', w->f);
}

/**
 * pts_jw_str - a string member (@key) or element (NULL key)
 * @w: the writer
 * @key: member name, or NULL
 * @s: the string; NULL writes null
 */
void pts_jw_str(struct pts_jw *w, const char *key, const char *s)
{
	if (key)
		pts_jw_key(w, key);
	jw_sep(w);
	pts_jw_str_raw(w->f, s);
}

/**
 * pts_jw_u64 - an unsigned integer member or element
 * @w: the writer
 * @key: member name, or NULL
 * @v: the value
 */
void pts_jw_u64(struct pts_jw *w, const char *key, __u64 v)
{
	if (key)
		pts_jw_key(w, key);
	jw_sep(w);
	fprintf(w->f, "%llu", (unsigned long long)v);
}

/**
 * pts_jw_i64 - a signed integer member or element
 * @w: the writer
 * @key: member name, or NULL
 * @v: the value
 */
void pts_jw_i64(struct pts_jw *w, const char *key, long long v)
{
	if (key)
		pts_jw_key(w, key);
	jw_sep(w);
	fprintf(w->f, "%lld", v);
}

/**
 * pts_jw_hex - an address as a "0x..." string, as everywhere in ptscope
 * @w: the writer
 * @key: member name, or NULL
 * @v: the value
 */
void pts_jw_hex(struct pts_jw *w, const char *key, __u64 v)
{
	if (key)
		pts_jw_key(w, key);
	jw_sep(w);
	fprintf(w->f, "\"0x%llx\"", (unsigned long long)v);
}

/**
 * pts_jw_double - a number with a fraction
 * @w: the writer
 * @key: member name, or NULL
 * @v: the value
 */
void pts_jw_double(struct pts_jw *w, const char *key, double v)
{
	if (key)
		pts_jw_key(w, key);
	jw_sep(w);
	fprintf(w->f, "%.3f", v);
}

/**
 * pts_jw_bool - true or false
 * @w: the writer
 * @key: member name, or NULL
 * @v: the value
 */
void pts_jw_bool(struct pts_jw *w, const char *key, bool v)
{
	if (key)
		pts_jw_key(w, key);
	jw_sep(w);
	fputs(v ? "true" : "false", w->f);
}

/**
 * pts_jw_null - null
 * @w: the writer
 * @key: member name, or NULL
 */
void pts_jw_null(struct pts_jw *w, const char *key)
{
	if (key)
		pts_jw_key(w, key);
	jw_sep(w);
	fputs("null", w->f);
}

/**
 * pts_jw_bits - a bit mask as an array of names
 * @w: the writer
 * @key: member name, or NULL
 * @bits: the mask
 * @tbl: names of the bits
 * @n: size of @tbl
 */
void pts_jw_bits(struct pts_jw *w, const char *key, __u64 bits,
		 const struct pts_name *tbl, size_t n)
{
	size_t i;

	pts_jw_arr(w, key, true);
	for (i = 0; i < n; i++)
		if (bits & tbl[i].bit)
			pts_jw_str(w, NULL, tbl[i].name);
	pts_jw_end(w, ']');
}

/* ------------------------------------------------------------------ */
/* reader                                                               */

/* what the reader expects next in the container on top of its stack */
enum {
	JR_VALUE,		/* a value (top level, after a key) */
	JR_KEY_OR_END,		/* after '{' */
	JR_KEY,			/* after ',' in an object */
	JR_VALUE_OR_END,	/* after '[' */
	JR_COMMA_OR_END,	/* after a member or element */
	JR_DONE,		/* top-level value read */
};

/**
 * pts_jr_init - start reading a document from @f
 * @r: the reader
 * @f: the stream, read to its end
 *
 * Return: 0 or -ENOMEM.
 */
int pts_jr_init(struct pts_jr *r, FILE *f)
{
	memset(r, 0, sizeof(*r));
	r->f = f;
	r->cap = 256;
	r->str = malloc(r->cap);
	if (!r->str)
		return -ENOMEM;
	r->state[0] = JR_VALUE;
	return 0;
}

/**
 * pts_jr_free - release the reader (not the stream)
 * @r: the reader
 */
void pts_jr_free(struct pts_jr *r)
{
	free(r->str);
	r->str = NULL;
}

static int jr_fill(struct pts_jr *r)
{
	r->off += r->len;
	r->pos = 0;
	r->len = fread(r->buf, 1, sizeof(r->buf), r->f);
	if (!r->len && ferror(r->f))
		return -EIO;
	return r->len ? 0 : -ENODATA;
}

/* the next byte without consuming it; -1 at end of file, -2 on error */
static inline int jr_peek(struct pts_jr *r)
{
	int err;

	if (r->pos < r->len)
		return (unsigned char)r->buf[r->pos];
	err = jr_fill(r);
	if (err)
		return err == -ENODATA ? -1 : -2;
	return (unsigned char)r->buf[r->pos];
}

static inline __u64 jr_where(const struct pts_jr *r)
{
	return r->off + r->pos;
}

static int jr_fail(struct pts_jr *r, int err, const char *fmt, ...)
	__printf(3, 4);

static int jr_fail(struct pts_jr *r, int err, const char *fmt, ...)
{
	va_list ap;

	if (r->err)
		return r->err;
	va_start(ap, fmt);
	vsnprintf(r->msg, sizeof(r->msg), fmt, ap);
	va_end(ap);
	r->err = err;
	return err;
}

static int jr_unexpected(struct pts_jr *r, int c, const char *want)
{
	if (c == -2)
		return jr_fail(r, -EIO, "read error at byte %llu",
			       (unsigned long long)jr_where(r));
	if (c < 0)
		return jr_fail(r, -PTS_ETRUNC,
			       "truncated: end of file at byte %llu, %s expected",
			       (unsigned long long)jr_where(r), want);
	if (c >= 0x20 && c < 0x7f)
		return jr_fail(r, -EBADMSG,
			       "not valid JSON: '%c' at byte %llu, %s expected",
			       c, (unsigned long long)jr_where(r), want);
	return jr_fail(r, -EBADMSG,
		       "not valid JSON: byte 0x%02x at byte %llu, %s expected",
		       c, (unsigned long long)jr_where(r), want);
}

static int jr_ws(struct pts_jr *r)
{
	int c;

	for (;;) {
		c = jr_peek(r);
		if (c != ' ' && c != '\n' && c != '\t' && c != '\r')
			return c;
		r->pos++;
	}
}

static int jr_putc(struct pts_jr *r, size_t *n, char c)
{
	char *p;

	if (*n + 1 >= r->cap) {
		if (r->cap >= PTS_JR_MAX_STR)
			return jr_fail(r, -EBADMSG,
				       "string longer than %d bytes at byte %llu",
				       PTS_JR_MAX_STR,
				       (unsigned long long)jr_where(r));
		p = realloc(r->str, r->cap * 2);
		if (!p)
			return jr_fail(r, -ENOMEM, "out of memory");
		r->str = p;
		r->cap *= 2;
	}
	r->str[(*n)++] = c;
	return 0;
}

static int jr_hex4(struct pts_jr *r, unsigned int *v)
{
	int i, c;

	*v = 0;
	for (i = 0; i < 4; i++) {
		c = jr_peek(r);
		if (c >= '0' && c <= '9')
			*v = *v * 16 + c - '0';
		else if (c >= 'a' && c <= 'f')
			*v = *v * 16 + c - 'a' + 10;
		else if (c >= 'A' && c <= 'F')
			*v = *v * 16 + c - 'A' + 10;
		else
			return jr_unexpected(r, c, "a hex digit");
		r->pos++;
	}
	return 0;
}

/* a string, the opening quote being next; into r->str, NUL terminated */
static int jr_string(struct pts_jr *r)
{
	unsigned int u;
	size_t n = 0;
	int c, err;

	r->pos++;
	for (;;) {
		c = jr_peek(r);
		if (c < 0)
			return jr_unexpected(r, c, "'\"'");
		r->pos++;
		if (c == '"')
			break;
		if (c < 0x20)
			return jr_fail(r, -EBADMSG,
				       "not valid JSON: control character in a string at byte %llu",
				       (unsigned long long)jr_where(r) - 1);
		if (c == '\\') {
			c = jr_peek(r);
			if (c < 0)
				return jr_unexpected(r, c, "an escape");
			r->pos++;
			switch (c) {
			case 'n':
				c = '\n';
				break;
			case 't':
				c = '\t';
				break;
			case 'r':
				c = '\r';
				break;
			case 'b':
				c = '\b';
				break;
			case 'f':
				c = '\f';
				break;
			case '"':
			case '\\':
			case '/':
				break;
			case 'u':
				err = jr_hex4(r, &u);
				if (err)
					return err;
				/* enough for names: ASCII, others as '?' */
				c = u && u < 0x80 ? (int)u : '?';
				break;
			default:
				return jr_unexpected(r, c, "an escape");
			}
		}
		err = jr_putc(r, &n, c);
		if (err)
			return err;
	}
	r->str[n] = '\0';
	r->len_str = n;
	return 0;
}

/* a number; integers are kept exactly in r->num / r->neg */
static int jr_number(struct pts_jr *r)
{
	bool digits = false;
	int c;

	r->is_int = true;
	r->neg = false;
	r->num = 0;
	c = jr_peek(r);
	if (c == '-') {
		r->neg = true;
		r->pos++;
		c = jr_peek(r);
	}
	if (c == '0') {
		r->pos++;
		digits = true;
		c = jr_peek(r);
	} else {
		while (c >= '0' && c <= '9') {
			if (r->num > ~0ULL / 10 ||
			    (r->num == ~0ULL / 10 &&
			     (__u64)(c - '0') > ~0ULL % 10))
				r->is_int = false;	/* beyond 64 bits */
			r->num = r->num * 10 + (c - '0');
			digits = true;
			r->pos++;
			c = jr_peek(r);
		}
	}
	if (!digits)
		return jr_unexpected(r, c, "a digit");
	if (c == '.') {
		r->is_int = false;
		r->pos++;
		c = jr_peek(r);
		if (c < '0' || c > '9')
			return jr_unexpected(r, c, "a digit");
		while (c >= '0' && c <= '9') {
			r->pos++;
			c = jr_peek(r);
		}
	}
	if (c == 'e' || c == 'E') {
		r->is_int = false;
		r->pos++;
		c = jr_peek(r);
		if (c == '+' || c == '-') {
			r->pos++;
			c = jr_peek(r);
		}
		if (c < '0' || c > '9')
			return jr_unexpected(r, c, "a digit");
		while (c >= '0' && c <= '9') {
			r->pos++;
			c = jr_peek(r);
		}
	}
	return 0;
}

static int jr_word(struct pts_jr *r, const char *w, int tok)
{
	int c;

	for (; *w; w++) {
		c = jr_peek(r);
		if (c != *w)
			return jr_unexpected(r, c, "a value");
		r->pos++;
	}
	return tok;
}

static int jr_push(struct pts_jr *r, int state)
{
	if (r->depth + 1 >= PTS_JR_DEPTH)
		return jr_fail(r, -EBADMSG, "nested deeper than %d at byte %llu",
			       PTS_JR_DEPTH, (unsigned long long)jr_where(r));
	r->state[++r->depth] = state;
	return 0;
}

static int jr_value(struct pts_jr *r, int c)
{
	int err;

	switch (c) {
	case '{':
		r->pos++;
		err = jr_push(r, JR_KEY_OR_END);
		return err ? err : PTS_JT_OBJ;
	case '[':
		r->pos++;
		err = jr_push(r, JR_VALUE_OR_END);
		return err ? err : PTS_JT_ARR;
	case '"':
		err = jr_string(r);
		return err ? err : PTS_JT_STR;
	case 't':
		return jr_word(r, "true", PTS_JT_TRUE);
	case 'f':
		return jr_word(r, "false", PTS_JT_FALSE);
	case 'n':
		return jr_word(r, "null", PTS_JT_NULL);
	default:
		if (c == '-' || (c >= '0' && c <= '9')) {
			err = jr_number(r);
			return err ? err : PTS_JT_NUM;
		}
		return jr_unexpected(r, c, "a value");
	}
}

static int jr_key(struct pts_jr *r, int c)
{
	int err;

	if (c != '"')
		return jr_unexpected(r, c, "a member name");
	err = jr_string(r);
	if (err)
		return err;
	c = jr_ws(r);
	if (c != ':')
		return jr_unexpected(r, c, "':'");
	r->pos++;
	r->state[r->depth] = JR_VALUE;
	return PTS_JT_KEY;
}

/**
 * pts_jr_next - the next token
 * @r: the reader
 *
 * Return: PTS_JT_* (PTS_JT_KEY with the name in @r->str; PTS_JT_STR with
 * the text in @r->str; PTS_JT_NUM with @r->num, @r->neg, @r->is_int;
 * PTS_JT_END_OBJ / PTS_JT_END_ARR when a container closes; PTS_JT_EOF
 * after the document and nothing but blanks), or a negative errno with
 * @r->msg set: -PTS_ETRUNC when the file ends early, -EBADMSG for
 * anything else that is not JSON, -EIO, -ENOMEM.  Errors are sticky.
 */
int pts_jr_next(struct pts_jr *r)
{
	int c, st, tok;

	if (r->err)
		return r->err;
	c = jr_ws(r);
	st = r->state[r->depth];
	switch (st) {
	case JR_DONE:
		if (c == -1)
			return PTS_JT_EOF;
		return jr_unexpected(r, c, "end of file");
	case JR_KEY_OR_END:
		if (c == '}') {
			r->pos++;
			r->depth--;
			goto closed;
		}
		return jr_key(r, c);
	case JR_KEY:
		return jr_key(r, c);
	case JR_VALUE_OR_END:
		if (c == ']') {
			r->pos++;
			r->depth--;
			goto closed;
		}
		break;
	case JR_COMMA_OR_END:
		if (r->in_obj[r->depth] ? c == '}' : c == ']') {
			r->pos++;
			r->depth--;
			goto closed;
		}
		if (c != ',')
			return jr_unexpected(r, c, r->in_obj[r->depth] ?
					     "',' or '}'" : "',' or ']'");
		r->pos++;
		c = jr_ws(r);
		if (r->in_obj[r->depth]) {
			r->state[r->depth] = JR_KEY;
			return jr_key(r, c);
		}
		break;
	default:	/* JR_VALUE */
		break;
	}
	/* a value in the current container */
	if (r->depth)
		r->state[r->depth] = JR_COMMA_OR_END;
	else
		r->state[0] = JR_DONE;
	tok = jr_value(r, c);
	if (tok == PTS_JT_OBJ)
		r->in_obj[r->depth] = true;
	else if (tok == PTS_JT_ARR)
		r->in_obj[r->depth] = false;
	return tok;

closed:
	/* the container that closed was the value of its parent */
	return r->in_obj[r->depth + 1] ? PTS_JT_END_OBJ : PTS_JT_END_ARR;
}

/**
 * pts_jr_ints - fast path for a short array of integers
 * @r: the reader, just after the PTS_JT_ARR token of the array
 * @v: receives the magnitudes
 * @neg: receives a bit per value with a minus sign
 * @max: size of @v (at most 64)
 *
 * When the rest of the array ("1,-2,3]") is in the read-ahead buffer,
 * made only of integers that fit 64 bits and at most @max of them, it is
 * consumed, closing ']' included, and the count returned.  Otherwise
 * nothing is consumed and -EAGAIN tells the caller to use pts_jr_next():
 * the reader's checks (and messages) stay the only ones.
 *
 * Return: the number of integers, or -EAGAIN.
 */
int pts_jr_ints(struct pts_jr *r, __u64 *v, __u64 *neg, size_t max)
{
	const char *p = r->buf + r->pos, *lim = r->buf + r->len - 8, *d;
	size_t n = 0;
	bool minus;
	__u64 x;

	if (r->err || r->len - r->pos < 512 || max > 64)
		return -EAGAIN;
	*neg = 0;
	while (p < lim && (*p == ' ' || *p == '\n'))
		p++;
	if (p < lim && *p == ']')
		goto done;
	while (p < lim) {
		minus = *p == '-';
		p += minus;
		if (*p < '0' || *p > '9' || (*p == '0' && p[1] >= '0' &&
					     p[1] <= '9'))
			return -EAGAIN;
		x = 0;
		d = p;
		while (p < lim && (unsigned int)(*p - '0') < 10)
			x = x * 10 + (*p++ - '0');
		/* 19 digits always fit; 20 only up to 2^64 - 1 */
		if (p - d > 20 ||
		    (p - d == 20 && memcmp(d, "18446744073709551615", 20) > 0))
			return -EAGAIN;
		if (p >= lim || n == max || *p == '.' || *p == 'e' ||
		    *p == 'E')
			return -EAGAIN;
		if (minus)
			*neg |= 1ULL << n;
		v[n++] = x;
		while (p < lim && (*p == ' ' || *p == '\n'))
			p++;
		if (p < lim && *p == ']')
			goto done;
		if (p >= lim || *p != ',')
			return -EAGAIN;
		p++;
		while (p < lim && (*p == ' ' || *p == '\n'))
			p++;
	}
	return -EAGAIN;
done:
	r->pos = p + 1 - r->buf;
	r->depth--;
	return n;
}

/**
 * pts_jr_skip - skip the rest of a value whose first token was @tok
 * @r: the reader
 * @tok: the token just read
 *
 * Return: 0 or a negative errno.
 */
int pts_jr_skip(struct pts_jr *r, int tok)
{
	int depth;

	if (tok < 0)
		return tok;
	if (tok != PTS_JT_OBJ && tok != PTS_JT_ARR)
		return 0;
	depth = 1;
	while (depth) {
		tok = pts_jr_next(r);
		if (tok < 0)
			return tok;
		if (tok == PTS_JT_OBJ || tok == PTS_JT_ARR)
			depth++;
		else if (tok == PTS_JT_END_OBJ || tok == PTS_JT_END_ARR)
			depth--;
	}
	return 0;
}

/**
 * pts_jr_where - byte offset of the reader in the document
 * @r: the reader
 *
 * Return: the offset.
 */
__u64 pts_jr_where(const struct pts_jr *r)
{
	return jr_where(r);
}
