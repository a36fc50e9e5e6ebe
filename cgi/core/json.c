/*
 * json: json-c's tokener with strict mode, UTF-8 validation and a depth
 * limit, plus the checks json-c leaves to its callers (NUL bytes, trailing
 * data, strings holding \u0000).
 */
#include <locale.h>
#include <pthread.h>
#include <string.h>

#include "json.h"
#include "valid.h"

/*
 * What json-c's strict mode lets through but JSON does not: \u0000 (which
 * would cut an object key short without a word), raw control characters
 * in strings, single quotes, and bare words other than true, false and
 * null (NaN, Infinity).  Returns a reason, or NULL when the text is clean.
 */
static const char *
lex_check(const char *s, size_t n)
{
	size_t i, w;
	int in_str = 0;

	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (in_str) {
			if (c == '\\') {
				if (i + 5 < n && s[i + 1] == 'u' && s[i + 2] == '0' &&
				    s[i + 3] == '0' && s[i + 4] == '0' && s[i + 5] == '0')
					return "NUL character in a JSON string";
				i++;	/* the escaped character cannot start another escape */
			} else if (c == '"')
				in_str = 0;
			else if (c < 0x20)
				return "control character in a JSON string";
			continue;
		}
		if (c == '"')
			in_str = 1;
		else if (c == '\'')
			return "invalid JSON";
		else if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) {
			for (w = i; w < n && ((s[w] >= 'a' && s[w] <= 'z') ||
			    (s[w] >= 'A' && s[w] <= 'Z')); w++)
				;
			if (!((w - i == 4 && memcmp(s + i, "true", 4) == 0) ||
			    (w - i == 5 && memcmp(s + i, "false", 5) == 0) ||
			    (w - i == 4 && memcmp(s + i, "null", 4) == 0)) &&
			    !(i > 0 && (s[i - 1] == 'e' || s[i - 1] == 'E' ||
			    (s[i - 1] >= '0' && s[i - 1] <= '9'))))
				return "invalid JSON";
			i = w - 1;
		}
	}
	return NULL;
}

/*
 * json-c (0.15 and later) copies the calling thread's locale on every
 * parse, taking glibc's process-wide locale lock for writing, unless that
 * locale is the C locale object itself, which it uses as it is.  Parse
 * under that object: the same numbers (these programs never leave the C
 * locale), and no lock that every request thread takes.
 */
static locale_t c_locale;
static pthread_once_t c_locale_once = PTHREAD_ONCE_INIT;

static void
c_locale_init(void)
{
	c_locale = newlocale(LC_ALL_MASK, "C", (locale_t)0);
}

static json_object *
parse_ex(struct json_tokener *tok, const char *s, int n)
{
	locale_t old = (locale_t)0;
	json_object *o;

	pthread_once(&c_locale_once, c_locale_init);
	if (c_locale != (locale_t)0)
		old = uselocale(c_locale);
	o = json_tokener_parse_ex(tok, s, n);
	if (old != (locale_t)0)
		uselocale(old);
	return o;
}

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
	if ((*why = lex_check(s, n)) != NULL)
		return NULL;
	if (n > 0x7fffffff) {
		*why = "body too large";
		return NULL;
	}
	if ((tok = json_tokener_new_ex(max_depth)) == NULL) {
		*why = "out of memory";
		return NULL;
	}
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT);
	o = parse_ex(tok, s, (int)n);
	err = json_tokener_get_error(tok);
	end = json_tokener_get_parse_end(tok);
	if (err == json_tokener_continue && o == NULL) {
		/* A bare number or word waits for a delimiter: end the input. */
		o = parse_ex(tok, "", 1);
		err = json_tokener_get_error(tok);
		end = n;
		if (err != json_tokener_success) {
			/* Still unfinished: an object, array or string was cut. */
			json_object_put(o);
			o = NULL;
			err = json_tokener_continue;
		}
	}
	if (err == json_tokener_continue) {
		*why = "truncated JSON";
		goto fail;
	}
	if (err != json_tokener_success) {
		*why = err == json_tokener_error_depth ?
		    "JSON nested too deeply" : "invalid JSON";
		goto fail;
	}
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
