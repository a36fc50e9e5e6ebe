# cgi/core/totp: second-factor codes for accounts, and their unit test.
cgi_core_libtrackr_a_SOURCES += cgi/core/totp.c cgi/core/totp.h

check_PROGRAMS += test/unit/test_totp
TESTS += test/unit/test_totp
test_unit_test_totp_SOURCES = test/unit/test_totp.c
test_unit_test_totp_LDADD = $(CORE_LIBS) $(CUNIT_LIBS)
