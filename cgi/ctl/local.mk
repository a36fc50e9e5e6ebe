# cgi/ctl: the operator's command-line tool.
bin_PROGRAMS += cgi/ctl/trackrctl
cgi_ctl_trackrctl_SOURCES = cgi/ctl/trackrctl.c $(DASH_QUERY_SOURCES)
cgi_ctl_trackrctl_SOURCES += cgi/ctl/gen.c cgi/ctl/gen.h
cgi_ctl_trackrctl_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/cgi/dashboard -DTRACKR_MIGRATIONS_DIR='"$(pkgdatadir)/migrations"'
cgi_ctl_trackrctl_LDADD = $(CORE_LIBS) -lm
