/*
 * stitch: the session rules, on an in-memory table of one group's
 * sessions.
 */
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "crypt.h"
#include "stitch.h"

uint64_t
stitch_mix(uint64_t v)
{
	v ^= v >> 33;
	v *= 0xff51afd7ed558ccdull;
	v ^= v >> 33;
	return v;
}

int
stitch_is_pageview(const struct event *e)
{
	return strcmp(e->name, "pageview") == 0;
}

void
stitch_reset(struct stitch *t, size_t nev)
{
	size_t need = 16;

	/*
	 * At most two keys an event (today's and yesterday's visitor id):
	 * four slots an event keep the table at most half full.
	 */
	while (need < nev * 4)
		need <<= 1;
	if (need > t->nslots) {
		free(t->slots);
		t->slots = xmalloc(need * sizeof(*t->slots));
		t->nslots = need;
	}
	memset(t->slots, 0xff, t->nslots * sizeof(*t->slots));
	t->nsess = 0;
}

void
stitch_free(struct stitch *t)
{
	free(t->sess);
	free(t->slots);
	memset(t, 0, sizeof(*t));
}

struct sess *
stitch_find(struct stitch *t, uint64_t visitor)
{
	size_t i = stitch_mix(visitor) & (t->nslots - 1);

	while (t->slots[i] != (size_t)-1) {
		if (t->sess[t->slots[i]].visitor == visitor)
			return &t->sess[t->slots[i]];
		i = (i + 1) & (t->nslots - 1);
	}
	return NULL;
}

struct sess *
stitch_put(struct stitch *t, uint64_t visitor)
{
	size_t i = stitch_mix(visitor) & (t->nslots - 1);
	struct sess *s;

	while (t->slots[i] != (size_t)-1) {
		if (t->sess[t->slots[i]].visitor == visitor)
			break;
		i = (i + 1) & (t->nslots - 1);
	}
	if (t->nsess == t->sesscap) {
		t->sesscap = t->sesscap ? t->sesscap * 2 : 64;
		t->sess = xrealloc(t->sess, t->sesscap * sizeof(*t->sess));
	}
	t->slots[i] = t->nsess;
	s = &t->sess[t->nsess++];
	memset(s, 0, sizeof(*s));
	s->visitor = visitor;
	return s;
}

int
stitch_events(struct stitch *t, struct event **evs, size_t n)
{
	struct event *e;
	struct sess *s, *p;
	size_t i;

	for (i = 0; i < n; i++) {
		e = evs[i];
		s = stitch_find(t, e->visitor_id);
		if ((s == NULL || e->ts_ms - s->last_seen > SESSION_IDLE_MS) &&
		    e->prev_visitor_id != 0) {
			/* A session begun under yesterday's salt carries on past midnight. */
			p = stitch_find(t, e->prev_visitor_id);
			if (p != NULL && p->site_id == e->site_id &&
			    e->ts_ms - p->last_seen <= SESSION_IDLE_MS) {
				e->visitor_id = e->prev_visitor_id;
				s = p;
			}
		}
		if (s != NULL && (s->site_id != e->site_id ||
		    e->ts_ms - s->last_seen > SESSION_IDLE_MS))
			s = NULL;
		if (s == NULL) {
			if (!e->interactive) {
				/* Engagement after the session ended starts nothing. */
				e->session_id = 0;
				continue;
			}
			s = stitch_put(t, e->visitor_id);
			s->site_id = e->site_id;
			s->is_new = 1;
			s->started = s->last_seen = e->ts_ms;
			s->first = e;
			if (crypt_random(&s->id, sizeof(s->id)) == -1)
				return -1;
			s->id &= 0x7fffffffffffffffull;
			if (s->id == 0)
				s->id = 1;
		}
		e->session_id = s->id;
		s->dirty = 1;
		if (e->ts_ms > s->last_seen)
			s->last_seen = e->ts_ms;
		s->events++;
		if (e->interactive)
			s->interactions++;
		if (stitch_is_pageview(e)) {
			s->pageviews++;
			s->exit_page = e->pathname.ptr;
			s->exit_ts = e->ts_ms;
		}
		if (e->engagement_ms > 0)
			s->engagement += (unsigned long long)e->engagement_ms;
		if (e->scroll_depth > (int)s->max_scroll)
			s->max_scroll = (unsigned)e->scroll_depth;
	}
	return 0;
}

const char *
stitch_screen_class(int width)
{
	if (width < 0)
		return "";
	if (width < 576)
		return "mobile";
	if (width < 992)
		return "tablet";
	if (width < 1440)
		return "laptop";
	return "desktop";
}
