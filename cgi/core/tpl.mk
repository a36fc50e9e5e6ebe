# cgi/core/tpl: the template engine and its unit tests.
cgi_core_libtrackr_a_SOURCES += cgi/core/tpl.c cgi/core/tpl.h

check_PROGRAMS += test/unit/test_tpl
TESTS += test/unit/test_tpl
test_unit_test_tpl_SOURCES = test/unit/test_tpl.c
test_unit_test_tpl_LDADD = $(CORE_LIBS) $(CUNIT_LIBS)
