# cgi/core: accounts' security base (passwords, sessions, CSRF, security
# headers and redirects) and its unit tests.  A fragment of its own so the
# core's list in local.mk stays short.
cgi_core_libtrackr_a_SOURCES += \
	cgi/core/pass.c cgi/core/pass.h \
	cgi/core/session.c cgi/core/session.h \
	cgi/core/csrf.c cgi/core/csrf.h \
	cgi/core/secure.c cgi/core/secure.h
CORE_LIBS += $(ARGON2_LIBS)

AUTH_TESTS = test/unit/test_pass test/unit/test_session test/unit/test_csrf \
	test/unit/test_secure
check_PROGRAMS += $(AUTH_TESTS)
TESTS += $(AUTH_TESTS)
test_unit_test_pass_SOURCES = test/unit/test_pass.c
test_unit_test_pass_LDADD = $(CORE_LIBS) $(CUNIT_LIBS)
test_unit_test_session_SOURCES = test/unit/test_session.c
test_unit_test_session_LDADD = $(CORE_LIBS) $(CUNIT_LIBS)
test_unit_test_csrf_SOURCES = test/unit/test_csrf.c
test_unit_test_csrf_LDADD = $(CORE_LIBS) $(CUNIT_LIBS)
test_unit_test_secure_SOURCES = test/unit/test_secure.c
test_unit_test_secure_LDADD = $(CORE_LIBS) $(CUNIT_LIBS)
