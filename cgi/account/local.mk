# cgi/account: sign-up, login, password reset, the account page.
sbin_PROGRAMS += cgi/account/trackr-account
cgi_account_trackr_account_SOURCES = cgi/account/main.c \
	cgi/account/account.h cgi/account/sql.c cgi/account/util.c \
	cgi/account/auth.c cgi/account/home.c \
	cgi/account/sites.c cgi/account/keys.c \
	cgi/account/mfa.c \
	cgi/account/orgs.c \
	cgi/account/settings.c cgi/account/audit.c \
	cgi/collect/ua.c cgi/collect/ua.h
cgi_account_trackr_account_CPPFLAGS = $(AM_CPPFLAGS) \
	-DTRACKR_TEMPLATES_DIR='"$(pkgdatadir)/templates"'
cgi_account_trackr_account_LDADD = $(CORE_LIBS)
