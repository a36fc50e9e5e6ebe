# cgi/collect: the collection endpoint.
sbin_PROGRAMS += cgi/collect/trackr-collect
COLLECT_SOURCES = \
	cgi/collect/collect.h \
	cgi/collect/event.c cgi/collect/event.h \
	cgi/collect/ratelimit.c cgi/collect/ratelimit.h \
	cgi/collect/site.c cgi/collect/site.h \
	cgi/collect/visitor.c cgi/collect/visitor.h \
	cgi/collect/stitch.c cgi/collect/stitch.h \
	cgi/collect/writer.c cgi/collect/writer.h \
	$(ENRICH_SOURCES)
cgi_collect_trackr_collect_SOURCES = cgi/collect/main.c $(COLLECT_SOURCES)
cgi_collect_trackr_collect_LDADD = $(CORE_LIBS) $(ENRICH_LIBS) -lm
