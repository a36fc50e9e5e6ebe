/*
 * filter: parse the f= filters of a dashboard URL, write them back into
 * links, describe them, and turn them into SQL predicates.  The SQL text
 * is made of fixed fragments and dims[].expr only; values are bound.
 */
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "dash.h"
#include "db.h"
#include "filter.h"
#include "form.h"
#include "log.h"
#include "valid.h"

#define OP_N	4
#define PROP_PREFIX	"prop."
#define PROP_PREFIX_LEN	(sizeof(PROP_PREFIX) - 1)

static const char *const op_keys[OP_N] = {
	[OP_IS] = "is",
	[OP_IS_NOT] = "is_not",
	[OP_CONTAINS] = "contains",
	[OP_NOT_CONTAINS] = "not_contains",
};

static const char *const op_words[OP_N] = {
	[OP_IS] = "is",
	[OP_IS_NOT] = "is not",
	[OP_CONTAINS] = "contains",
	[OP_NOT_CONTAINS] = "does not contain",
};

/* The case-insensitive comparison: the columns themselves are utf8mb4_bin. */
#define CI	" COLLATE utf8mb4_unicode_ci"

/*
 * A bound string made a LIKE pattern for ESCAPE '!' by the server, as
 * sql_like_escape() would: so that only the filter's (or goal's) own
 * string is bound, and no pattern has to outlive this call somewhere.
 * '!' is doubled first, then '%' and '_' are escaped.
 */
#define LIKE_ESC	"REPLACE(REPLACE(REPLACE(?, '!', '!!'), '%', '!%'), '_', '!_')"
#define LIKE_CONTAINS	"CONCAT('%', " LIKE_ESC ", '%')"
#define LIKE_GOAL	"REPLACE(" LIKE_ESC ", '*', '%')"

void
filters_init(struct filters *fs)
{
	memset(fs, 0, sizeof(*fs));
}

void
filters_free(struct filters *fs)
{
	size_t i;

	for (i = 0; i < fs->n && i < FILTER_MAX; i++) {
		free(fs->f[i].key);
		free(fs->f[i].value);
	}
	filters_init(fs);
}

const char *
filter_op_key(enum filter_op op)
{
	if ((unsigned)op >= OP_N)
		return NULL;
	return op_keys[op];
}

/* UTF-8 text without any control character, tab included. */
static int
plain_text(const char *s, size_t n)
{
	return valid_text(s, n) && memchr(s, '\t', n) == NULL;
}

/* A goal id as goals.id (INT UNSIGNED) writes it, or -1. */
static long long
goal_id_parse(const char *s, size_t n)
{
	long long v = 0;
	size_t i;

	if (n == 0 || n > 10 || s[0] < '1' || s[0] > '9')
		return -1;
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v <= 4294967295LL ? v : -1;
}

long long
filter_goal_id(const struct filter *f)
{
	if (f->dim != DIM_GOAL || f->value == NULL)
		return -1;
	return goal_id_parse(f->value, strlen(f->value));
}

static int
op_by_name(const char *s, size_t n)
{
	int i;

	for (i = 0; i < OP_N; i++)
		if (strlen(op_keys[i]) == n && memcmp(op_keys[i], s, n) == 0)
			return i;
	return -1;
}

static enum dim
dim_by_keyn(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < DIM__MAX; i++)
		if (strlen(dims[i].key) == n && memcmp(dims[i].key, s, n) == 0)
			return (enum dim)i;
	return DIM__MAX;
}

/*
 * Whether a filter may exist: the rules of the URL form, shared by parsing
 * and by the links that add one.  NULL when fine, else the user's message.
 */
static const char *
check(enum dim d, enum filter_op op, const char *key, size_t klen,
    const char *v, size_t vlen)
{
	if ((unsigned)d >= DIM__MAX || dims[d].level == LEVEL_NONE)
		return "this dimension cannot be filtered";
	if ((unsigned)op >= OP_N)
		return "unknown filter operator";
	if (d == DIM_PROP) {
		if (key == NULL || klen == 0)
			return "a property filter needs a name: prop.<name>";
		if (klen > FILTER_PROP_MAX)
			return "property name is too long";
		if (!plain_text(key, klen) || memchr(key, ':', klen) != NULL)
			return "property name is not valid text";
		if (op != OP_IS && op != OP_IS_NOT)
			return "property filters take only is and is_not";
	}
	if (v == NULL || vlen == 0)
		return "filter value is empty";
	if (vlen > FILTER_VALUE_MAX)
		return "filter value is too long";
	if (!plain_text(v, vlen))
		return "filter value is not valid text";
	if (d == DIM_GOAL) {
		if (op != OP_IS && op != OP_IS_NOT)
			return "goal filters take only is and is_not";
		if (goal_id_parse(v, vlen) == -1)
			return "a goal filter needs a goal id";
	}
	return NULL;
}

int
filters_add(struct filters *fs, const char *spec, size_t len, const char **why)
{
	const char *c1, *c2, *key = NULL, *msg, *v;
	size_t klen = 0, vlen;
	enum dim d;
	struct filter *f;
	int op;

	if (fs->n >= FILTER_MAX) {
		msg = "too many filters";
		goto fail;
	}
	if (spec == NULL || (c1 = memchr(spec, ':', len)) == NULL ||
	    (c2 = memchr(c1 + 1, ':', len - (size_t)(c1 + 1 - spec))) == NULL) {
		msg = "a filter is key:operator:value";
		goto fail;
	}
	if ((op = op_by_name(c1 + 1, (size_t)(c2 - c1 - 1))) == -1) {
		msg = "unknown filter operator";
		goto fail;
	}
	if ((size_t)(c1 - spec) >= PROP_PREFIX_LEN &&
	    memcmp(spec, PROP_PREFIX, PROP_PREFIX_LEN) == 0) {
		d = DIM_PROP;
		key = spec + PROP_PREFIX_LEN;
		klen = (size_t)(c1 - key);
	} else if ((d = dim_by_keyn(spec, (size_t)(c1 - spec))) == DIM__MAX) {
		msg = "unknown filter key";
		goto fail;
	} else if (d == DIM_PROP) {
		msg = "a property filter needs a name: prop.<name>";
		goto fail;
	}
	v = c2 + 1;
	vlen = len - (size_t)(v - spec);
	if ((msg = check(d, (enum filter_op)op, key, klen, v, vlen)) != NULL)
		goto fail;

	f = &fs->f[fs->n++];
	f->dim = d;
	f->op = (enum filter_op)op;
	f->key = key ? xstrndup(key, klen) : NULL;
	f->value = xstrndup(v, vlen);
	return 0;
fail:
	if (why != NULL)
		*why = msg;
	return -1;
}

int
filters_from_query(struct filters *fs, const struct kvlist *q,
    const char **why)
{
	size_t i;

	for (i = 0; i < q->n; i++) {
		if (strcmp(q->v[i].key, "f") != 0)
			continue;
		if (filters_add(fs, q->v[i].val, q->v[i].vlen, why) == -1)
			return -1;
	}
	return 0;
}

/* Append one f=key:op:value pair, separated from what out holds. */
static void
add_pair(struct buf *out, enum dim d, enum filter_op op, const char *key,
    const char *value)
{
	if (out->len > 0 && out->ptr[out->len - 1] != '?' &&
	    out->ptr[out->len - 1] != '&')
		buf_addch(out, '&');
	buf_adds(out, "f=");
	if (d == DIM_PROP) {
		buf_add_url(out, PROP_PREFIX, PROP_PREFIX_LEN);
		buf_add_url(out, key, strlen(key));
	} else
		buf_add_url(out, dims[d].key, strlen(dims[d].key));
	buf_add_url(out, ":", 1);
	buf_add_url(out, op_keys[op], strlen(op_keys[op]));
	buf_add_url(out, ":", 1);
	buf_add_url(out, value, strlen(value));
}

/* A filter this file made: safe to write back (a hand-made one may not be). */
static int
writable(const struct filter *f)
{
	return (unsigned)f->dim < DIM__MAX && (unsigned)f->op < OP_N &&
	    f->value != NULL && (f->dim != DIM_PROP || f->key != NULL);
}

void
filters_to_query_without(const struct filters *fs, size_t skip,
    struct buf *out)
{
	size_t i;

	if (fs == NULL)
		return;
	for (i = 0; i < fs->n && i < FILTER_MAX; i++)
		if (i != skip && writable(&fs->f[i]))
			add_pair(out, fs->f[i].dim, fs->f[i].op, fs->f[i].key,
			    fs->f[i].value);
}

void
filters_to_query(const struct filters *fs, struct buf *out)
{
	filters_to_query_without(fs, (size_t)-1, out);
}

static int
same_key(const struct filter *f, enum dim d, const char *key)
{
	if (f->dim != d)
		return 0;
	if (d != DIM_PROP)
		return 1;
	return f->key != NULL && key != NULL && strcmp(f->key, key) == 0;
}

int
filters_to_query_with(const struct filters *fs, enum dim d, enum filter_op op,
    const char *key, const char *value, struct buf *out)
{
	unsigned char drop[FILTER_MAX];
	size_t i, kept = 0;
	const struct filter *f;

	if (d != DIM_PROP)
		key = NULL;
	if (check(d, op, key, key ? strlen(key) : 0, value,
	    value ? strlen(value) : 0) != NULL)
		return -1;
	for (i = 0; fs != NULL && i < fs->n && i < FILTER_MAX; i++) {
		f = &fs->f[i];
		drop[i] = !writable(f) || (same_key(f, d, key) &&
		    ((op == OP_IS && f->op == OP_IS) ||
		    (f->op == op && strcmp(f->value, value) == 0)));
		if (!drop[i])
			kept++;
	}
	if (kept + 1 > FILTER_MAX)
		return -1;
	for (i = 0; fs != NULL && i < fs->n && i < FILTER_MAX; i++)
		if (!drop[i])
			add_pair(out, fs->f[i].dim, fs->f[i].op, fs->f[i].key,
			    fs->f[i].value);
	add_pair(out, d, op, key, value);
	return 0;
}

static const struct goal_ref *
goal_find(const struct goal_ref *goals, size_t ngoals, long long id)
{
	size_t i;

	if (id < 0)
		return NULL;
	for (i = 0; i < ngoals; i++)
		if (goals[i].id == id && goals[i].target != NULL)
			return &goals[i];
	return NULL;
}

void
filter_describe(const struct filter *f, struct buf *out)
{
	filter_describe_goals(f, NULL, 0, out);
}

void
filters_to_spec(const struct filter *f, struct buf *out)
{
	if (!writable(f))
		return;
	if (f->dim == DIM_PROP) {
		buf_adds(out, PROP_PREFIX);
		buf_adds(out, f->key);
	} else
		buf_adds(out, dims[f->dim].key);
	buf_addch(out, ':');
	buf_adds(out, op_keys[f->op]);
	buf_addch(out, ':');
	buf_adds(out, f->value);
}

void
filter_describe_goals(const struct filter *f, const struct goal_ref *goals,
    size_t ngoals, struct buf *out)
{
	const struct goal_ref *g;

	if (!writable(f))
		return;
	buf_adds(out, dims[f->dim].label);
	if (f->dim == DIM_PROP) {
		buf_addch(out, ' ');
		buf_adds(out, f->key);
	}
	buf_addch(out, ' ');
	buf_adds(out, op_words[f->op]);
	buf_addch(out, ' ');
	if (f->dim != DIM_GOAL)
		buf_adds(out, f->value);
	else if ((g = goal_find(goals, ngoals, filter_goal_id(f))) == NULL)
		buf_addf(out, "#%s", f->value);
	else if (g->is_event)
		buf_adds(out, g->target);
	else {
		buf_adds(out, "Visit ");
		buf_adds(out, g->target);
	}
}

void
sql_like_escape(struct buf *b, const char *s, size_t n, int star_is_wildcard)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (s[i] == '%' || s[i] == '_' || s[i] == '!')
			buf_addch(b, '!');
		else if (star_is_wildcard && s[i] == '*') {
			buf_addch(b, '%');
			continue;
		}
		buf_addch(b, s[i]);
	}
}

/* "<expr> = ?" and its kin for a dimension's value, binding the value. */
static void
add_cmp(struct buf *sql, struct db_args *args, const char *expr,
    enum filter_op op, const char *value)
{
	buf_adds(sql, expr);
	switch (op) {
	case OP_IS:
		buf_adds(sql, " = ?");
		break;
	case OP_IS_NOT:
		buf_adds(sql, " <> ?");
		break;
	case OP_CONTAINS:
		buf_adds(sql, CI " LIKE " LIKE_CONTAINS " ESCAPE '!'");
		break;
	case OP_NOT_CONTAINS:
		buf_adds(sql, CI " NOT LIKE " LIKE_CONTAINS " ESCAPE '!'");
		break;
	}
	db_arg_strz(args, value);
}

/* Whether filters_sql can turn f into SQL. */
static int
well_formed(const struct filter *f)
{
	if (!writable(f) || dims[f->dim].level == LEVEL_NONE)
		return 0;
	if (dims[f->dim].level != LEVEL_SPECIAL && dims[f->dim].expr == NULL)
		return 0;
	if ((f->dim == DIM_PROP || f->dim == DIM_GOAL) &&
	    f->op != OP_IS && f->op != OP_IS_NOT)
		return 0;
	return 1;
}

int
filters_sql(const struct filters *fs, const struct goal_ref *goals,
    size_t ngoals, struct buf *sql, struct db_args *args)
{
	const struct goal_ref *g[FILTER_MAX];
	const struct filter *f;
	enum filter_op pos;
	size_t i;

	if (fs == NULL)
		return 0;
	if (fs->n > FILTER_MAX) {
		log_err("%zu filters", fs->n);
		return -1;
	}
	/* Check everything first, so that a failure appends nothing. */
	for (i = 0; i < fs->n; i++) {
		f = &fs->f[i];
		g[i] = NULL;
		if (!well_formed(f)) {
			log_err("malformed filter %zu", i);
			return -1;
		}
		if (f->dim == DIM_GOAL &&
		    (g[i] = goal_find(goals, ngoals, filter_goal_id(f))) == NULL) {
			log_info("unknown goal %s", f->value);
			return -1;
		}
	}

	for (i = 0; i < fs->n; i++) {
		f = &fs->f[i];
		if (dims[f->dim].level == LEVEL_SESSION) {
			buf_adds(sql, " AND ");
			add_cmp(sql, args, dims[f->dim].expr, f->op,
			    f->value);
			continue;
		}
		/* A visit "is not" x when none of its events is x. */
		if (f->op == OP_IS_NOT || f->op == OP_NOT_CONTAINS) {
			buf_adds(sql, " AND NOT EXISTS (");
			pos = f->op == OP_IS_NOT ? OP_IS : OP_CONTAINS;
		} else {
			buf_adds(sql, " AND EXISTS (");
			pos = f->op;
		}
		buf_adds(sql, "SELECT 1 FROM events e WHERE"
		    " e.session_id = s.id AND e.site_id = s.site_id AND ");
		switch (f->dim) {
		case DIM_PAGE:
			buf_adds(sql, "e.name = 'pageview' AND ");
			add_cmp(sql, args, dims[f->dim].expr, pos,
			    f->value);
			break;
		case DIM_EVENT:
			buf_adds(sql, "e.name NOT IN ('pageview', 'engagement')"
			    " AND ");
			add_cmp(sql, args, dims[f->dim].expr, pos,
			    f->value);
			break;
		case DIM_PROP:
			buf_adds(sql, "JSON_CONTAINS(e.props, JSON_OBJECT(?, ?))");
			db_arg_strz(args, f->key);
			db_arg_strz(args, f->value);
			break;
		case DIM_GOAL:
			if (g[i]->is_event) {
				buf_adds(sql, "e.name = ?");
				db_arg_strz(args, g[i]->target);
			} else {
				buf_adds(sql, "e.name = 'pageview' AND"
				    " e.pathname LIKE " LIKE_GOAL " ESCAPE '!'");
				db_arg_strz(args, g[i]->target);
			}
			break;
		default:
			/* An event-level column added to dims[] later. */
			add_cmp(sql, args, dims[f->dim].expr, pos,
			    f->value);
			break;
		}
		buf_addch(sql, ')');
	}
	return 0;
}

int
filters_sql_events(const struct filters *fs, struct buf *sql,
    struct db_args *args)
{
	size_t i;

	if (fs == NULL)
		return 0;
	if (fs->n > FILTER_MAX) {
		log_err("%zu filters", fs->n);
		return -1;
	}
	for (i = 0; i < fs->n; i++)
		if (fs->f[i].dim == DIM_PAGE && !well_formed(&fs->f[i])) {
			log_err("malformed filter %zu", i);
			return -1;
		}
	for (i = 0; i < fs->n; i++) {
		if (fs->f[i].dim != DIM_PAGE)
			continue;
		buf_adds(sql, " AND ");
		add_cmp(sql, args, dims[DIM_PAGE].expr, fs->f[i].op,
		    fs->f[i].value);
	}
	return 0;
}

int
goal_match(const char *pat, const char *s, size_t n)
{
	const char *star = NULL, *end = s + n, *mark = NULL;

	while (s < end) {
		if (*pat == '*') {
			star = pat++;
			mark = s;
		} else if (*pat != '\0' && *pat == *s) {
			pat++;
			s++;
		} else if (star != NULL) {
			pat = star + 1;
			s = ++mark;
		} else
			return 0;
	}
	while (*pat == '*')
		pat++;
	return *pat == '\0';
}
