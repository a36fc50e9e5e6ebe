/*
 * event: parsing and validating what a client sends.  Every check here
 * refuses the whole request, so a client never gets half its data stored.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "event.h"
#include "json.h"
#include "referrer.h"
#include "valid.h"

/* Accepted field names: the long form (Plausible Events API) and the short. */
enum field {
	F_NAME, F_URL, F_DOMAIN, F_SITE, F_REFERRER, F_PROPS, F_REVENUE,
	F_WIDTH, F_HASH, F_ENGAGEMENT, F_SCROLL, F_INTERACTIVE, F__MAX
};

static const struct {
	const char	*names[3];
} fields[F__MAX] = {
	[F_NAME] =		{ { "name", "n", NULL } },
	[F_URL] =		{ { "url", "u", NULL } },
	[F_DOMAIN] =		{ { "domain", "d", NULL } },
	[F_SITE] =		{ { "site", "s", NULL } },
	[F_REFERRER] =		{ { "referrer", "r", NULL } },
	[F_PROPS] =		{ { "props", "p", "m" } },
	[F_REVENUE] =		{ { "revenue", "$", NULL } },
	[F_WIDTH] =		{ { "screen_width", "w", NULL } },
	[F_HASH] =		{ { "hash", "h", NULL } },
	[F_ENGAGEMENT] =	{ { "engagement_time", "e", NULL } },
	[F_SCROLL] =		{ { "scroll_depth", "sd", NULL } },
	[F_INTERACTIVE] =	{ { "interactive", "i", NULL } },
};

static int
field_of(const char *key)
{
	int f, i;

	for (f = 0; f < F__MAX; f++)
		for (i = 0; i < 3 && fields[f].names[i] != NULL; i++)
			if (strcmp(key, fields[f].names[i]) == 0)
				return f;
	return -1;
}

void
event_init(struct event *e)
{
	size_t i;

	memset(e, 0, sizeof(*e));
	e->screen_width = -1;
	e->engagement_ms = -1;
	e->scroll_depth = -1;
	e->interactive = 1;
	buf_init(&e->hostname, 0);
	buf_init(&e->pathname, 0);
	buf_init(&e->source, 0);
	buf_init(&e->referrer_domain, 0);
	for (i = 0; i < 5; i++)
		buf_init(&e->utm[i], 0);
	e->device = e->browser = e->os = "";
}

void
event_free(struct event *e)
{
	size_t i;

	free(e->name);
	free(e->url);
	free(e->referrer);
	free(e->props);
	free(e->revenue_amount);
	buf_release(&e->hostname);
	buf_release(&e->pathname);
	buf_release(&e->source);
	buf_release(&e->referrer_domain);
	for (i = 0; i < 5; i++)
		buf_release(&e->utm[i]);
}

void
event_list_free(struct event_list *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		event_free(&l->ev[i]);
	free(l->ev);
	free(l->target.site_key);
	free(l->target.domain);
	free(l->target.batch_id);
	memset(l, 0, sizeof(*l));
}

/* A bounded text field; NULL (with *why set) when it is not one. */
static char *
text(json_object *o, size_t min, size_t max, const char **why, const char *msg)
{
	const char *s;
	size_t n;

	if ((s = json_text(o, &n)) == NULL || n < min || n > max) {
		*why = msg;
		return NULL;
	}
	return xstrndup(s, n);
}

/* An integer in [min, max]; integral doubles are accepted too. */
static int
integer(json_object *o, long long min, long long max, long long *out)
{
	double d;

	if (json_object_is_type(o, json_type_int)) {
		*out = json_object_get_int64(o);
		/* json-c saturates larger values, which the range then refuses. */
		return *out >= min && *out <= max ? 0 : -1;
	}
	if (json_object_is_type(o, json_type_double)) {
		d = json_object_get_double(o);
		if (!isfinite(d) || d != floor(d) || d < (double)min || d > (double)max)
			return -1;
		*out = (long long)d;
		return 0;
	}
	return -1;
}

static int
flag(json_object *o, int *out)
{
	long long v;

	if (json_object_is_type(o, json_type_boolean)) {
		*out = json_object_get_boolean(o);
		return 0;
	}
	if (integer(o, 0, 1, &v) == 0) {
		*out = (int)v;
		return 0;
	}
	return -1;
}

/* Props: an object (or a JSON string holding one) of scalar values, re-encoded. */
static int
props(json_object *o, char **out, const char **why)
{
	json_object *parsed = NULL;
	struct buf b = BUF_INIT;
	const char *s, *vs;
	char num[64];
	size_t n, vn, count = 0;
	int rc = -1;

	if (json_object_is_type(o, json_type_null))
		return 0;
	if (json_object_is_type(o, json_type_string)) {
		/* Plausible's script sends props as a JSON-encoded string. */
		if ((s = json_text(o, &n)) == NULL ||
		    (parsed = json_parse_limited(s, n, 2, why)) == NULL) {
			*why = "props is not a JSON object";
			return -1;
		}
		o = parsed;
	}
	if (!json_object_is_type(o, json_type_object)) {
		*why = "props must be an object";
		goto out;
	}
	buf_addch(&b, '{');
	json_object_object_foreach(o, key, val) {
		n = strlen(key);
		if (n == 0 || n > EVENT_MAX_PROP_KEY || !valid_text(key, n)) {
			*why = "property names must be 1 to 300 bytes of text";
			goto out;
		}
		switch (json_object_get_type(val)) {
		case json_type_null:
			continue;
		case json_type_string:
			if ((vs = json_text(val, &vn)) == NULL) {
				*why = "property values must be text";
				goto out;
			}
			break;
		case json_type_boolean:
			vs = json_object_get_boolean(val) ? "true" : "false";
			vn = strlen(vs);
			break;
		case json_type_int:
			vn = (size_t)snprintf(num, sizeof(num), "%lld",
			    (long long)json_object_get_int64(val));
			vs = num;
			break;
		case json_type_double:
			if (!isfinite(json_object_get_double(val))) {
				*why = "property values must be finite numbers";
				goto out;
			}
			vn = (size_t)snprintf(num, sizeof(num), "%.17g",
			    json_object_get_double(val));
			vs = num;
			break;
		default:
			*why = "property values must be strings, numbers or booleans";
			goto out;
		}
		if (vn > EVENT_MAX_PROP_VALUE) {
			*why = "a property value is longer than 2000 bytes";
			goto out;
		}
		if (++count > EVENT_MAX_PROPS) {
			*why = "more than 30 properties";
			goto out;
		}
		if (count > 1)
			buf_addch(&b, ',');
		buf_add_json_str(&b, key, n);
		buf_addch(&b, ':');
		buf_add_json_str(&b, vs, vn);
	}
	buf_addch(&b, '}');
	if (count > 0)
		*out = buf_detach(&b, NULL);
	rc = 0;
out:
	buf_release(&b);
	json_object_put(parsed);
	return rc;
}

/* A decimal amount with at most 4 decimals, |x| < 1e12. */
static int
decimal_ok(const char *s, size_t n)
{
	size_t i = 0, digits = 0, decimals = 0;
	int dot = 0;

	if (i < n && s[i] == '-')
		i++;
	for (; i < n; i++) {
		if (s[i] == '.' && !dot && digits > 0) {
			dot = 1;
			continue;
		}
		if (s[i] < '0' || s[i] > '9')
			return 0;
		if (dot)
			decimals++;
		else
			digits++;
	}
	return digits > 0 && digits <= 12 && decimals <= 4 && !(dot && decimals == 0);
}

static int
revenue(json_object *o, struct event *e, const char **why)
{
	json_object *amount, *currency;
	const char *s;
	char num[64];
	size_t n, i;
	double d;

	if (json_object_is_type(o, json_type_null))
		return 0;
	if (!json_object_is_type(o, json_type_object) ||
	    !json_object_object_get_ex(o, "amount", &amount) ||
	    !json_object_object_get_ex(o, "currency", &currency)) {
		*why = "revenue must be {\"amount\", \"currency\"}";
		return -1;
	}
	if (json_object_is_type(amount, json_type_string)) {
		if ((s = json_text(amount, &n)) == NULL || !decimal_ok(s, n)) {
			*why = "revenue amount is not a decimal number";
			return -1;
		}
		e->revenue_amount = xstrndup(s, n);
	} else if (json_object_is_type(amount, json_type_int) ||
	    json_object_is_type(amount, json_type_double)) {
		d = json_object_get_double(amount);
		if (!isfinite(d) || fabs(d) >= EVENT_MAX_REVENUE) {
			*why = "revenue amount out of range";
			return -1;
		}
		snprintf(num, sizeof(num), "%.4f", d);
		e->revenue_amount = xstrdup(num);
	} else {
		*why = "revenue amount must be a number";
		return -1;
	}
	if ((s = json_text(currency, &n)) == NULL || n != 3) {
		*why = "revenue currency must be a three-letter code";
		return -1;
	}
	for (i = 0; i < 3; i++) {
		if (!((s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= 'a' && s[i] <= 'z'))) {
			*why = "revenue currency must be a three-letter code";
			return -1;
		}
		e->revenue_currency[i] = s[i] & ~0x20;
	}
	e->revenue_currency[3] = '\0';
	return 0;
}

/* Split e->url into e->page, refusing anything but an absolute http(s) URL. */
static int
check_url(struct event *e, const char **why)
{
	if (url_split(e->url, strlen(e->url), &e->page) == -1) {
		*why = "url must be an absolute http(s) URL";
		return -1;
	}
	return 0;
}

/*
 * Parse one event object.  Site fields go to t when allow_target is
 * set; inside a batch they must repeat the batch's own values or be absent.
 */
static int
parse_one(json_object *o, struct event *e, struct event_target *t,
    int allow_target, const char **why)
{
	long long v;
	char *s;
	int f;

	if (!json_object_is_type(o, json_type_object)) {
		*why = "an event must be a JSON object";
		return -1;
	}
	json_object_object_foreach(o, key, val) {
		if ((f = field_of(key)) == -1)
			continue;	/* unknown keys are ignored, for newer clients */
		switch (f) {
		case F_NAME:
			free(e->name);
			if ((e->name = text(val, 1, EVENT_MAX_NAME, why,
			    "name must be 1 to 120 bytes of text")) == NULL)
				return -1;
			break;
		case F_URL:
			free(e->url);
			if ((e->url = text(val, 1, EVENT_MAX_URL, why,
			    "url must be 1 to 2000 bytes of text")) == NULL ||
			    check_url(e, why) == -1)
				return -1;
			break;
		case F_REFERRER:
			free(e->referrer);
			e->referrer = NULL;
			if (json_object_is_type(val, json_type_null))
				break;
			if ((e->referrer = text(val, 0, EVENT_MAX_URL, why,
			    "referrer must be at most 2000 bytes of text")) == NULL)
				return -1;
			break;
		case F_DOMAIN:
		case F_SITE:
			s = f == F_DOMAIN ?
			    text(val, 1, EVENT_MAX_DOMAIN, why, "domain must be 1 to 253 bytes of text") :
			    text(val, 1, EVENT_MAX_SITE_KEY, why, "site must be a site key");
			if (s == NULL)
				return -1;
			if (allow_target) {
				char **slot = f == F_DOMAIN ? &t->domain : &t->site_key;

				free(*slot);
				*slot = s;
			} else {
				const char *want = f == F_DOMAIN ? t->domain : t->site_key;
				int same = want != NULL && strcmp(want, s) == 0;

				free(s);
				if (!same) {
					*why = "all events of a batch must name the batch's site";
					return -1;
				}
			}
			break;
		case F_PROPS:
			free(e->props);
			e->props = NULL;
			if (props(val, &e->props, why) == -1)
				return -1;
			break;
		case F_REVENUE:
			free(e->revenue_amount);
			e->revenue_amount = NULL;
			if (revenue(val, e, why) == -1)
				return -1;
			break;
		case F_WIDTH:
			if (json_object_is_type(val, json_type_null))
				break;
			if (integer(val, 0, EVENT_MAX_WIDTH, &v) == -1) {
				*why = "screen_width must be an integer from 0 to 100000";
				return -1;
			}
			e->screen_width = (int)v;
			break;
		case F_HASH:
			if (flag(val, &e->hash_mode) == -1) {
				*why = "hash must be a boolean";
				return -1;
			}
			break;
		case F_ENGAGEMENT:
			if (integer(val, 0, EVENT_MAX_ENGAGEMENT, &v) == -1) {
				*why = "engagement_time must be milliseconds from 0 to one day";
				return -1;
			}
			e->engagement_ms = v;
			break;
		case F_SCROLL:
			if (integer(val, 0, 100, &v) == -1) {
				*why = "scroll_depth must be an integer from 0 to 100";
				return -1;
			}
			e->scroll_depth = (int)v;
			break;
		case F_INTERACTIVE:
			if (flag(val, &e->interactive) == -1) {
				*why = "interactive must be a boolean";
				return -1;
			}
			break;
		}
	}
	if (e->name == NULL) {
		*why = "name is required";
		return -1;
	}
	if (e->url == NULL) {
		*why = "url is required";
		return -1;
	}
	return 0;
}

static int
check_target(struct event_target *t, const char **why)
{
	if (t->site_key == NULL && t->domain == NULL) {
		*why = "site or domain is required";
		return -1;
	}
	return 0;
}

int
event_parse_body(const char *body, size_t len, struct event_list *l,
    const char **why)
{
	json_object *root, *events = NULL, *bid;
	size_t i, n;
	int rc = -1;

	memset(l, 0, sizeof(*l));
	if ((root = json_parse_limited(body, len, EVENT_MAX_DEPTH, why)) == NULL)
		return -1;
	if (!json_object_is_type(root, json_type_object)) {
		*why = "body must be a JSON object";
		goto out;
	}
	if (json_object_object_get_ex(root, "events", &events)) {
		/* A batch: site and batch id once, then the events. */
		if (!json_object_is_type(events, json_type_array) ||
		    (n = json_object_array_length(events)) == 0) {
			*why = "events must be a non-empty array";
			goto out;
		}
		if (n > EVENT_MAX_BATCH) {
			*why = "more than 50 events in a batch";
			goto out;
		}
		json_object_object_foreach(root, key, val) {
			int f = field_of(key);

			if (f != F_SITE && f != F_DOMAIN)
				continue;
			free(f == F_SITE ? l->target.site_key : l->target.domain);
			if (f == F_SITE)
				l->target.site_key = text(val, 1, EVENT_MAX_SITE_KEY,
				    why, "site must be a site key");
			else
				l->target.domain = text(val, 1, EVENT_MAX_DOMAIN,
				    why, "domain must be 1 to 253 bytes of text");
			if ((f == F_SITE ? l->target.site_key : l->target.domain) == NULL)
				goto out;
		}
		if (json_object_object_get_ex(root, "batch_id", &bid) &&
		    !json_object_is_type(bid, json_type_null)) {
			const char *s;
			size_t bn;

			if ((s = json_text(bid, &bn)) == NULL ||
			    !valid_token(s, bn, EVENT_MAX_BATCH_ID) || bn < 8) {
				*why = "batch_id must be 8 to 64 characters of [A-Za-z0-9_-]";
				goto out;
			}
			l->target.batch_id = xstrndup(s, bn);
		}
		if (check_target(&l->target, why) == -1)
			goto out;
		l->ev = xcalloc(n, sizeof(*l->ev));
		for (i = 0; i < n; i++) {
			event_init(&l->ev[i]);
			l->n++;
			if (parse_one(json_object_array_get_idx(events, i),
			    &l->ev[i], &l->target, 0, why) == -1)
				goto out;
		}
	} else {
		l->ev = xcalloc(1, sizeof(*l->ev));
		event_init(&l->ev[0]);
		l->n = 1;
		if (parse_one(root, &l->ev[0], &l->target, 1, why) == -1 ||
		    check_target(&l->target, why) == -1)
			goto out;
	}
	rc = 0;
out:
	json_object_put(root);
	if (rc == -1)
		event_list_free(l);
	return rc;
}

/* A query parameter as bounded text; 0 absent, 1 present, -1 invalid. */
static int
qtext(const struct kvlist *args, const char *key, size_t min, size_t max, char **out)
{
	const char *v;
	size_t n;

	if ((v = kv_get(args, key, &n)) == NULL)
		return 0;
	if (n < min || n > max || !valid_text(v, n))
		return -1;
	*out = xstrndup(v, n);
	return 1;
}

int
event_parse_query(const struct kvlist *args, const char *referer,
    struct event_list *l, const char **why)
{
	struct event *e;
	const char *w;
	size_t wlen, i;
	long v;

	memset(l, 0, sizeof(*l));
	l->ev = xcalloc(1, sizeof(*l->ev));
	l->n = 1;
	e = &l->ev[0];
	event_init(e);
	if (qtext(args, "s", 1, EVENT_MAX_SITE_KEY, &l->target.site_key) == -1 ||
	    qtext(args, "d", 1, EVENT_MAX_DOMAIN, &l->target.domain) == -1) {
		*why = "s or d is not a valid site";
		goto fail;
	}
	if (check_target(&l->target, why) == -1)
		goto fail;
	switch (qtext(args, "n", 1, EVENT_MAX_NAME, &e->name)) {
	case -1:
		*why = "n must be 1 to 120 bytes of text";
		goto fail;
	case 0:
		e->name = xstrdup("pageview");
		break;
	}
	switch (qtext(args, "u", 1, EVENT_MAX_URL, &e->url)) {
	case -1:
		*why = "u must be 1 to 2000 bytes of text";
		goto fail;
	case 0:
		/* An <img> in <noscript> cannot know its page: the Referer can. */
		if (referer == NULL || *referer == '\0') {
			*why = "u is required when the request has no Referer";
			goto fail;
		}
		if (strlen(referer) > EVENT_MAX_URL || !valid_text(referer, strlen(referer))) {
			*why = "Referer is not a valid page URL";
			goto fail;
		}
		e->url = xstrdup(referer);
		break;
	}
	if (check_url(e, why) == -1)
		goto fail;
	if (qtext(args, "r", 0, EVENT_MAX_URL, &e->referrer) == -1) {
		*why = "r must be at most 2000 bytes of text";
		goto fail;
	}
	if ((w = kv_get(args, "w", &wlen)) != NULL) {
		/* Digits only: strtol() alone would take blanks, signs and "5%00x". */
		v = 0;
		for (i = 0; i < wlen && i < 7 && w[i] >= '0' && w[i] <= '9'; i++)
			v = v * 10 + (w[i] - '0');
		if (wlen == 0 || i != wlen || v > EVENT_MAX_WIDTH) {
			*why = "w must be an integer from 0 to 100000";
			goto fail;
		}
		e->screen_width = (int)v;
	}
	return 0;
fail:
	event_list_free(l);
	return -1;
}
