# cgi/dashboard: the reports.  DASH_QUERY_SOURCES are what trackrctl's
# rollup command shares with the program.
DASH_QUERY_SOURCES = cgi/dashboard/dash.h cgi/dashboard/dims.c \
	cgi/dashboard/filter.c cgi/dashboard/filter.h \
	cgi/dashboard/tz.c cgi/dashboard/tz.h \
	cgi/dashboard/period.c cgi/dashboard/period.h \
	cgi/dashboard/query.c cgi/dashboard/query.h \
	cgi/dashboard/mem.c cgi/dashboard/mem.h \
	cgi/dashboard/rollup.c cgi/dashboard/rollup.h

sbin_PROGRAMS += cgi/dashboard/trackr-dashboard
cgi_dashboard_trackr_dashboard_SOURCES = cgi/dashboard/main.c \
	cgi/dashboard/dashboard.h cgi/dashboard/util.c \
	cgi/dashboard/overview.c cgi/dashboard/report.c \
	cgi/dashboard/goals.c cgi/dashboard/realtime.c \
	cgi/dashboard/share.c cgi/dashboard/api.c \
	cgi/dashboard/chart.c cgi/dashboard/chart.h \
	cgi/dashboard/export.c cgi/dashboard/export.h \
	cgi/collect/ratelimit.c cgi/collect/ratelimit.h \
	$(DASH_QUERY_SOURCES)
cgi_dashboard_trackr_dashboard_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/cgi/collect \
	-DTRACKR_TEMPLATES_DIR='"$(pkgdatadir)/templates"'
cgi_dashboard_trackr_dashboard_LDADD = $(CORE_LIBS) -lm
