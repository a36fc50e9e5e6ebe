# test/integration: suites that need the running stack (scripts/trackr test
# starts it and runs them), so they are built with the programs but are not
# in TESTS.  "=" rather than "+=": Makefile.am does not declare
# noinst_PROGRAMS, and automake refuses to append to an undeclared variable.
noinst_PROGRAMS = test/integration/test_collect test/integration/test_account \
	test/integration/test_sites \
	test/integration/test_mfa \
	test/integration/test_orgs \
	test/integration/test_settings \
	test/integration/test_access
test_integration_test_collect_SOURCES = test/integration/test_collect.c \
	test/integration/util.c test/integration/util.h
test_integration_test_collect_LDADD = $(CORE_LIBS) $(CURL_LIBS) $(CUNIT_LIBS)
test_integration_test_account_SOURCES = test/integration/test_account.c \
	test/integration/util.c test/integration/util.h
test_integration_test_account_LDADD = $(CORE_LIBS) $(CURL_LIBS) $(CUNIT_LIBS)
test_integration_test_mfa_SOURCES = test/integration/test_mfa.c \
	test/integration/util.c test/integration/util.h
test_integration_test_mfa_LDADD = $(CORE_LIBS) $(CURL_LIBS) $(CUNIT_LIBS)
test_integration_test_orgs_SOURCES = test/integration/test_orgs.c \
	test/integration/util.c test/integration/util.h
test_integration_test_orgs_LDADD = $(CORE_LIBS) $(CURL_LIBS) $(CUNIT_LIBS)
test_integration_test_sites_SOURCES = test/integration/test_sites.c \
	test/integration/util.c test/integration/util.h
test_integration_test_sites_LDADD = $(CORE_LIBS) $(CURL_LIBS) $(CUNIT_LIBS)
test_integration_test_settings_SOURCES = test/integration/test_settings.c \
	test/integration/util.c test/integration/util.h
test_integration_test_settings_LDADD = $(CORE_LIBS) $(CURL_LIBS) $(CUNIT_LIBS)
test_integration_test_access_SOURCES = test/integration/test_access.c \
	test/integration/util.c test/integration/util.h
test_integration_test_access_LDADD = $(CORE_LIBS) $(CURL_LIBS) $(CUNIT_LIBS)

# The dashboard's shared links and realtime page.
noinst_PROGRAMS += test/integration/test_dash_share
test_integration_test_dash_share_SOURCES = test/integration/test_dash_share.c \
	test/integration/util.c test/integration/util.h
test_integration_test_dash_share_LDADD = $(CORE_LIBS) $(CURL_LIBS) $(CUNIT_LIBS)

# The dashboard's full breakdowns and their CSV and JSON downloads.
noinst_PROGRAMS += test/integration/test_dash_report
test_integration_test_dash_report_SOURCES = test/integration/test_dash_report.c \
	test/integration/util.c test/integration/util.h
test_integration_test_dash_report_LDADD = $(CORE_LIBS) $(CURL_LIBS) $(CUNIT_LIBS)

# The dashboard's exactness suite: a hand-computed fixture, raw and rolled up.
noinst_PROGRAMS += test/integration/test_dashboard
test_integration_test_dashboard_SOURCES = test/integration/test_dashboard.c \
	test/integration/util.c test/integration/util.h
test_integration_test_dashboard_LDADD = $(CORE_LIBS) $(CURL_LIBS) $(CUNIT_LIBS) -lm

# The dashboard's stats API: keys, tenancy, parameters and numbers.
noinst_PROGRAMS += test/integration/test_dash_api
test_integration_test_dash_api_SOURCES = test/integration/test_dash_api.c \
	test/integration/util.c test/integration/util.h
test_integration_test_dash_api_LDADD = $(CORE_LIBS) $(CURL_LIBS) $(CUNIT_LIBS) -lm

# The dashboard's goals and funnels: conversions, funnel counts, forms, roles, tenancy.
noinst_PROGRAMS += test/integration/test_dash_goals
test_integration_test_dash_goals_SOURCES = test/integration/test_dash_goals.c \
	test/integration/util.c test/integration/util.h
test_integration_test_dash_goals_LDADD = $(CORE_LIBS) $(CURL_LIBS) $(CUNIT_LIBS)

# The dashboard's access-control matrix: every route against every actor.
noinst_PROGRAMS += test/integration/test_dash_access
test_integration_test_dash_access_SOURCES = test/integration/test_dash_access.c \
	test/integration/util.c test/integration/util.h
test_integration_test_dash_access_LDADD = $(CORE_LIBS) $(CURL_LIBS) $(CUNIT_LIBS)

# The dashboard keeps tracked data inert: HTML, SVG, CSV, JSON, the API, shared links.
noinst_PROGRAMS += test/integration/test_dash_xss
test_integration_test_dash_xss_SOURCES = test/integration/test_dash_xss.c \
	test/integration/util.c test/integration/util.h
test_integration_test_dash_xss_LDADD = $(CORE_LIBS) $(CURL_LIBS) $(CUNIT_LIBS)
