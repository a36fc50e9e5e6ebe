/*
 * conf: a small "key = value" reader.  Errors name the file and line.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "conf.h"
#include "log.h"

#ifndef TRACKR_SYSCONFDIR
#define TRACKR_SYSCONFDIR "/etc"
#endif

#define CONF_MAX_BYTES	(1024 * 1024)
#define CONF_MAX_KEYS	1000

static char *
trim(char *s, char **end)
{
	char *e;

	while (*s == ' ' || *s == '\t')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r'))
		e--;
	*e = '\0';
	if (end)
		*end = e;
	return s;
}

int
conf_parse(struct conf *c, const char *text, const char *name)
{
	char *copy, *line, *next, *eq, *key, *val;
	size_t lineno = 0, i;

	memset(c, 0, sizeof(*c));
	c->path = xstrdup(name);
	copy = xstrdup(text);
	for (line = copy; line != NULL; line = next) {
		lineno++;
		if ((next = strchr(line, '\n')) != NULL)
			*next++ = '\0';
		line = trim(line, NULL);
		if (*line == '\0' || *line == '#')
			continue;
		if ((eq = strchr(line, '=')) == NULL) {
			log_err("%s:%zu: expected key = value", name, lineno);
			goto fail;
		}
		*eq = '\0';
		key = trim(line, NULL);
		val = trim(eq + 1, NULL);
		if (*key == '\0') {
			log_err("%s:%zu: empty key", name, lineno);
			goto fail;
		}
		for (i = 0; i < c->n; i++)
			if (strcmp(c->kv[i].key, key) == 0)
				break;
		if (i < c->n) {
			log_err("%s:%zu: %s set twice", name, lineno, key);
			goto fail;
		}
		if (c->n == CONF_MAX_KEYS) {
			log_err("%s:%zu: too many keys", name, lineno);
			goto fail;
		}
		c->kv = xrealloc(c->kv, (c->n + 1) * sizeof(*c->kv));
		c->kv[c->n].key = xstrdup(key);
		c->kv[c->n].val = xstrdup(val);
		c->n++;
	}
	free(copy);
	return 0;
fail:
	free(copy);
	conf_free(c);
	c->path = xstrdup(name);
	return -1;
}

int
conf_load(struct conf *c, const char *path)
{
	struct buf text = BUF_INIT;
	char chunk[8192];
	size_t n;
	FILE *f;
	int rc;

	if (path == NULL)
		path = getenv("TRACKR_CONF");
	if (path == NULL || *path == '\0')
		path = TRACKR_SYSCONFDIR "/trackr.conf";
	memset(c, 0, sizeof(*c));
	if ((f = fopen(path, "r")) == NULL) {
		log_err("%s: %s", path, strerror(errno));
		c->path = xstrdup(path);
		return -1;
	}
	text.max = CONF_MAX_BYTES;
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		buf_add(&text, chunk, n);
	if (ferror(f) || text.err) {
		log_err("%s: %s", path, text.err ? "file too large" : "read error");
		fclose(f);
		buf_release(&text);
		c->path = xstrdup(path);
		return -1;
	}
	fclose(f);
	rc = conf_parse(c, text.ptr, path);
	buf_release(&text);
	return rc;
}

void
conf_free(struct conf *c)
{
	size_t i;

	for (i = 0; i < c->n; i++) {
		free(c->kv[i].key);
		free(c->kv[i].val);
	}
	free(c->kv);
	free(c->path);
	memset(c, 0, sizeof(*c));
}

const char *
conf_str(const struct conf *c, const char *key, const char *def)
{
	size_t i;

	for (i = 0; i < c->n; i++)
		if (strcmp(c->kv[i].key, key) == 0)
			return c->kv[i].val[0] != '\0' ? c->kv[i].val : def;
	return def;
}

long long
conf_int(const struct conf *c, const char *key, long long def,
    long long min, long long max, int *err)
{
	const char *s = conf_str(c, key, NULL);
	char *end;
	long long v;

	if (s == NULL)
		return def;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || v < min || v > max) {
		log_err("%s: %s = %s: expected an integer in [%lld, %lld]",
		    c->path ? c->path : "config", key, s, min, max);
		*err = -1;
		return def;
	}
	return v;
}
