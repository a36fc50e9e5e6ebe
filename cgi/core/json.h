/*
 * json: parsing untrusted JSON with limits, on json-c.
 */
#ifndef TRACKR_JSON_H
#define TRACKR_JSON_H

#include <stddef.h>

#include <json-c/json.h>

/*
 * Parse exactly one JSON value from s[0..n) (surrounding white space
 * allowed).  Refuses NUL bytes, invalid UTF-8, nesting deeper than
 * max_depth, and trailing data.  Returns a new object the caller puts
 * with json_object_put(), or NULL with a short static reason in *why.
 * A bare "null" document is refused too, as it is never a valid request.
 */
json_object	*json_parse_limited(const char *s, size_t n, int max_depth,
		    const char **why);
/*
 * The string value of o with its length, refusing strings with an
 * embedded NUL (from \u0000) or control characters; NULL when o is not
 * such a string.
 */
const char	*json_text(json_object *o, size_t *lenp);

#endif
