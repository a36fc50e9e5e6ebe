/*
 * event: one collected event, from the parsed request to the stored row.
 *
 * event_parse_body() and event_parse_query() turn untrusted input into
 * events, or refuse the whole request with a reason: nothing of a bad
 * request is ever stored.  They check types, ranges and lengths only;
 * which site the events belong to is settled by the caller.
 */
#ifndef TRACKR_EVENT_H
#define TRACKR_EVENT_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "form.h"
#include "referrer.h"

#define EVENT_MAX_BODY		(64 * 1024)
#define EVENT_MAX_DEPTH		5
#define EVENT_MAX_BATCH		50
#define EVENT_MAX_NAME		120
#define EVENT_MAX_URL		2000
#define EVENT_MAX_DOMAIN	253
#define EVENT_MAX_PROPS		30
#define EVENT_MAX_PROP_KEY	300
#define EVENT_MAX_PROP_VALUE	2000
#define EVENT_MAX_BATCH_ID	64
#define EVENT_MAX_SITE_KEY	64
#define EVENT_MAX_WIDTH		100000
#define EVENT_MAX_ENGAGEMENT	(24LL * 3600 * 1000)
#define EVENT_MAX_REVENUE	1e12

struct event {
	/* As sent (validated). */
	char		*name;
	char		*url;
	struct url_parts page;		/* url split once, pointing into url */
	char		*referrer;	/* NULL when none */
	char		*props;		/* a JSON object of strings, or NULL */
	char		*revenue_amount; /* decimal text, or NULL */
	char		 revenue_currency[4];
	int		 screen_width;	/* -1 when not sent */
	long long	 engagement_ms;	/* -1 when not sent */
	int		 scroll_depth;	/* -1 when not sent */
	int		 hash_mode;
	int		 interactive;

	/* Filled in at ingest. */
	unsigned	 site_id;
	int64_t		 ts_ms;		/* server receive time, UTC */
	uint64_t	 visitor_id;
	uint64_t	 prev_visitor_id; /* under yesterday's salt; 0 if none */
	uint64_t	 session_id;
	struct buf	 hostname;
	struct buf	 pathname;
	struct buf	 source;
	struct buf	 referrer_domain;
	struct buf	 utm[5];	/* source, medium, campaign, term, content */
	char		 country[3];
	const char	*device;
	const char	*browser;
	char		 browser_version[16];
	const char	*os;
	char		 os_version[16];
};

/* Where the events say they belong, as sent. */
struct event_target {
	char		*site_key;	/* "s"/"site", or NULL */
	char		*domain;	/* "d"/"domain", or NULL */
	char		*batch_id;	/* NULL when not a batch with an id */
};

struct event_list {
	struct event		*ev;
	size_t			 n;
	struct event_target	 target;
};

/*
 * Parse a JSON body: one event, a batch {"batch_id", "events": [...]},
 * with long (Plausible Events API) or short (tracker) keys.  Returns 0,
 * or -1 with a static reason in *why; l is then empty.  Free l with
 * event_list_free() either way.
 */
int	event_parse_body(const char *body, size_t len, struct event_list *l,
	    const char **why);
/*
 * Parse the query string of a no-JavaScript pixel request; referer is
 * the Referer header used as the page URL when "u" is absent.  Same
 * contract as event_parse_body().
 */
int	event_parse_query(const struct kvlist *args, const char *referer,
	    struct event_list *l, const char **why);
void	event_list_free(struct event_list *);
void	event_init(struct event *);
void	event_free(struct event *);

#endif
