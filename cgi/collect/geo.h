/*
 * geo: country of an IP address from a MaxMind DB file (GeoLite2-Country,
 * GeoLite2-City, DB-IP country lite).  The file is opened once at start-up
 * and then only read, so lookups are safe from many threads.
 */
#ifndef TRACKR_GEO_H
#define TRACKR_GEO_H

struct geo;

/*
 * Open the database at path (memory-mapped).  Returns a handle to pass to
 * geo_close(), or NULL: silently when path is NULL or "" (geolocation is
 * off), with a logged message when the file cannot be opened.
 */
struct geo	*geo_open(const char *path);

/*
 * Write the ISO 3166-1 alpha-2 code (upper case, NUL-terminated) of the
 * textual IPv4 or IPv6 address ip into cc: the "country" of the network,
 * else its "registered_country".  Returns 0, or -1 with cc = "" when g is
 * NULL, ip is not an address, or the database has no country for it.
 * Does not allocate; safe to call from any thread.
 */
int		 geo_country(struct geo *g, const char *ip, char cc[3]);

/* Unmap and free; g may be NULL. */
void		 geo_close(struct geo *g);

#endif
