# cgi/core: the library every TrackR program links.
noinst_LIBRARIES += cgi/core/libtrackr.a
cgi_core_libtrackr_a_SOURCES = \
	cgi/core/buf.c cgi/core/buf.h \
	cgi/core/conf.c cgi/core/conf.h \
	cgi/core/crypt.c cgi/core/crypt.h \
	cgi/core/db.c cgi/core/db.h \
	cgi/core/form.c cgi/core/form.h \
	cgi/core/json.c cgi/core/json.h \
	cgi/core/log.c cgi/core/log.h \
	cgi/core/mail.c cgi/core/mail.h \
	cgi/core/req.c cgi/core/req.h \
	cgi/core/resp.c cgi/core/resp.h \
	cgi/core/route.c cgi/core/route.h \
	cgi/core/server.c cgi/core/server.h \
	cgi/core/valid.c cgi/core/valid.h

CORE_LIBS = cgi/core/libtrackr.a $(FCGI_LIBS) $(MARIADB_LIBS) $(JSONC_LIBS) $(OPENSSL_LIBS) \
	$(CURL_LIBS)
