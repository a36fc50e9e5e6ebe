/*
 * gen: `trackrctl gen-events`, a reproducible generator of realistic
 * analytics data (sessions and events as the collector stores them) for
 * benchmarking the dashboard.  Same arguments and seed, same rows.
 */
#ifndef TRACKR_GEN_H
#define TRACKR_GEN_H

#include "conf.h"
#include "db.h"

#define GEN_USAGE "trackrctl [-c config] gen-events --site DOMAIN --events N " \
	"--months M --seed S\n" \
	"                 [--end YYYY-MM-DD] [--tz ZONE]"

/* gen_events_main() when the arguments are wrong: the caller prints usage. */
#define GEN_BAD_USAGE	(-2)

/*
 * Run `gen-events` with argv[0] = "gen-events": make (or reuse) the
 * organisation "Benchmark" and the site (on db), delete the site's
 * events, sessions and rollups, then write exactly N events spread over
 * M months ending with day --end (default: today, UTC), through two more
 * connections opened with conf.  Prints progress on stderr and the
 * totals on stdout.  Returns 0, -1 (logged) on failure, or GEN_BAD_USAGE.
 */
int	gen_events_main(const struct conf *conf, struct db *db, int argc, char *argv[]);

#endif
