/*
 * stitch: sessions for one group of events, by visitor id.
 *
 * The writer loads the visitors' active sessions (stitch_put), then
 * stitch_events() walks the events in time order: an event continues its
 * visitor's session when the last one was at most SESSION_IDLE_MS ago,
 * and otherwise starts a new one.  Pure bookkeeping: no I/O, so the rules
 * are tested on their own (test/unit/test_stitch.c).
 */
#ifndef TRACKR_STITCH_H
#define TRACKR_STITCH_H

#include <stddef.h>
#include <stdint.h>

#include "event.h"

#define SESSION_IDLE_MS	(30LL * 60 * 1000)

struct sess {
	uint64_t	 visitor;
	uint64_t	 id;
	unsigned	 site_id;
	int		 is_new;	/* started in this group */
	int		 dirty;		/* touched in this group: to be written */
	int64_t		 started;
	int64_t		 last_seen;
	const struct event *first;	/* attributes of a new session */
	const char	*exit_page;
	int64_t		 exit_ts;
	/* What this group adds (all of it, for a new session). */
	unsigned	 pageviews, events, interactions, max_scroll;
	unsigned long long engagement;
};

struct stitch {
	struct sess	*sess;
	size_t		 nsess, sesscap;
	size_t		*slots;		/* open addressing over sess, by visitor */
	size_t		 nslots;
};

#define STITCH_INIT { NULL, 0, 0, NULL, 0 }

/* Empty the table and size it for a group of nev events. */
void		 stitch_reset(struct stitch *, size_t nev);
void		 stitch_free(struct stitch *);
/* The visitor's session, or NULL. */
struct sess	*stitch_find(struct stitch *, uint64_t visitor);
/*
 * A new, zeroed session for visitor, which becomes the one stitch_find()
 * returns; one it replaces stays in the table (its update is still due).
 * The pointer is valid until the next stitch_put().
 */
struct sess	*stitch_put(struct stitch *, uint64_t visitor);
/*
 * Give each of evs[0..n) (in time order) its session_id, starting sessions
 * (with random ids) where needed; a non-interactive event (engagement)
 * extends a live session but never starts one, and gets session_id 0.
 * A session begun under yesterday's visitor id carries on past midnight:
 * the event then takes that id.  Returns 0, or -1 when no random id could
 * be had.
 */
int		 stitch_events(struct stitch *, struct event **evs, size_t n);
int		 stitch_is_pageview(const struct event *);
uint64_t	 stitch_mix(uint64_t);
/* A screen width's class: mobile, tablet, laptop, desktop; "" when unknown (< 0). */
const char	*stitch_screen_class(int width);

#endif
