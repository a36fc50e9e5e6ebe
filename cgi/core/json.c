/*
 * json: json-c's tokener with strict mode, UTF-8 validation and a depth
 * limit, plus the checks json-c leaves to its callers (NUL bytes, trailing
 * data, strings holding \u0000).
 */
#include <string.h>

#include "json.h"
#include "valid.h"

json_object *
json_parse_limited(const char *s, size_t n, int max_depth, const char **why)
{
	struct json_tokener *tok;
	json_object *o = NULL;
	enum json_tokener_error err;
	size_t end;

	*why = NULL;
	if (n == 0) {
		*why = "empty body";
		return NULL;
	}
	if (memchr(s, '\0', n) != NULL) {
		*why = "NUL byte in body";
		return NULL;
	}
	if (!valid_utf8(s, n)) {
		*why = "body is not valid UTF-8";
		return NULL;
	}
	if (n > 0x7fffffff) {
		*why = "body too large";
		return NULL;
	}
	if ((tok = json_tokener_new_ex(max_depth)) == NULL) {
		*why = "out of memory";
		return NULL;
	}
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT);
	o = json_tokener_parse_ex(tok, s, (int)n);
	err = json_tokener_get_error(tok);
	if (err == json_tokener_continue) {
		*why = "truncated JSON";
		goto fail;
	}
	if (err != json_tokener_success) {
		*why = err == json_tokener_error_depth ?
		    "JSON nested too deeply" : "invalid JSON";
		goto fail;
	}
	end = json_tokener_get_parse_end(tok);
	while (end < n && strchr(" \t\r\n", s[end]) != NULL)
		end++;
	if (end != n) {
		*why = "trailing data after JSON";
		goto fail;
	}
	if (o == NULL) {
		*why = "JSON null";
		goto fail;
	}
	json_tokener_free(tok);
	return o;
fail:
	json_object_put(o);
	json_tokener_free(tok);
	return NULL;
}

const char *
json_text(json_object *o, size_t *lenp)
{
	const char *s;
	int len;

	if (o == NULL || !json_object_is_type(o, json_type_string))
		return NULL;
	s = json_object_get_string(o);
	len = json_object_get_string_len(o);
	if (len < 0 || !valid_text(s, (size_t)len))
		return NULL;
	if (lenp)
		*lenp = (size_t)len;
	return s;
}
