/*
 * tz: time zones from TZif files and POSIX TZ strings, without TZ or
 * tzset(), so that any thread can ask any zone.  A zone is a table of
 * offset changes (transitions that do not change the offset are dropped)
 * and, from the file's last transition on, the POSIX rule of its footer.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "log.h"
#include "tz.h"

#define TZ_FILE_MAX	(256 * 1024)
#define TZ_FOOTER_MAX	256
#define TZ_TYPES_MAX	256
/* RFC 8536: offsets SHOULD lie in [-89999, 93599]; anything else is refused. */
#define OFF_MIN		(-89999L)
#define OFF_MAX		93599L
/* Instants are clamped to +-2^50 s (35 million years): no overflow below. */
#define T_LIMIT		(1LL << 50)
#define DAY_LIMIT	(T_LIMIT / 86400)
#define WINDOW		(2 * 86400LL)

/* A transition date of a POSIX rule. */
struct rdate {
	char	 kind;		/* 'J' (1..365, no Feb 29), 'N' (0..365), 'M' */
	int	 n;		/* J and N */
	int	 m, w, d;	/* M: month, week 1..5 (5 = last), weekday */
	long	 secs;		/* local time of day, -167 h .. 167 h */
};

struct posix {
	long		 std_off;	/* seconds east of UTC */
	long		 dst_off;
	int		 has_dst;	/* 0: std_off all year */
	struct rdate	 start;		/* std -> dst, in standard local time */
	struct rdate	 end;		/* dst -> std, in daylight local time */
};

struct tz {
	char		 name[TZ_NAME_MAX + 1];
	size_t		 n;
	long long	*at;		/* n instants where the offset changes, ascending */
	long		*off;		/* the offset from at[i] on */
	long		 off0;		/* before at[0]; always when n == 0 */
	int		 has_rule;	/* the footer governs from footer_from on */
	long long	 footer_from;
	struct posix	 rule;
};

static long long
clamp_t(long long t)
{
	if (t < -T_LIMIT)
		return -T_LIMIT;
	if (t > T_LIMIT)
		return T_LIMIT;
	return t;
}

/* Floor division for a positive divisor. */
static long long
fdiv(long long a, long long b)
{
	return a >= 0 ? a / b : -((-a + b - 1) / b);
}

/* ---- Calendar ---- */

long
days_from_civil(int y, int m, int d)
{
	long long yy, era, yoe, doy, doe, r;
	int mm;

	/* Bring m into 1..12 so any month number works. */
	yy = (long long)y + fdiv((long long)m - 1, 12);
	mm = (int)((long long)m - 1 - fdiv((long long)m - 1, 12) * 12) + 1;
	yy -= mm <= 2;
	era = fdiv(yy, 400);
	yoe = yy - era * 400;
	doy = (153LL * (mm > 2 ? mm - 3 : mm + 9) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	r = era * 146097 + doe - 719468;
	if (r < -DAY_LIMIT)
		r = -DAY_LIMIT;
	if (r > DAY_LIMIT)
		r = DAY_LIMIT;
	return (long)r;
}

void
civil_from_days(long day, int *y, int *m, int *d)
{
	long long z, era, doe, yoe, doy, mp, yy;

	z = day;
	if (z < -DAY_LIMIT)
		z = -DAY_LIMIT;
	if (z > DAY_LIMIT)
		z = DAY_LIMIT;
	z += 719468;
	era = fdiv(z, 146097);
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	yy = yoe + era * 400;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = (int)(yy + (*m <= 2));
}

int
weekday(long day)
{
	return (int)((day % 7 + 11) % 7);	/* day 0 was a Thursday */
}

int
is_leap_year(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

int
days_in_month(int y, int m)
{
	static const int len[12] = {
		31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31
	};

	if (m < 1 || m > 12)
		return 0;
	return len[m - 1] + (m == 2 && is_leap_year(y));
}

/* ---- POSIX TZ strings ---- */

static int
is_digit(int c)
{
	return c >= '0' && c <= '9';
}

static int
is_alpha(int c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

/* An abbreviation: at least three letters, or <...> of [A-Za-z0-9+-]. */
static const char *
parse_abbr(const char *p)
{
	const char *q;

	if (*p == '<') {
		q = ++p;
		while (is_alpha(*p) || is_digit(*p) || *p == '+' || *p == '-')
			p++;
		if (*p != '>' || p - q < 3)
			return NULL;
		return p + 1;
	}
	q = p;
	while (is_alpha(*p))
		p++;
	return p - q < 3 ? NULL : p;
}

/* Up to maxdigits digits into *v; NULL when none or too many. */
static const char *
parse_num(const char *p, int maxdigits, long *v)
{
	int i;

	*v = 0;
	for (i = 0; is_digit(p[i]); i++) {
		if (i == maxdigits)
			return NULL;
		*v = *v * 10 + (p[i] - '0');
	}
	return i == 0 ? NULL : p + i;
}

/* [+-]h[h[h]][:mm[:ss]] with hours up to maxh, into signed seconds. */
static const char *
parse_hms(const char *p, long maxh, long *secs)
{
	long h, mi = 0, s = 0;
	int neg = 0;

	if (*p == '+' || *p == '-')
		neg = *p++ == '-';
	if ((p = parse_num(p, 3, &h)) == NULL || h > maxh)
		return NULL;
	if (*p == ':') {
		if ((p = parse_num(p + 1, 2, &mi)) == NULL || mi > 59)
			return NULL;
		if (*p == ':' &&
		    ((p = parse_num(p + 1, 2, &s)) == NULL || s > 59))
			return NULL;
	}
	*secs = h * 3600 + mi * 60 + s;
	if (neg)
		*secs = -*secs;
	return p;
}

/* A rule date and its optional /time. */
static const char *
parse_rdate(const char *p, struct rdate *r)
{
	long v, w, d;

	memset(r, 0, sizeof(*r));
	if (*p == 'J') {
		if ((p = parse_num(p + 1, 3, &v)) == NULL || v < 1 || v > 365)
			return NULL;
		r->kind = 'J';
		r->n = (int)v;
	} else if (*p == 'M') {
		if ((p = parse_num(p + 1, 2, &v)) == NULL || v < 1 || v > 12 ||
		    *p != '.' ||
		    (p = parse_num(p + 1, 1, &w)) == NULL || w < 1 || w > 5 ||
		    *p != '.' ||
		    (p = parse_num(p + 1, 1, &d)) == NULL || d > 6)
			return NULL;
		r->kind = 'M';
		r->m = (int)v;
		r->w = (int)w;
		r->d = (int)d;
	} else {
		if ((p = parse_num(p, 3, &v)) == NULL || v > 365)
			return NULL;
		r->kind = 'N';
		r->n = (int)v;
	}
	r->secs = 7200;
	if (*p == '/' && (p = parse_hms(p + 1, 167, &r->secs)) == NULL)
		return NULL;
	return p;
}

/*
 * std offset [dst [offset] [,start[/time],end[/time]]].  POSIX offsets
 * count west, so they are negated.  A DST zone without rules gets the US
 * rules, as glibc does.  An equal DST offset means no DST at all.
 */
static int
posix_parse(const char *s, struct posix *r)
{
	const char *p = s;
	long v;

	memset(r, 0, sizeof(*r));
	if ((p = parse_abbr(p)) == NULL || (p = parse_hms(p, 24, &v)) == NULL)
		return -1;
	r->std_off = -v;
	if (*p == '\0')
		return 0;
	if ((p = parse_abbr(p)) == NULL)
		return -1;
	r->dst_off = r->std_off + 3600;
	if (*p != ',' && *p != '\0') {
		if ((p = parse_hms(p, 24, &v)) == NULL)
			return -1;
		r->dst_off = -v;
	}
	if (*p == '\0') {
		p = ",M3.2.0,M11.1.0";
		if ((p = parse_rdate(p + 1, &r->start)) == NULL ||
		    (p = parse_rdate(p + 1, &r->end)) == NULL)
			return -1;
	} else if (*p != ',' ||
	    (p = parse_rdate(p + 1, &r->start)) == NULL || *p != ',' ||
	    (p = parse_rdate(p + 1, &r->end)) == NULL || *p != '\0')
		return -1;
	r->has_dst = r->dst_off != r->std_off;
	return 0;
}

/* The local day (days since the epoch) of a rule date in year y. */
static long
rdate_day(const struct rdate *r, int y)
{
	long first, day;
	int len;

	switch (r->kind) {
	case 'J':
		return days_from_civil(y, 1, 1) + r->n - 1 +
		    (is_leap_year(y) && r->n >= 60);
	case 'N':
		return days_from_civil(y, 1, 1) + r->n;
	default:
		first = days_from_civil(y, r->m, 1);
		day = first + (r->d - weekday(first) + 7) % 7 + (r->w - 1) * 7;
		len = days_in_month(y, r->m);
		while (day >= first + len)
			day -= 7;
		return day;
	}
}

struct event {
	long long	 t;
	int		 year;
	int		 dst;	/* the state from t on */
};

static int
event_cmp(const void *a, const void *b)
{
	const struct event *x = a, *y = b;

	if (x->t != y->t)
		return x->t < y->t ? -1 : 1;
	if (x->year != y->year)
		return x->year < y->year ? -1 : 1;
	return x->dst - y->dst;
}

#define EVENT_YEARS	5

/*
 * The rule's changes in the five years around t, in order.  Of changes at
 * the same instant the later year's wins, so a DST ending at J365/25 and
 * one starting at 0/0 (RFC 8536's all-year DST) leave DST on.
 */
static void
posix_events(const struct posix *r, long long t,
    struct event ev[2 * EVENT_YEARS])
{
	int civ_m, civ_d, y, i;
	long day;

	day = (long)fdiv(t + r->std_off, 86400);
	civil_from_days(day, &y, &civ_m, &civ_d);
	for (i = 0; i < EVENT_YEARS; i++) {
		int yy = y - 2 + i;

		ev[2 * i].t = rdate_day(&r->start, yy) * 86400LL +
		    r->start.secs - r->std_off;
		ev[2 * i].year = yy;
		ev[2 * i].dst = 1;
		ev[2 * i + 1].t = rdate_day(&r->end, yy) * 86400LL +
		    r->end.secs - r->dst_off;
		ev[2 * i + 1].year = yy;
		ev[2 * i + 1].dst = 0;
	}
	qsort(ev, 2 * EVENT_YEARS, sizeof(ev[0]), event_cmp);
}

static int
posix_isdst(const struct event ev[2 * EVENT_YEARS], long long t)
{
	int i, dst = 0;

	for (i = 0; i < 2 * EVENT_YEARS && ev[i].t <= t; i++)
		dst = ev[i].dst;
	return dst;
}

static long
posix_offset(const struct posix *r, long long t)
{
	struct event ev[2 * EVENT_YEARS];

	if (!r->has_dst)
		return r->std_off;
	posix_events(r, t, ev);
	return posix_isdst(ev, t) ? r->dst_off : r->std_off;
}

/* The first instant after t where the rule switches; 0 when it never does. */
static int
posix_next(const struct posix *r, long long t, long long *next)
{
	struct event ev[2 * EVENT_YEARS];
	int i, state, s;

	if (!r->has_dst)
		return 0;
	posix_events(r, t, ev);
	state = posix_isdst(ev, t);
	for (i = 0; i < 2 * EVENT_YEARS; i++) {
		if (ev[i].t <= t)
			continue;
		s = ev[i].dst;
		while (i + 1 < 2 * EVENT_YEARS && ev[i + 1].t == ev[i].t)
			s = ev[++i].dst;
		if (s != state) {
			*next = ev[i].t;
			return 1;
		}
	}
	return 0;	/* no change in years: the rule never changes */
}

/* ---- Zones ---- */

static struct tz *
tz_new(const char *name)
{
	struct tz *z = xcalloc(1, sizeof(*z));
	size_t len = strlen(name);

	if (len > TZ_NAME_MAX)
		len = TZ_NAME_MAX;
	memcpy(z->name, name, len);
	z->name[len] = '\0';
	return z;
}

void
tz_free(struct tz *z)
{
	if (z == NULL)
		return;
	free(z->at);
	free(z->off);
	free(z);
}

const char *
tz_name(const struct tz *z)
{
	return z == NULL ? "UTC" : z->name;
}

int
tz_valid_name(const char *name)
{
	size_t i, len;

	if (name == NULL || (len = strlen(name)) == 0 || len > TZ_NAME_MAX)
		return 0;
	if (name[0] == '/' || name[len - 1] == '/')
		return 0;
	for (i = 0; i < len; i++) {
		char c = name[i];

		if (c == '/' && name[i + 1] == '/')
			return 0;
		if (!is_alpha(c) && !is_digit(c) && c != '/' && c != '_' &&
		    c != '+' && c != '-')
			return 0;
	}
	return strstr(name, "..") == NULL;	/* '.' is refused anyway */
}

struct tz *
tz_from_posix(const char *spec)
{
	struct tz *z;
	struct posix r;

	if (spec == NULL || strlen(spec) > TZ_FOOTER_MAX ||
	    posix_parse(spec, &r) == -1) {
		log_warn("bad posix time zone string");
		return NULL;
	}
	z = tz_new(spec);
	z->off0 = r.std_off;
	z->has_rule = 1;
	z->footer_from = LLONG_MIN;
	z->rule = r;
	return z;
}

static uint32_t
be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | (uint32_t)p[3];
}

static int64_t
be64(const unsigned char *p)
{
	return (int64_t)((uint64_t)be32(p) << 32 | be32(p + 4));
}

struct tzhead {
	int		 version;	/* 1, 2, 3, ... */
	uint64_t	 isut, isstd, leap, time, type, chars;
};

static int
head_parse(const unsigned char *p, size_t len, struct tzhead *h)
{
	if (len < 44 || memcmp(p, "TZif", 4) != 0)
		return -1;
	if (p[4] == '\0')
		h->version = 1;
	else if (p[4] >= '2' && p[4] <= '9')
		h->version = p[4] - '0';
	else
		return -1;
	h->isut = be32(p + 20);
	h->isstd = be32(p + 24);
	h->leap = be32(p + 28);
	h->time = be32(p + 32);
	h->type = be32(p + 36);
	h->chars = be32(p + 40);
	return 0;
}

/* Bytes of a data block whose times take tsize bytes. */
static uint64_t
block_size(const struct tzhead *h, uint64_t tsize)
{
	return h->time * tsize + h->time + h->type * 6 + h->chars +
	    h->leap * (tsize + 4) + h->isstd + h->isut;
}

/*
 * Fill z from the data block at p (the header already checked to fit).
 * Keeps only the transitions that change the offset; sets footer_from to
 * the last transition.
 */
static int
block_parse(struct tz *z, const struct tzhead *h, const unsigned char *p,
    uint64_t tsize, const char **why)
{
	const unsigned char *times = p, *idx, *types;
	long offs[TZ_TYPES_MAX], prev, o;
	long long t, last = 0;
	uint64_t i;

	if (h->type == 0 || h->type > TZ_TYPES_MAX || h->chars == 0 ||
	    (h->isstd != 0 && h->isstd != h->type) ||
	    (h->isut != 0 && h->isut != h->type)) {
		*why = "bad counts";
		return -1;
	}
	if (h->leap != 0) {
		*why = "leap seconds not supported";
		return -1;
	}
	idx = times + h->time * tsize;
	types = idx + h->time;
	for (i = 0; i < h->type; i++) {
		const unsigned char *tt = types + 6 * i;

		offs[i] = (long)(int32_t)be32(tt);
		if (offs[i] < OFF_MIN || offs[i] > OFF_MAX || tt[4] > 1 ||
		    tt[5] >= h->chars) {
			*why = "bad time type";
			return -1;
		}
	}
	z->at = xcalloc(h->time ? h->time : 1, sizeof(*z->at));
	z->off = xcalloc(h->time ? h->time : 1, sizeof(*z->off));
	z->n = 0;
	z->off0 = prev = offs[0];
	for (i = 0; i < h->time; i++) {
		t = tsize == 8 ? (long long)be64(times + 8 * i) :
		    (long long)(int32_t)be32(times + 4 * i);
		/* 2^60 s leaves room for the arithmetic around the footer. */
		if ((i > 0 && t <= last) || t < -(1LL << 60) || t > 1LL << 60) {
			*why = "transitions out of order or range";
			return -1;
		}
		if (idx[i] >= h->type) {
			*why = "bad type index";
			return -1;
		}
		last = t;
		o = offs[idx[i]];
		if (o != prev) {
			z->at[z->n] = t;
			z->off[z->n] = o;
			z->n++;
			prev = o;
		}
	}
	z->footer_from = h->time ? last : LLONG_MIN;
	return 0;
}

/* Parse a whole TZif file.  NULL with *why set when it is bad. */
static struct tz *
tzif_parse(const unsigned char *p, size_t len, const char *name,
    const char **why)
{
	struct tzhead h;
	struct tz *z;
	uint64_t size;
	const unsigned char *foot, *nl;
	char spec[TZ_FOOTER_MAX + 1];
	size_t flen;

	if (head_parse(p, len, &h) == -1) {
		*why = "not a tzif file";
		return NULL;
	}
	size = block_size(&h, 4);
	if (size > len - 44) {
		*why = "truncated";
		return NULL;
	}
	z = tz_new(name);
	if (h.version == 1) {
		if (block_parse(z, &h, p + 44, 4, why) == -1)
			goto fail;
		return z;
	}
	p += 44 + size;
	len -= 44 + size;
	if (head_parse(p, len, &h) == -1 || h.version < 2) {
		*why = "bad second header";
		goto fail;
	}
	size = block_size(&h, 8);
	if (size > len - 44) {
		*why = "truncated";
		goto fail;
	}
	if (block_parse(z, &h, p + 44, 8, why) == -1)
		goto fail;
	foot = p + 44 + size;
	len -= 44 + size;
	if (len < 2 || foot[0] != '\n' ||
	    (nl = memchr(foot + 1, '\n', len - 1)) == NULL) {
		*why = "bad footer";
		goto fail;
	}
	flen = (size_t)(nl - foot - 1);
	if (flen == 0)
		return z;	/* no rule: the last offset stays */
	if (flen > TZ_FOOTER_MAX) {
		*why = "footer too long";
		goto fail;
	}
	memcpy(spec, foot + 1, flen);
	spec[flen] = '\0';
	if (memchr(spec, '\0', flen) != NULL ||
	    posix_parse(spec, &z->rule) == -1) {
		*why = "bad footer";
		goto fail;
	}
	z->has_rule = 1;
	return z;
fail:
	tz_free(z);
	return NULL;
}

static int
is_utc_name(const char *name)
{
	return strcmp(name, "UTC") == 0 || strcmp(name, "Etc/UTC") == 0;
}

struct tz *
tz_load(const char *dir, const char *name)
{
	char path[4096];
	unsigned char *data = NULL;
	struct tz *z = NULL;
	struct stat st;
	const char *why = NULL;
	size_t len = 0;
	ssize_t r;
	int fd, n;

	if (!tz_valid_name(name)) {
		log_warn("bad time zone name");
		return NULL;
	}
	if (dir == NULL)
		dir = TZ_DIR_DEFAULT;
	n = snprintf(path, sizeof(path), "%s/%s", dir, name);
	if (n < 0 || (size_t)n >= sizeof(path)) {
		log_warn("%s: path too long", name);
		return NULL;
	}
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)) < 0) {
		if (is_utc_name(name))
			return tz_new(name);
		if (errno == ENOENT || errno == ENOTDIR)
			log_warn("unknown time zone %s", name);
		else
			log_warn("%s: %s", path, strerror(errno));
		return NULL;
	}
	if (fstat(fd, &st) < 0) {
		log_warn("%s: %s", path, strerror(errno));
		goto out;
	}
	if (!S_ISREG(st.st_mode) || st.st_size > TZ_FILE_MAX) {
		log_warn("unknown time zone %s", name);
		goto out;
	}
	/* One byte more than allowed, to notice a file that grew. */
	data = xmalloc(TZ_FILE_MAX + 1);
	for (;;) {
		r = read(fd, data + len, TZ_FILE_MAX + 1 - len);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			log_warn("%s: %s", path, strerror(errno));
			goto out;
		}
		if (r == 0)
			break;
		len += (size_t)r;
		if (len > TZ_FILE_MAX) {
			log_warn("%s: larger than %d bytes", path, TZ_FILE_MAX);
			goto out;
		}
	}
	if ((z = tzif_parse(data, len, name, &why)) == NULL)
		log_warn("%s: %s", path, why);
out:
	free(data);
	close(fd);
	return z;
}

/* ---- Queries ---- */

static long
offset_at(const struct tz *z, long long t)
{
	size_t lo, hi, mid;

	if (z == NULL)
		return 0;
	if (z->has_rule && t >= z->footer_from)
		return posix_offset(&z->rule, t);
	if (z->n == 0 || t < z->at[0])
		return z->off0;
	/* The last i with at[i] <= t. */
	lo = 0;
	hi = z->n;
	while (hi - lo > 1) {
		mid = lo + (hi - lo) / 2;
		if (z->at[mid] <= t)
			lo = mid;
		else
			hi = mid;
	}
	return z->off[lo];
}

/* The next instant after t that may change the offset. */
static int
next_candidate(const struct tz *z, long long t, long long *c)
{
	size_t lo, hi, mid;

	if (z == NULL)
		return 0;
	if (z->has_rule && t >= z->footer_from)
		return posix_next(&z->rule, t, c);
	/* The first i with at[i] > t. */
	lo = 0;
	hi = z->n;
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (z->at[mid] <= t)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < z->n) {
		*c = z->at[lo];
		return 1;
	}
	if (z->has_rule) {
		*c = z->footer_from;	/* > t here */
		return 1;
	}
	return 0;
}

/*
 * The first instant in (t, limit) where the offset stops being `off` (the
 * offset at t); 0 when there is none.
 */
static int
next_change(const struct tz *z, long long t, long off, long long limit,
    long long *when, long *newoff)
{
	long long c;
	long o;

	for (;;) {
		if (!next_candidate(z, t, &c) || c >= limit)
			return 0;
		if ((o = offset_at(z, c)) != off) {
			*when = c;
			*newoff = o;
			return 1;
		}
		t = c;
	}
}

long
tz_offset(const struct tz *z, long long utc)
{
	return offset_at(z, clamp_t(utc));
}

long
tz_local_day(const struct tz *z, long long utc)
{
	utc = clamp_t(utc);
	return (long)fdiv(utc + offset_at(z, utc), 86400);
}

long long
tz_local_to_utc(const struct tz *z, long long local)
{
	long long cur, end, when, u, limit;
	long off, newoff;
	int more;

	local = clamp_t(local);
	/*
	 * The earliest u with u + offset(u) >= local.  Offsets are within
	 * +-26 h, so u lies within two days of local.  Walking the spans in
	 * order, the first span holding such a u holds the earliest.
	 */
	cur = local - WINDOW;
	limit = local + WINDOW;
	off = offset_at(z, cur);
	for (;;) {
		more = next_change(z, cur, off, limit, &when, &newoff);
		end = more ? when : limit;
		u = local - off;
		if (u < cur)
			u = cur;	/* local falls in a gap: the gap's end */
		if (u < end)
			return u;
		if (!more)
			break;
		cur = when;
		off = newoff;
	}
	return local - offset_at(z, local);	/* not reached */
}

long long
tz_day_start(const struct tz *z, long day)
{
	if (day < -DAY_LIMIT)
		day = -DAY_LIMIT;
	if (day > DAY_LIMIT)
		day = DAY_LIMIT;
	return tz_local_to_utc(z, day * 86400LL);
}

size_t
tz_spans(const struct tz *z, long long from, long long to,
    struct tz_span *out, size_t max)
{
	long long when;
	long off, newoff;
	size_t k = 0;
	int more;

	from = clamp_t(from);
	to = clamp_t(to);
	if (from >= to)
		return 0;
	off = offset_at(z, from);
	while (k < max) {
		more = next_change(z, from, off, to, &when, &newoff);
		out[k].start_utc = from;
		out[k].end_utc = more ? when : to;
		out[k].offset = off;
		k++;
		if (!more)
			break;
		from = when;
		off = newoff;
	}
	return k;
}

/* ---- Cache ---- */

static pthread_mutex_t cache_lock = PTHREAD_MUTEX_INITIALIZER;
static struct tz *cache[TZ_CACHE_MAX];
static size_t cache_n;

const struct tz *
tz_get(const char *name)
{
	struct tz *z = NULL;
	size_t i;

	if (!tz_valid_name(name)) {
		log_warn("bad time zone name");
		return NULL;
	}
	pthread_mutex_lock(&cache_lock);
	for (i = 0; i < cache_n; i++)
		if (strcmp(cache[i]->name, name) == 0) {
			z = cache[i];
			goto out;
		}
	if (cache_n == TZ_CACHE_MAX) {
		log_err("time zone cache full (%d zones)", TZ_CACHE_MAX);
		goto out;
	}
	/* Loading under the lock: a few kilobytes, once per zone. */
	if ((z = tz_load(TZ_DIR_DEFAULT, name)) != NULL)
		cache[cache_n++] = z;
out:
	pthread_mutex_unlock(&cache_lock);
	return z;
}

void
tz_cache_free(void)
{
	size_t i;

	pthread_mutex_lock(&cache_lock);
	for (i = 0; i < cache_n; i++) {
		tz_free(cache[i]);
		cache[i] = NULL;
	}
	cache_n = 0;
	pthread_mutex_unlock(&cache_lock);
}
