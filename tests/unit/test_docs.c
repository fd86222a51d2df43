// SPDX-License-Identifier: GPL-2.0
/*
 * The binary's help, the man page (doc/ptscope.8) and the bash completion
 * (tools/bash-completion/ptscope) name the same objects, commands and
 * long options.  Each source is parsed here, nothing is listed twice:
 *   help and man page: a line starting with "ptscope" (after "Usage:")
 *	names an object and maybe its command(s): "ptscope [OPTIONS] OBJ
 *	CMD ..." or "ptscope OBJ { CMD | CMD } ..."; every double-dash word
 *	is a long option;
 *   completion: "local objects='...'", one "OBJ) cmds='...'" line per
 *	object, and its double-dash words.
 * The "help" command exists for every object and is not compared.  Also:
 * the completion script parses and completes, the man page formats
 * without warnings, and "make install/uninstall" honour DESTDIR.
 */
#include <ctype.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <cmocka.h>

#include "runpts.h"

#define MAX_NAMES	128

struct names {
	char *v[MAX_NAMES];
	size_t n;
};

struct doc {
	struct names objects;
	struct names commands;	/* "OBJ CMD" */
	struct names options;
};

static struct doc help_doc, man_doc, comp_doc;

static void add(struct names *s, const char *str, size_t len)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		if (strlen(s->v[i]) == len && !strncmp(s->v[i], str, len))
			return;
	assert_true(s->n < MAX_NAMES);
	s->v[s->n++] = strndup(str, len);
}

static void add_cmd(struct doc *d, const char *obj, size_t olen,
		    const char *cmd, size_t clen)
{
	char buf[128];

	if (clen == 4 && !strncmp(cmd, "help", 4))
		return;
	snprintf(buf, sizeof(buf), "%.*s %.*s", (int)olen, obj, (int)clen,
		 cmd);
	add(&d->commands, buf, strlen(buf));
}

static size_t lower_word(const char *s)
{
	size_t n = 0;

	while (s[n] >= 'a' && s[n] <= 'z')
		n++;
	if (s[n] && !isspace((unsigned char)s[n]))
		return 0;	/* "PID", "--all", "x.y" are not names */
	return n;
}

/* "ptscope [OPTIONS] OBJ { CMD | CMD } ..." or "... OBJ CMD ..." */
static void parse_usage(struct doc *d, const char *s)
{
	const char *obj;
	size_t olen, n;

	s += strspn(s, " \t");
	if (!strncmp(s, "Usage:", 6))
		s += 6 + strspn(s + 6, " \t");
	if (strncmp(s, "ptscope ", 8))
		return;
	s += 8 + strspn(s + 8, " ");
	if (!strncmp(s, "[OPTIONS]", 9))
		s += 9 + strspn(s + 9, " ");
	olen = lower_word(s);
	if (!olen)
		return;
	obj = s;
	add(&d->objects, obj, olen);
	if (olen == 4 && !strncmp(obj, "help", 4))
		return;		/* "ptscope help   the summary" */
	s += olen + strspn(s + olen, " ");
	if (*s != '{') {
		n = lower_word(s);
		if (n)
			add_cmd(d, obj, olen, s, n);
		return;
	}
	for (s++; *s && *s != '}'; s += n) {
		s += strspn(s, " |");
		n = lower_word(s);
		if (!n)
			break;
		add_cmd(d, obj, olen, s, n);
	}
}

static void parse_options(struct doc *d, const char *s)
{
	const char *p;
	size_t n;

	for (p = s; (p = strstr(p, "--")); p += 2) {
		if (p > s && (isalnum((unsigned char)p[-1]) || p[-1] == '-'))
			continue;
		if (!islower((unsigned char)p[2]))
			continue;
		n = 2;
		while (islower((unsigned char)p[n]) ||
		       isdigit((unsigned char)p[n]) || p[n] == '-')
			n++;
		add(&d->options, p, n);
	}
}

static void parse_text(struct doc *d, const char *text)
{
	const char *line = text, *nl;
	char buf[1024];

	for (; *line; line = nl + 1) {
		nl = strchr(line, '\n');
		if (!nl)
			nl = line + strlen(line);
		snprintf(buf, sizeof(buf), "%.*s", (int)(nl - line), line);
		parse_usage(d, buf);
		parse_options(d, buf);
		if (!*nl)
			break;
	}
}

static char *slurp(const char *rel)
{
	const char *path = rel[0] == '/' ? rel : test_path(NULL, rel);
	char *buf;
	long len;
	FILE *f;

	f = fopen(path, "r");
	if (!f)
		fail_msg("cannot open %s", path);
	fseek(f, 0, SEEK_END);
	len = ftell(f);
	rewind(f);
	buf = calloc(1, len + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, len, f), (size_t)len);
	fclose(f);
	return buf;
}

/* roff to text: fonts dropped, \- and \(en made dashes, comments dropped */
static char *man_text(const char *roff)
{
	char *out = calloc(1, strlen(roff) + 1), *o = out;
	const char *s = roff;

	assert_non_null(out);
	while (*s) {
		if ((s == roff || s[-1] == '\n') && !strncmp(s, ".\\\"", 3)) {
			s += strcspn(s, "\n");
			continue;
		}
		if (s[0] == '\\' && s[1] == 'f' && s[2]) {
			s += 3;
		} else if (s[0] == '\\' && s[1] == '-') {
			*o++ = '-';
			s += 2;
		} else if (s[0] == '\\' && s[1] == '(' && s[2] && s[3]) {
			*o++ = '-';
			s += 4;
		} else {
			*o++ = *s++;
		}
	}
	return out;
}

static int setup(void **state)
{
	char *text, *line, *p;
	size_t i, n;

	(void)state;
	/* the binary: the main help, then each object's help */
	assert_int_equal(run_pts("--help", NULL), 0);
	parse_text(&help_doc, pts_out);
	n = help_doc.objects.n;
	assert_true(n >= 6);
	for (i = 0; i < n; i++) {
		if (!strcmp(help_doc.objects.v[i], "help"))
			continue;
		assert_int_equal(run_pts(help_doc.objects.v[i], "help", NULL),
				 0);
		parse_text(&help_doc, pts_out);
	}

	text = slurp("../../doc/ptscope.8");
	p = man_text(text);
	parse_text(&man_doc, p);
	free(p);
	free(text);

	text = slurp("../../tools/bash-completion/ptscope");
	for (line = text; line && *line; line = p ? p + 1 : NULL) {
		const char *obj, *c;
		size_t olen;

		p = strchr(line, '\n');
		if (p)
			*p = '\0';
		if (line[strspn(line, " \t")] == '#')
			continue;	/* comments name nothing */
		parse_options(&comp_doc, line);
		c = strstr(line, "local objects='");
		if (c) {
			for (c += 15; *c && *c != '\''; c += n) {
				c += strspn(c, " ");
				n = strcspn(c, " '");
				add(&comp_doc.objects, c, n);
			}
			continue;
		}
		c = strstr(line, ") cmds='");
		if (!c)
			continue;
		obj = line + strspn(line, " \t");
		olen = c - obj;
		for (c += 8; *c && *c != '\''; c += n) {
			c += strspn(c, " ");
			n = strcspn(c, " '");
			if (n)
				add_cmd(&comp_doc, obj, olen, c, n);
		}
	}
	free(text);
	return 0;
}

static int cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void same(const char *what, struct names *a, const char *an,
		 struct names *b, const char *bn)
{
	char buf[2048] = "";
	size_t i, j;
	size_t len = 0;

	qsort(a->v, a->n, sizeof(char *), cmp);
	qsort(b->v, b->n, sizeof(char *), cmp);
	for (i = 0; i < a->n; i++) {
		for (j = 0; j < b->n && strcmp(a->v[i], b->v[j]); j++)
			;
		if (j == b->n)
			len += snprintf(buf + len, sizeof(buf) - len,
					" '%s' only in %s;", a->v[i], an);
	}
	for (j = 0; j < b->n; j++) {
		for (i = 0; i < a->n && strcmp(a->v[i], b->v[j]); i++)
			;
		if (i == a->n)
			len += snprintf(buf + len, sizeof(buf) - len,
					" '%s' only in %s;", b->v[j], bn);
	}
	if (len)
		fail_msg("%s differ:%s", what, buf);
}

static void test_sanity(void **state)
{
	static const char *const want_obj[] = { "vma", "pt", "vtop", "stats", "layout",
				   "flush", "help" };
	size_t i, j;

	(void)state;
	/* the parsers found something in each source */
	for (i = 0; i < ARRAY_SIZE(want_obj); i++) {
		for (j = 0; j < help_doc.objects.n; j++)
			if (!strcmp(help_doc.objects.v[j], want_obj[i]))
				break;
		if (j == help_doc.objects.n)
			fail_msg("object '%s' missing from --help",
				 want_obj[i]);
	}
	assert_true(help_doc.commands.n >= 4);
	assert_true(help_doc.options.n >= 10);
	assert_true(man_doc.objects.n && comp_doc.objects.n);
}

static void test_objects(void **state)
{
	(void)state;
	same("objects", &help_doc.objects, "--help", &man_doc.objects,
	     "ptscope.8");
	same("objects", &help_doc.objects, "--help", &comp_doc.objects,
	     "completion");
}

static void test_commands(void **state)
{
	(void)state;
	same("commands", &help_doc.commands, "help", &man_doc.commands,
	     "ptscope.8");
	same("commands", &help_doc.commands, "help", &comp_doc.commands,
	     "completion");
}

static void test_options(void **state)
{
	(void)state;
	same("long options", &help_doc.options, "help", &man_doc.options,
	     "ptscope.8");
	same("long options", &help_doc.options, "help", &comp_doc.options,
	     "completion");
}

static int sh(const char *fmt, ...)
{
	char cmd[4096];
	va_list ap;
	int st;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	st = system(cmd);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* the script parses and offers the objects the binary knows */
static void test_completion_runs(void **state)
{
	char comp[PATH_MAX + 64], out[64];
	struct names got = { 0 };
	char *text, *s;
	size_t n;

	(void)state;
	if (sh("command -v bash >/dev/null"))
		skip();
	snprintf(comp, sizeof(comp), "%s",
		 test_path(NULL, "../../tools/bash-completion/ptscope"));
	assert_int_equal(sh("bash -n '%s'", comp), 0);
	strcpy(out, "/tmp/ptscope-comp-XXXXXX");
	close(mkstemp(out));
	assert_int_equal(sh("bash -c 'source \"%s\"; COMP_WORDS=(ptscope \"\"); "
			    "COMP_CWORD=1; _ptscope; printf \"%%s \" "
			    "\"${COMPREPLY[@]}\"' > %s", comp, out), 0);
	text = slurp(out);
	unlink(out);
	for (s = text; *s; s += n) {
		s += strspn(s, " ");
		n = strcspn(s, " ");
		if (n)
			add(&got, s, n);
	}
	free(text);
	same("completed objects", &help_doc.objects, "--help", &got,
	     "_ptscope");
}

static void test_man_formats(void **state)
{
	(void)state;
	if (sh("command -v groff >/dev/null"))
		skip();
	/* -ww: all warnings; any output on stderr is a failure */
	assert_int_equal(sh("groff -man -Tutf8 -ww -z '%s' 2>&1 | grep -q .",
			    test_path(NULL, "../../doc/ptscope.8")), 1);
}

static void test_install(void **state)
{
	char tools[PATH_MAX + 64], dir[64], path[PATH_MAX + 256];
	static const char *const files[] = {
		"usr/bin/ptscope",
		"usr/share/man/man8/ptscope.8",
		"usr/share/bash-completion/completions/ptscope",
	};
	struct stat st;
	size_t i;

	(void)state;
	if (sh("command -v make >/dev/null"))
		skip();
	snprintf(tools, sizeof(tools), "%s", test_path(NULL, "../../tools"));
	strcpy(dir, "/tmp/ptscope-install-XXXXXX");
	assert_non_null(mkdtemp(dir));
	assert_int_equal(sh("make -s -C '%s' install DESTDIR='%s' PREFIX=/usr "
			    ">/dev/null", tools, dir), 0);
	for (i = 0; i < ARRAY_SIZE(files); i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, files[i]);
		if (stat(path, &st))
			fail_msg("not installed: %s", path);
	}
	assert_int_equal(sh("make -s -C '%s' uninstall DESTDIR='%s' "
			    "PREFIX=/usr >/dev/null", tools, dir), 0);
	for (i = 0; i < ARRAY_SIZE(files); i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, files[i]);
		if (!stat(path, &st))
			fail_msg("not uninstalled: %s", path);
	}
	assert_int_equal(sh("rm -rf '%s'", dir), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sanity),
		cmocka_unit_test(test_objects),
		cmocka_unit_test(test_commands),
		cmocka_unit_test(test_options),
		cmocka_unit_test(test_completion_runs),
		cmocka_unit_test(test_man_formats),
		cmocka_unit_test(test_install),
	};

	return cmocka_run_group_tests_name("docs", tests, setup, NULL);
}
