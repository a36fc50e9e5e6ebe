/*
 * filter: the dashboard's filters, from the URL (f=<key>:<op>:<value>,
 * repeated), back into URLs, into words, and into SQL predicates whose
 * text comes only from fixed fragments and the dimension table; every
 * value is a bound argument.
 */
#ifndef TRACKR_FILTER_H
#define TRACKR_FILTER_H

#include <stddef.h>

#include "buf.h"
#include "dash.h"
#include "db.h"
#include "form.h"

#define FILTER_PROP_MAX	300	/* bytes of a property's name */

/* A goal the caller looked up (goals table of the site) for filters_sql. */
struct goal_ref {
	long long	 id;
	int		 is_event;	/* 1: target is an event name; 0: a page pattern */
	const char	*target;	/* page pattern ('*': any run) or event name */
};

/* Empty set; filters_free() frees the keys and values it owns and empties it. */
void	 filters_init(struct filters *);
void	 filters_free(struct filters *);

/* "is", "is_not", "contains", "not_contains"; NULL when out of range. */
const char *filter_op_key(enum filter_op);

/*
 * Parse one f value spec[0..len) ("country:is:US", "prop.plan:is:pro",
 * "goal:is:3"; split on the first two ':' only) and append it, copying
 * its strings.  Returns 0, or -1 with a short lowercase message for the
 * user in *why (a static string) and the set unchanged.
 */
int	 filters_add(struct filters *, const char *spec, size_t len,
	    const char **why);
/*
 * filters_add() every "f" pair of a decoded query, in order.  Returns 0 or
 * -1 with *why; on -1 the filters before the bad one stay in the set.
 */
int	 filters_from_query(struct filters *, const struct kvlist *q,
	    const char **why);

/*
 * Append "f=<enc>&f=<enc>..." (each key:op:value percent-encoded whole),
 * nothing when the set is empty (or NULL).  Each pair is preceded by '&'
 * unless out is empty or ends in '?' or '&'.
 */
void	 filters_to_query(const struct filters *, struct buf *out);
/* The same without filter i (i out of range: all of them). */
void	 filters_to_query_without(const struct filters *, size_t i,
	    struct buf *out);
/*
 * The same with one more filter (dim, op, key for DIM_PROP else NULL,
 * value), for "click a row to filter" links.  An identical filter already
 * in the set is not repeated, and an OP_IS filter replaces the OP_IS
 * filters on the same dimension (same property), which could never all
 * hold.  Returns -1 with out untouched when the new filter would not parse
 * back (invalid or empty value, not filterable, more than FILTER_MAX).
 */
int	 filters_to_query_with(const struct filters *, enum dim, enum filter_op,
	    const char *key, const char *value, struct buf *out);

/*
 * Words for a filter, appended unescaped: "Country is US", "Page contains
 * /blog", "Property plan is pro", "Goal is #3".
 */
void	 filter_describe(const struct filter *, struct buf *out);
/* The same naming goals from goals[0..ngoals): "Goal is Visit /blog*", "Goal is Signup". */
void	 filter_describe_goals(const struct filter *, const struct goal_ref *goals,
	    size_t ngoals, struct buf *out);
/*
 * Append the filter's spec as the f parameter carries it, "key:op:value",
 * unencoded (for a hidden form field, which the template escapes).
 */
void	 filters_to_spec(const struct filter *, struct buf *out);

/* A DIM_GOAL filter's goal id, or -1 when f is not a valid goal filter. */
long long filter_goal_id(const struct filter *);

/*
 * Append " AND <predicate>" for every filter to sql, binding its values in
 * order into args.  Predicates are over a sessions row aliased s; the
 * event-level ones (page, event, prop, goal) are [NOT] EXISTS subqueries
 * on events e of the session.  Only the filters' and goals' own strings
 * are bound (LIKE patterns are escaped by the server, see filter.c), so
 * they must outlive the statement's execution, and nothing else must.
 * fs may be NULL (no filters).  Returns 0, or -1 (logged) with nothing
 * appended when a goal filter's id is not in goals[0..ngoals) or a filter
 * is malformed.
 */
int	 filters_sql(const struct filters *, const struct goal_ref *goals,
	    size_t ngoals, struct buf *sql, struct db_args *args);
/*
 * The DIM_PAGE filters alone, over an events row e (" AND e.pathname =
 * ?"...), for page-level counts; the caller restricts e.name itself.
 * Same contract as filters_sql().
 */
int	 filters_sql_events(const struct filters *, struct buf *sql,
	    struct db_args *args);

/*
 * Append s[0..n) as a LIKE pattern for ESCAPE '!': '%', '_' and '!' are
 * preceded by '!'; with star_is_wildcard, '*' becomes '%'.  Adds no
 * surrounding '%'.
 */
/*
 * 1 when s[0..n) matches a page goal's pattern ('*': any run of bytes),
 * as the server's LIKE on the binary collation matches it: the column
 * store and funnels match in memory what filters_sql() matches in SQL.
 */
int	 goal_match(const char *pattern, const char *s, size_t n);
void	 sql_like_escape(struct buf *, const char *s, size_t n,
	    int star_is_wildcard);

#endif
