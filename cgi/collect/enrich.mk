# cgi/collect enrichment: User-Agent, referrer and country lookup, pure
# functions on the ingest path, and their CUnit tests.  Included by the
# top Makefile.am; paths are relative to the top of the tree.
ENRICH_SOURCES = \
	cgi/collect/ua.c cgi/collect/ua.h \
	cgi/collect/referrer.c cgi/collect/referrer.h \
	cgi/collect/geo.c cgi/collect/geo.h
ENRICH_LIBS = $(PSL_LIBS) $(MAXMINDDB_LIBS)

ENRICH_TESTS = test/unit/test_ua test/unit/test_referrer test/unit/test_geo
check_PROGRAMS += $(ENRICH_TESTS)
TESTS += $(ENRICH_TESTS)

# Only buf.o and log.o are taken from the core archive.
test_unit_test_ua_SOURCES = test/unit/test_ua.c \
	cgi/collect/ua.c cgi/collect/ua.h
test_unit_test_ua_LDADD = $(CUNIT_LIBS)
test_unit_test_referrer_SOURCES = test/unit/test_referrer.c \
	cgi/collect/referrer.c cgi/collect/referrer.h
test_unit_test_referrer_LDADD = cgi/core/libtrackr.a $(PSL_LIBS) $(CUNIT_LIBS)
# The geo test builds its database with make_test_mmdb.py from the source
# tree, and fails (never skips) without python3.
test_unit_test_geo_SOURCES = test/unit/test_geo.c \
	cgi/collect/geo.c cgi/collect/geo.h
test_unit_test_geo_CPPFLAGS = $(AM_CPPFLAGS) \
	-DTEST_SRCDIR='"$(abs_top_srcdir)"'
test_unit_test_geo_LDADD = cgi/core/libtrackr.a $(MAXMINDDB_LIBS) $(CUNIT_LIBS)

EXTRA_DIST += test/unit/make_test_mmdb.py
