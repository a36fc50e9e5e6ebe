# test/unit: one CUnit program per core module and one for the collector's
# event parser, plus the fuzz corpora replayed as ordinary tests, so that
# `make check` (under ASan/UBSan with --enable-sanitizers) covers both.
UNIT_TESTS = \
	test/unit/test_buf \
	test/unit/test_chart \
	test/unit/test_conf \
	test/unit/test_crypt \
	test/unit/test_event \
	test/unit/test_export \
	test/unit/test_filter \
	test/unit/test_form \
	test/unit/test_json \
	test/unit/test_mail \
	test/unit/test_ratelimit \
	test/unit/test_resp \
	test/unit/test_route \
	test/unit/test_stitch \
	test/unit/test_valid \
	test/unit/test_tz \
	test/unit/test_period
FUZZ_REPLAYS = \
	test/fuzz/replay_event \
	test/fuzz/replay_request

check_PROGRAMS += $(UNIT_TESTS) $(FUZZ_REPLAYS)
TESTS += $(UNIT_TESTS) $(FUZZ_REPLAYS)

UNIT_LIBS = $(CORE_LIBS) $(CUNIT_LIBS)
EVENT_SOURCES = cgi/collect/event.c cgi/collect/referrer.c
EVENT_LIBS = $(CORE_LIBS) $(PSL_LIBS) -lm

test_unit_test_buf_SOURCES = test/unit/test_buf.c
test_unit_test_buf_LDADD = $(UNIT_LIBS)
test_unit_test_chart_SOURCES = test/unit/test_chart.c cgi/dashboard/chart.c \
	cgi/dashboard/chart.h
test_unit_test_chart_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/cgi/dashboard \
	-DCHART_ARTIFACTS='"$(abs_top_srcdir)/test/artifacts"'
test_unit_test_chart_LDADD = $(UNIT_LIBS) -lm
test_unit_test_conf_SOURCES = test/unit/test_conf.c
test_unit_test_conf_LDADD = $(UNIT_LIBS)
test_unit_test_crypt_SOURCES = test/unit/test_crypt.c
test_unit_test_crypt_LDADD = $(UNIT_LIBS)
test_unit_test_event_SOURCES = test/unit/test_event.c $(EVENT_SOURCES)
test_unit_test_event_LDADD = $(EVENT_LIBS) $(CUNIT_LIBS)
test_unit_test_filter_SOURCES = test/unit/test_filter.c \
	cgi/dashboard/dims.c cgi/dashboard/filter.c
test_unit_test_filter_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/cgi/dashboard
test_unit_test_filter_LDADD = $(UNIT_LIBS)
test_unit_test_export_SOURCES = test/unit/test_export.c cgi/dashboard/export.c \
	cgi/dashboard/export.h
test_unit_test_export_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/cgi/dashboard
test_unit_test_export_LDADD = $(UNIT_LIBS)
test_unit_test_form_SOURCES = test/unit/test_form.c
test_unit_test_form_LDADD = $(UNIT_LIBS)
test_unit_test_json_SOURCES = test/unit/test_json.c
test_unit_test_json_LDADD = $(UNIT_LIBS)
test_unit_test_mail_SOURCES = test/unit/test_mail.c
test_unit_test_mail_LDADD = $(UNIT_LIBS)
test_unit_test_route_SOURCES = test/unit/test_route.c
test_unit_test_route_LDADD = $(UNIT_LIBS)
test_unit_test_resp_SOURCES = test/unit/test_resp.c
test_unit_test_resp_LDADD = $(UNIT_LIBS)
test_unit_test_ratelimit_SOURCES = test/unit/test_ratelimit.c cgi/collect/ratelimit.c
test_unit_test_ratelimit_LDADD = $(UNIT_LIBS)
test_unit_test_stitch_SOURCES = test/unit/test_stitch.c cgi/collect/stitch.c cgi/collect/event.c cgi/collect/referrer.c
test_unit_test_stitch_LDADD = $(EVENT_LIBS) $(CUNIT_LIBS)
test_unit_test_valid_SOURCES = test/unit/test_valid.c
test_unit_test_valid_LDADD = $(UNIT_LIBS)
test_unit_test_tz_SOURCES = test/unit/test_tz.c cgi/dashboard/tz.c
test_unit_test_tz_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/cgi/dashboard
test_unit_test_tz_LDADD = $(UNIT_LIBS)
test_unit_test_period_SOURCES = test/unit/test_period.c cgi/dashboard/period.c \
	cgi/dashboard/tz.c
test_unit_test_period_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/cgi/dashboard
test_unit_test_period_LDADD = $(UNIT_LIBS)

# The libFuzzer harnesses, driven by test/fuzz/replay.c over their kept
# corpus (scripts/fuzz builds the same harnesses with clang's libFuzzer).
test_fuzz_replay_event_SOURCES = test/fuzz/replay.c test/fuzz/fuzz_event.c \
	$(EVENT_SOURCES)
test_fuzz_replay_event_CPPFLAGS = $(AM_CPPFLAGS) \
	-DREPLAY_CORPUS='"$(abs_top_srcdir)/test/fuzz/corpus/event"'
test_fuzz_replay_event_LDADD = $(EVENT_LIBS)
test_fuzz_replay_request_SOURCES = test/fuzz/replay.c test/fuzz/fuzz_request.c
test_fuzz_replay_request_CPPFLAGS = $(AM_CPPFLAGS) \
	-DREPLAY_CORPUS='"$(abs_top_srcdir)/test/fuzz/corpus/request"'
test_fuzz_replay_request_LDADD = $(CORE_LIBS)

EXTRA_DIST += scripts/fuzz test/fuzz/corpus test/fuzz/event.dict \
	test/fuzz/request.dict
