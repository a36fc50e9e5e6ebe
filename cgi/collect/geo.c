/*
 * geo: libmaxminddb wrapper.  Addresses are parsed here with inet_pton()
 * rather than by MMDB_lookup_string(), which goes through getaddrinfo(),
 * and IPv4-mapped IPv6 addresses (::ffff:a.b.c.d, as a dual-stack socket
 * reports IPv4 peers) are looked up as the IPv4 addresses they are.
 */
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <maxminddb.h>

#include "buf.h"
#include "log.h"
#include "geo.h"

struct geo {
	MMDB_s	 mmdb;
};

struct geo *
geo_open(const char *path)
{
	struct geo *g;
	int rc, saved;

	if (path == NULL || path[0] == '\0')
		return NULL;
	g = xcalloc(1, sizeof(*g));
	errno = 0;
	if ((rc = MMDB_open(path, MMDB_MODE_MMAP, &g->mmdb)) != MMDB_SUCCESS) {
		/* open(), fstat() and mmap() failures leave errno set */
		saved = errno;
		if ((rc == MMDB_FILE_OPEN_ERROR || rc == MMDB_IO_ERROR) &&
		    saved != 0)
			log_err("%s: %s: %s", path, MMDB_strerror(rc),
			    strerror(saved));
		else
			log_err("%s: %s", path, MMDB_strerror(rc));
		free(g);
		return NULL;
	}
	return g;
}

void
geo_close(struct geo *g)
{
	if (g == NULL)
		return;
	MMDB_close(&g->mmdb);
	free(g);
}

/* Read <key>.iso_code as two upper-case letters into cc. */
static int
iso_code(MMDB_entry_s *e, const char *key, char cc[3])
{
	MMDB_entry_data_s d;
	char a, b;

	if (MMDB_get_value(e, &d, key, "iso_code", (const char *)NULL) !=
	    MMDB_SUCCESS || !d.has_data ||
	    d.type != MMDB_DATA_TYPE_UTF8_STRING || d.data_size != 2)
		return -1;
	a = d.utf8_string[0] & ~0x20;
	b = d.utf8_string[1] & ~0x20;
	if (a < 'A' || a > 'Z' || b < 'A' || b > 'Z')
		return -1;
	cc[0] = a;
	cc[1] = b;
	cc[2] = '\0';
	return 0;
}

int
geo_country(struct geo *g, const char *ip, char cc[3])
{
	struct sockaddr_in sin;
	struct sockaddr_in6 sin6;
	const struct sockaddr *sa;
	MMDB_lookup_result_s res;
	int err;

	cc[0] = '\0';
	/* INET6_ADDRSTRLEN counts the NUL: anything longer is no address */
	if (g == NULL || ip == NULL ||
	    strnlen(ip, INET6_ADDRSTRLEN) == INET6_ADDRSTRLEN)
		return -1;
	memset(&sin, 0, sizeof(sin));
	memset(&sin6, 0, sizeof(sin6));
	sin.sin_family = AF_INET;
	sin6.sin6_family = AF_INET6;
	if (inet_pton(AF_INET, ip, &sin.sin_addr) == 1)
		sa = (const struct sockaddr *)&sin;
	else if (inet_pton(AF_INET6, ip, &sin6.sin6_addr) == 1) {
		if (IN6_IS_ADDR_V4MAPPED(&sin6.sin6_addr)) {
			memcpy(&sin.sin_addr, &sin6.sin6_addr.s6_addr[12], 4);
			sa = (const struct sockaddr *)&sin;
		} else
			sa = (const struct sockaddr *)&sin6;
	} else
		return -1;

	/* an IPv6 address in an IPv4-only database is an error: not found */
	res = MMDB_lookup_sockaddr(&g->mmdb, sa, &err);
	if (err != MMDB_SUCCESS || !res.found_entry)
		return -1;
	if (iso_code(&res.entry, "country", cc) == 0 ||
	    iso_code(&res.entry, "registered_country", cc) == 0)
		return 0;
	cc[0] = '\0';
	return -1;
}
