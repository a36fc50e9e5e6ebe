/*
 * test_stitch: the session rules (cgi/collect/stitch.c): 30 minutes of
 * inactivity end a session, engagement never starts one, a session
 * carries on past midnight under yesterday's visitor id.
 */
#include <stdlib.h>
#include <string.h>

#include <CUnit/Basic.h>

#include "stitch.h"

#define MIN	(60LL * 1000)
#define T0	(1700000000000LL)

static struct event evs[16];
static struct event *ptrs[16];
static size_t nev;
static struct stitch st = STITCH_INIT;

static void
reset(void)
{
	size_t i;

	for (i = 0; i < nev; i++)
		event_free(&evs[i]);
	nev = 0;
	stitch_reset(&st, 16);
}

/* Add an event of visitor v on site 1 at T0 + at. */
static struct event *
add(const char *name, uint64_t v, long long at, const char *path)
{
	struct event *e = &evs[nev];

	event_init(e);
	e->name = strdup(name);
	e->visitor_id = v;
	e->site_id = 1;
	e->ts_ms = T0 + at;
	buf_adds(&e->pathname, path);
	if (strcmp(name, "engagement") == 0)
		e->interactive = 0;
	ptrs[nev] = e;
	nev++;
	return e;
}

static int
run(void)
{
	return stitch_events(&st, ptrs, nev);
}

static void
test_one_visit(void)
{
	struct sess *s;

	reset();
	add("pageview", 7, 0, "/a");
	add("Signup", 7, 2 * MIN, "/a");
	add("pageview", 7, 10 * MIN, "/b");
	CU_ASSERT_EQUAL(run(), 0);
	CU_ASSERT_NOT_EQUAL(evs[0].session_id, 0);
	CU_ASSERT_EQUAL(evs[1].session_id, evs[0].session_id);
	CU_ASSERT_EQUAL(evs[2].session_id, evs[0].session_id);
	s = stitch_find(&st, 7);
	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	CU_ASSERT(s->is_new);
	CU_ASSERT_EQUAL(s->pageviews, 2);
	CU_ASSERT_EQUAL(s->events, 3);
	CU_ASSERT_EQUAL(s->interactions, 3);
	CU_ASSERT_EQUAL(s->started, T0);
	CU_ASSERT_EQUAL(s->last_seen, T0 + 10 * MIN);
	CU_ASSERT_STRING_EQUAL(s->first->pathname.ptr, "/a");
	CU_ASSERT_STRING_EQUAL(s->exit_page, "/b");
}

static void
test_idle_boundary(void)
{
	reset();
	add("pageview", 7, 0, "/a");
	add("pageview", 7, 30 * MIN, "/b");		/* exactly 30 minutes: same */
	add("pageview", 7, 60 * MIN + 1, "/c");		/* 30 min and 1 ms: new */
	CU_ASSERT_EQUAL(run(), 0);
	CU_ASSERT_EQUAL(evs[1].session_id, evs[0].session_id);
	CU_ASSERT_NOT_EQUAL(evs[2].session_id, evs[1].session_id);
	CU_ASSERT_NOT_EQUAL(evs[2].session_id, 0);
	/* Both sessions stay in the table to be written. */
	CU_ASSERT_EQUAL(st.nsess, 2);
	CU_ASSERT(st.sess[0].dirty && st.sess[1].dirty);
	CU_ASSERT_EQUAL(st.sess[0].pageviews, 2);
	CU_ASSERT_EQUAL(st.sess[1].pageviews, 1);
}

static void
test_engagement(void)
{
	struct sess *s;

	reset();
	add("engagement", 8, 0, "/x");			/* no session: none started */
	add("pageview", 8, 1 * MIN, "/a");
	add("engagement", 8, 2 * MIN, "/a")->engagement_ms = 5000;
	evs[2].scroll_depth = 80;
	add("engagement", 8, 3 * MIN, "/a")->engagement_ms = 700;
	evs[3].scroll_depth = 40;
	CU_ASSERT_EQUAL(run(), 0);
	CU_ASSERT_EQUAL(evs[0].session_id, 0);
	CU_ASSERT_NOT_EQUAL(evs[1].session_id, 0);
	CU_ASSERT_EQUAL(evs[2].session_id, evs[1].session_id);
	s = stitch_find(&st, 8);
	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	CU_ASSERT_EQUAL(st.nsess, 1);
	CU_ASSERT_EQUAL(s->events, 3);
	CU_ASSERT_EQUAL(s->interactions, 1);		/* a bounce, engagement or not */
	CU_ASSERT_EQUAL(s->engagement, 5700);
	CU_ASSERT_EQUAL(s->max_scroll, 80);
	CU_ASSERT_STRING_EQUAL(s->exit_page, "/a");	/* only page views move the exit */
	/* An engagement 31 minutes after the last event is orphaned too. */
	reset();
	add("pageview", 9, 0, "/a");
	add("engagement", 9, 31 * MIN, "/a");
	CU_ASSERT_EQUAL(run(), 0);
	CU_ASSERT_EQUAL(evs[1].session_id, 0);
}

static void
test_existing_session(void)
{
	struct sess *s;

	reset();
	s = stitch_put(&st, 10);
	s->id = 4242;
	s->site_id = 1;
	s->last_seen = T0 - 20 * MIN;
	add("pageview", 10, 0, "/next");
	CU_ASSERT_EQUAL(run(), 0);
	CU_ASSERT_EQUAL(evs[0].session_id, 4242);
	s = stitch_find(&st, 10);
	CU_ASSERT(!s->is_new);
	CU_ASSERT(s->dirty);
	CU_ASSERT_EQUAL(s->pageviews, 1);	/* what this group adds */
	CU_ASSERT_EQUAL(s->last_seen, T0);
	/* The same session on another site is not continued. */
	reset();
	s = stitch_put(&st, 10);
	s->id = 4242;
	s->site_id = 2;
	s->last_seen = T0 - MIN;
	add("pageview", 10, 0, "/");
	CU_ASSERT_EQUAL(run(), 0);
	CU_ASSERT_NOT_EQUAL(evs[0].session_id, 4242);
}

static void
test_midnight(void)
{
	struct sess *s;

	reset();
	/* Yesterday's id 20 was seen 5 minutes ago; today the visitor is 21. */
	s = stitch_put(&st, 20);
	s->id = 555;
	s->site_id = 1;
	s->last_seen = T0 - 5 * MIN;
	add("pageview", 21, 0, "/after-midnight")->prev_visitor_id = 20;
	add("pageview", 21, MIN, "/later")->prev_visitor_id = 20;
	CU_ASSERT_EQUAL(run(), 0);
	CU_ASSERT_EQUAL(evs[0].session_id, 555);
	CU_ASSERT_EQUAL(evs[0].visitor_id, 20);	/* the session's visitor stays one */
	CU_ASSERT_EQUAL(evs[1].session_id, 555);
	CU_ASSERT_EQUAL(st.nsess, 1);
	/* Yesterday's session had ended: today's id starts a new one. */
	reset();
	s = stitch_put(&st, 20);
	s->id = 555;
	s->site_id = 1;
	s->last_seen = T0 - 45 * MIN;
	add("pageview", 21, 0, "/")->prev_visitor_id = 20;
	CU_ASSERT_EQUAL(run(), 0);
	CU_ASSERT_NOT_EQUAL(evs[0].session_id, 555);
	CU_ASSERT_EQUAL(evs[0].visitor_id, 21);
}

static void
test_visitors_apart(void)
{
	reset();
	add("pageview", 30, 0, "/");
	add("pageview", 31, 0, "/");
	add("pageview", 30, MIN, "/two");
	CU_ASSERT_EQUAL(run(), 0);
	CU_ASSERT_NOT_EQUAL(evs[0].session_id, evs[1].session_id);
	CU_ASSERT_EQUAL(evs[2].session_id, evs[0].session_id);
	CU_ASSERT_EQUAL(stitch_find(&st, 30)->pageviews, 2);
	CU_ASSERT_EQUAL(stitch_find(&st, 31)->pageviews, 1);
}

/* Class edges as the dashboard's screen breakdown names them. */
static void
test_screen_class(void)
{
	CU_ASSERT_STRING_EQUAL(stitch_screen_class(-1), "");
	CU_ASSERT_STRING_EQUAL(stitch_screen_class(0), "mobile");
	CU_ASSERT_STRING_EQUAL(stitch_screen_class(575), "mobile");
	CU_ASSERT_STRING_EQUAL(stitch_screen_class(576), "tablet");
	CU_ASSERT_STRING_EQUAL(stitch_screen_class(991), "tablet");
	CU_ASSERT_STRING_EQUAL(stitch_screen_class(992), "laptop");
	CU_ASSERT_STRING_EQUAL(stitch_screen_class(1439), "laptop");
	CU_ASSERT_STRING_EQUAL(stitch_screen_class(1440), "desktop");
}

int
main(void)
{
	CU_pSuite s;
	unsigned failed;

	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	s = CU_add_suite("stitch", NULL, NULL);
	if (s == NULL ||
	    CU_add_test(s, "one visit", test_one_visit) == NULL ||
	    CU_add_test(s, "30 minutes of inactivity", test_idle_boundary) == NULL ||
	    CU_add_test(s, "engagement extends, never starts", test_engagement) == NULL ||
	    CU_add_test(s, "a session from the database continues", test_existing_session) == NULL ||
	    CU_add_test(s, "sessions carry on past midnight", test_midnight) == NULL ||
	    CU_add_test(s, "visitors apart", test_visitors_apart) == NULL ||
	    CU_add_test(s, "screen classes", test_screen_class) == NULL) {
		CU_cleanup_registry();
		return 1;
	}
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	failed = CU_get_number_of_failures();
	CU_cleanup_registry();
	reset();
	stitch_free(&st);
	return failed ? 1 : 0;
}
