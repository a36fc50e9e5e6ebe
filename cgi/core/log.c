/*
 * log: timestamped lines on standard error.  The level and program name
 * are set once at start-up, before any thread runs, and only read after.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "log.h"

static const char *log_prog = "trackr";
static enum log_level log_max = LOGL_INFO;
static const char *const log_names[LOGL__MAX] = { "error", "warn", "info", "debug" };

void
log_init(const char *prog, enum log_level level)
{
	log_prog = prog;
	log_max = level;
}

int
log_level_parse(const char *s)
{
	int i;

	for (i = 0; i < LOGL__MAX; i++)
		if (strcmp(s, log_names[i]) == 0)
			return i;
	return -1;
}

int
log_enabled(enum log_level level)
{
	return level <= log_max;
}

void
log_msg(enum log_level level, const char *func, const char *fmt, ...)
{
	char line[1024], stamp[32];
	struct timespec ts;
	struct tm tm;
	va_list ap;
	int n, m;

	if (level > log_max)
		return;
	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%S", &tm);
	n = snprintf(line, sizeof(line), "%s.%03ldZ %s[%ld] %s: %s: ", stamp,
	    ts.tv_nsec / 1000000, log_prog, (long)getpid(),
	    log_names[level], func);
	if (n < 0 || (size_t)n >= sizeof(line))
		n = 0;
	va_start(ap, fmt);
	m = vsnprintf(line + n, sizeof(line) - n - 1, fmt, ap);
	va_end(ap);
	/* A long message is cut, visibly, rather than dropped. */
	if (m < 0)
		m = 0;
	else if ((size_t)m >= sizeof(line) - n - 1) {
		m = sizeof(line) - n - 2;
		memcpy(line + n + m - 3, "...", 3);
	}
	line[n + m] = '\n';
	/* One write(2) per line so concurrent threads do not interleave. */
	if (write(STDERR_FILENO, line, n + m + 1) < 0)
		return;
}
