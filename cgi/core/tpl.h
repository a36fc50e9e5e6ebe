/*
 * tpl: the template engine.  A small mustache-like language rendering a
 * json-c object (the "view") into a struct buf; templates/README.md is
 * the language reference.  Output is escaped by default, per context.
 *
 * Templates are parsed once at start-up into immutable node arrays and
 * then rendered many times, from many threads at once: rendering only
 * reads the set and the view, so a set needs no locking.  (A view is
 * per request; do not render one view from two threads, since json-c
 * objects are not shared-safe in general.)
 */
#ifndef TRACKR_TPL_H
#define TRACKR_TPL_H

#include <stddef.h>

#include <json-c/json.h>

#include "buf.h"

/* Bounds.  A template past one of them is refused at load. */
#define TPL_MAX_FILE	(1024 * 1024)	/* bytes in one template file */
#define TPL_MAX_FILES	4096		/* templates in one set */
#define TPL_MAX_NEST	32		/* sections open at once in one template */
#define TPL_MAX_PARTIAL	16		/* partials included inside each other */
#define TPL_MAX_JSON	32		/* nesting of a value written by {{js:x}} */

/* Flags for tpl_render(). */
enum tpl_flag {
	/*
	 * A name that resolves to nothing (missing key, or {{@index}} outside
	 * a list) fails the render instead of rendering as empty, and so does
	 * an object or array put where text is expected.  For tests, to catch
	 * typos; production renders without it, as views have optional keys.
	 */
	TPL_STRICT	= 1u << 0,
};

struct tpl_set;

/* A template given as text, for tpl_load_mem(). */
struct tpl_src {
	const char	*name;	/* e.g. "account/login.html" */
	const char	*text;	/* NUL-terminated */
};

/*
 * Load and parse every *.html and *.txt file under dir, recursively,
 * naming each by its path relative to dir ("account/login.html").
 * Dot files and dot directories are skipped.  Each template is checked
 * whole: syntax, unknown partials, partial cycles, and the HTML context
 * rules in templates/README.md.  The first problem is logged with
 * log_err as "path:line:column: reason" and the load fails.
 *
 * Returns a new set the caller frees with tpl_free(), or NULL on any
 * error.  Allocation failure aborts (see buf.h).
 */
struct tpl_set	*tpl_load_dir(const char *dir);

/*
 * As tpl_load_dir(), from n templates in memory (for tests, and for
 * tpl_render_string()).  The texts are copied; the caller keeps srcs.
 * On error, when err is not NULL, the message "name:line:column: reason"
 * is appended to err and nothing is logged; when err is NULL it is logged.
 */
struct tpl_set	*tpl_load_mem(const struct tpl_src *srcs, size_t n,
		    struct buf *err);

/* Free a set and everything in it.  NULL is allowed. */
void		 tpl_free(struct tpl_set *);

/*
 * Render the template called name with view as the outermost context,
 * appending to out.  view may be NULL (an empty context); it is only
 * read, never kept, and stays the caller's.  out's maximum length
 * (buf_init) bounds the output.
 *
 * Returns 0, or -1 when there is no such template, the output went
 * past out's maximum, or (with TPL_STRICT) a name resolved to nothing;
 * the reason is logged with log_err.  On -1 whatever was appended is
 * taken back off out (out->err stays set if the limit was the cause).
 */
int		 tpl_render(const struct tpl_set *, const char *name,
		    json_object *view, struct buf *out, unsigned flags);

/*
 * Parse src as a one-off HTML template named "string.html" (it cannot
 * include partials other than itself, which is refused) and render it
 * as tpl_render() does.  For tests: parse and render errors go to err
 * when err is not NULL, else to the log.  Returns 0 or -1.
 */
int		 tpl_render_string(const char *src, json_object *view,
		    struct buf *out, unsigned flags, struct buf *err);

/* The number of templates in a set, and whether one is there by name. */
size_t		 tpl_count(const struct tpl_set *);
int		 tpl_has(const struct tpl_set *, const char *name);

#endif
