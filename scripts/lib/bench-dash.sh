# `scripts/trackr bench-dash`: the dashboard's server time on a realistic
# site of 10 million events (trackrctl gen-events), on a stack of its own
# (var/bench-dash/, nginx on 127.0.0.1:38080, MariaDB with a 4 GB buffer
# pool).  The data is generated once and kept between runs; the rollups are
# brought up to date (timed), and the dashboard's column store of closed
# days is loaded before anything is measured.  For each page
# (overview, pages, sources, countries; 30 days and 12 months; without and
# with two filters) it makes BENCH_DASH_WARMUP requests, then BENCH_DASH_N
# measured ones, and reports p50 and p95 of the program's own time (nginx's
# $upstream_response_time) and of the whole request (curl), then the
# memory of the dashboard process.  A benchmark, not a test: it fails only
# when the stack, the data or a page does not work.  Sourced.
#
# Settings (environment):
#   BENCH_DASH_EVENTS=10000000 BENCH_DASH_MONTHS=12 BENCH_DASH_SEED=1
#                           the data set; another value generates it again
#   BENCH_DASH_REGEN=1      generate again even when the data is there
#   BENCH_DASH_N=20 BENCH_DASH_WARMUP=2 BENCH_DASH_TIMEOUT=300 (s a request)
#   BENCH_DASH_LOAD_WAIT=900 (s to wait for the dashboard's column store)

BENCH_DASH_DOMAIN=dash.bench.example
BENCH_DASH_EMAIL=bench@dash.bench.example
BENCH_DASH_FILTER='&f=country:is:DE&f=device:is:mobile'
declare -a BENCH_DASH_ROWS=() BENCH_DASH_FAILED=() BENCH_DASH_MEM=()
BENCH_DASH_STARTED=0

bench_dash_on_exit() {
	local rc=$?
	if ((BENCH_DASH_STARTED)); then
		BENCH_DASH_STARTED=0
		step "stopping the bench-dash stack"
		bench_dash_down || warn "the bench-dash stack did not stop cleanly"
	fi
	return "$rc"
}

bench_dash_sql() {
	mariadb --defaults-file="$CLIENTCNF" --batch --skip-column-names trackr -e "$1"
}

# bench_dash_up: MariaDB (the 4 GB pool comes from the benchdash lines of
# scripts/my.cnf.in), the schema, the dashboard and nginx (whose benchdash
# lines log the upstream time of /dash requests to nginx-dash.log).
bench_dash_up() {
	make_dirs
	nginx_user_init
	if ! pidfile_ours "$NGINX_PID" "$NGINX_PAT" >/dev/null && port_in_use "$HTTP_PORT"; then
		die "127.0.0.1:$HTTP_PORT is already in use by another program (not this stack's nginx)"
	fi
	BENCH_DASH_STARTED=1
	start_mariadb
	ensure_database
	write_conf
	migrate
	# A fresh process: its column store and memory are this run's.
	stop_dashboard
	start_dashboard
	start_nginx
	local pool
	pool=$(db_root -N -e 'SELECT @@innodb_buffer_pool_size')
	ok "MariaDB buffer pool: $((pool / 1024 / 1024)) MiB"
	((pool >= 4 * 1024 * 1024 * 1024)) ||
		warn "the buffer pool is not 4 GiB: is the benchdash line in scripts/my.cnf.in?"
}

bench_dash_down() {
	nginx_user_init
	stop_nginx
	stop_dashboard
	stop_mariadb
	rm -f "$DASHBOARD_SOCK"
}

# bench_dash_data: generate the data set unless the one described in
# VARDIR/dataset is complete in the database.  Sets BENCH_DASH_SITE.
bench_dash_data() {
	local want have='' count=0 out t0 t1 end
	want="events=$BENCH_DASH_EVENTS months=$BENCH_DASH_MONTHS seed=$BENCH_DASH_SEED site=$BENCH_DASH_DOMAIN"
	[[ -f $VARDIR/dataset ]] && have=$(<"$VARDIR/dataset")
	step "data set ($want)"
	BENCH_DASH_SITE=$(bench_dash_sql "SELECT id FROM sites WHERE domain = '$BENCH_DASH_DOMAIN'")
	if [[ $BENCH_DASH_SITE =~ ^[0-9]+$ ]]; then
		count=$(bench_dash_sql "SELECT COUNT(*) FROM events WHERE site_id = $BENCH_DASH_SITE")
	fi
	if [[ ${BENCH_DASH_REGEN:-0} != 1 && $have == "$want "* && $count == "$BENCH_DASH_EVENTS" ]]; then
		end=${have##* end=}
		ok "already there: site $BENCH_DASH_SITE, $count events ending $end"
		if (($(date -u +%s) - $(date -u -d "$end" +%s) > 7 * 86400)); then
			warn "the data ends $end: recent periods are partly empty (BENCH_DASH_REGEN=1 makes it anew)"
		fi
		BENCH_DASH_GEN="kept (generated before)"
		return 0
	fi
	rm -f "$VARDIR/dataset"
	end=$(date -u +%F)
	info "generating (deletes the site's old data first); progress in $(rel "$LOGDIR")/gen-events.log"
	t0=$(date +%s.%N)
	out=$("$CTL_BIN" -c "$CONF" gen-events --site "$BENCH_DASH_DOMAIN" \
		--events "$BENCH_DASH_EVENTS" --months "$BENCH_DASH_MONTHS" \
		--seed "$BENCH_DASH_SEED" --end "$end" 2>"$LOGDIR/gen-events.log") || {
		show_tail "$LOGDIR/gen-events.log" 20
		die "trackrctl gen-events failed"
	}
	t1=$(date +%s.%N)
	printf '%s\n' "$out" | sed 's/^/    /' >&2
	BENCH_DASH_SITE=$(sed -n 's/^site_id=\([0-9]*\)$/\1/p' <<<"$out")
	[[ $BENCH_DASH_SITE =~ ^[0-9]+$ ]] || die "gen-events printed no site_id= line"
	printf '%s end=%s\n' "$want" "$end" >"$VARDIR/dataset"
	BENCH_DASH_GEN=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.0f s", b - a }')
	BENCH_DASH_GEN+=" ($(sed -n 's/^elapsed=\([0-9.]*s\) events_per_s=\([0-9]*\).*/\1 writing, \2 events\/s/p' <<<"$out"))"
	ok "generated in $BENCH_DASH_GEN"
}

# bench_dash_rollup: one `trackrctl rollup` pass, timed.  Right after
# generating it builds every day of the site.
bench_dash_rollup() {
	local t0 t1
	step "trackrctl rollup"
	t0=$(date +%s.%N)
	"$CTL_BIN" -c "$CONF" rollup >"$LOGDIR/rollup.log" 2>&1 || {
		show_tail "$LOGDIR/rollup.log" 20
		die "trackrctl rollup failed"
	}
	t1=$(date +%s.%N)
	BENCH_DASH_ROLLUP=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f s", b - a }')
	[[ $BENCH_DASH_GEN == kept* ]] || BENCH_DASH_ROLLUP+=" (all days)"
	sed 's/^/    /' "$LOGDIR/rollup.log" >&2
	ok "rollup in $BENCH_DASH_ROLLUP; $(bench_dash_sql "SELECT CONCAT(COUNT(*), ' rows of rollup_days') FROM rollup_days WHERE site_id = $BENCH_DASH_SITE")"
}

# bench_dash_login: an owner of the site's organisation with a fresh
# session, made in SQL as the account program would (users, org_members,
# user_sessions keeping the SHA-256 of the cookie's token).  Sets
# BENCH_DASH_TOKEN.
bench_dash_login() {
	local code
	step "logging in (a session for $BENCH_DASH_EMAIL)"
	BENCH_DASH_TOKEN=$(head -c 32 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n')
	bench_dash_sql "
		INSERT INTO users (email, password_hash, email_verified_at)
		    VALUES ('$BENCH_DASH_EMAIL', '!no-login', UTC_TIMESTAMP())
		    ON DUPLICATE KEY UPDATE id = LAST_INSERT_ID(id);
		SET @u = LAST_INSERT_ID();
		SET @o = (SELECT org_id FROM sites WHERE id = $BENCH_DASH_SITE);
		INSERT IGNORE INTO org_members (org_id, user_id, role) VALUES (@o, @u, 'owner');
		DELETE FROM user_sessions WHERE user_id = @u;
		INSERT INTO user_sessions (token_hash, user_id, org_id, created_at, last_seen_at,
		    expires_at, user_agent, ip)
		    VALUES (UNHEX(SHA2('$BENCH_DASH_TOKEN', 256)), @u, @o, UTC_TIMESTAMP(),
		    UTC_TIMESTAMP(), UTC_TIMESTAMP() + INTERVAL 1 DAY, 'bench-dash', '127.0.0.1');" ||
		die "could not make the benchmark user and session"
	code=$(curl -s -o "$LOGDIR/bench-dash-probe.html" -w '%{http_code}' --max-time "$BENCH_DASH_TIMEOUT" \
		-H "Cookie: __Host-trackr_session=$BENCH_DASH_TOKEN" \
		"$BASE_URL/dash/$BENCH_DASH_SITE?period=30d") || true
	if [[ $code != 200 ]]; then
		head -c 400 "$LOGDIR/bench-dash-probe.html" >&2 2>/dev/null; echo >&2
		show_tail "$LOGDIR/dashboard.log" 20
		die "GET /dash/$BENCH_DASH_SITE?period=30d answered HTTP $code, not 200"
	fi
	ok "GET /dash/$BENCH_DASH_SITE?period=30d: HTTP 200"
}

# bench_dash_store: the dashboard keeps a site's closed days in memory
# (cgi/dashboard/mem.h), loaded in the background the first time a report
# asks: ask with a filtered report, then wait for its log line, so the
# measurements see the loaded store.  Sets BENCH_DASH_STORE.
bench_dash_store() {
	local mb from i line=''
	mb=$(sed -n 's/^dashboard_memory_mb *= *\([0-9]*\)$/\1/p' "$CONF")
	if [[ -z $mb || $mb == 0 ]]; then
		BENCH_DASH_STORE="off (dashboard_memory_mb = ${mb:-unset})"
		return 0
	fi
	step "dashboard column store (dashboard_memory_mb = $mb): loading the site"
	from=$(($(wc -l <"$LOGDIR/dashboard.log") + 1))
	curl -s -o /dev/null --max-time "$BENCH_DASH_TIMEOUT" \
		-H "Cookie: __Host-trackr_session=$BENCH_DASH_TOKEN" \
		"$BASE_URL/dash/$BENCH_DASH_SITE?period=12mo&f=country:is:DE" || true
	for ((i = 0; i < 2 * BENCH_DASH_LOAD_WAIT; i++)); do
		line=$(tail -n +"$from" "$LOGDIR/dashboard.log" | grep -F "site $BENCH_DASH_SITE: " |
			grep -E 'in memory|memory budget|could not load' | tail -n 1) || true
		[[ -n $line ]] && break
		sleep 0.5
	done
	if [[ -z $line ]]; then
		BENCH_DASH_STORE="not loaded within ${BENCH_DASH_LOAD_WAIT} s"
		warn "the dashboard logged no load of site $BENCH_DASH_SITE within ${BENCH_DASH_LOAD_WAIT} s: measuring anyway"
		return 0
	fi
	BENCH_DASH_STORE=${line#*"site $BENCH_DASH_SITE: "}
	[[ $line == *"in memory"* ]] || warn "site $BENCH_DASH_SITE: $BENCH_DASH_STORE"
	ok "$BENCH_DASH_STORE"
}

# pct P VALUES...: the P-th percentile (nearest rank) of the values.
bench_dash_pct() {
	local p=$1
	shift
	printf '%s\n' "$@" | sort -g | awk -v p="$p" '
		{ v[NR] = $1 }
		END { if (NR == 0) { print "-"; exit } r = int((p * NR + 99) / 100); if (r < 1) r = 1; print v[r] }'
}

ms() { awk -v s="$1" 'BEGIN { if (s == "-") print "-"; else printf "%.1f", s * 1000 }'; }

# bench_dash_case NAME PATH: warm-ups, then the measured requests; one
# row of the table.  A case whose page fails is reported as failed (with
# the status and time of the first failure) and the others go on.
bench_dash_case() {
	local name=$1 path=$2 i tag out code total bytes=0
	local -a curl_s=() up_s=() line
	for ((i = 1; i <= BENCH_DASH_WARMUP + BENCH_DASH_N; i++)); do
		tag=$name/$i
		out=$(curl -s -o "$LOGDIR/bench-dash-last.html" -w '%{http_code} %{time_total} %{size_download}' \
			--max-time "$BENCH_DASH_TIMEOUT" -H "X-Bench-Req: $tag" \
			-H "Cookie: __Host-trackr_session=$BENCH_DASH_TOKEN" "$BASE_URL$path") || true
		read -r code total bytes <<<"$out"
		if [[ $code != 200 ]]; then
			warn "$name: GET $path answered HTTP ${code:-000} after ${total:-?} s (request $i)"
			show_tail "$LOGDIR/dashboard.log" 5
			BENCH_DASH_FAILED+=("$name")
			BENCH_DASH_ROWS+=("$(printf '%-30s FAILED: HTTP %s after %s s at request %d' \
				"$name" "${code:-000}" "${total:-?}" "$i")")
			return 0
		fi
		((i > BENCH_DASH_WARMUP)) && curl_s+=("$total")
	done
	# The log line of each measured request: $msec $status tag $request_time $upstream_response_time $bytes
	while read -r -a line; do
		[[ ${line[2]%/*} == "$name" ]] || continue
		((${line[2]##*/} > BENCH_DASH_WARMUP)) || continue
		[[ ${line[4]} =~ ^[0-9.]+$ ]] && up_s+=("${line[4]}")
	done < <(grep -F " $name/" "$LOGDIR/nginx-dash.log" 2>/dev/null || true)
	((${#up_s[@]} == BENCH_DASH_N)) ||
		warn "$name: $((${#up_s[@]})) of $BENCH_DASH_N upstream times in $(rel "$LOGDIR")/nginx-dash.log"
	BENCH_DASH_ROWS+=("$(printf '%-30s %9s %9s %9s %9s %9s' "$name" \
		"$(ms "$(bench_dash_pct 50 "${up_s[@]}")")" "$(ms "$(bench_dash_pct 95 "${up_s[@]}")")" \
		"$(ms "$(bench_dash_pct 50 "${curl_s[@]}")")" "$(ms "$(bench_dash_pct 95 "${curl_s[@]}")")" \
		"$((bytes / 1024))")")
	info "${BENCH_DASH_ROWS[-1]}"
}

bench_dash_measure() {
	local page period filter name path funnel
	step "measuring: $BENCH_DASH_WARMUP warm-ups, then $BENCH_DASH_N requests a case"
	# Emptied, as earlier runs used the same tags (nginx appends: O_APPEND).
	: >"$LOGDIR/nginx-dash.log"
	for page in overview pages sources countries; do
		for period in 30d 12mo; do
			for filter in '' "$BENCH_DASH_FILTER"; do
				name="$page $period"
				[[ -n $filter ]] && name+=" DE+mobile"
				name=${name// /_}
				path=/dash/$BENCH_DASH_SITE
				[[ $page == overview ]] || path+=/$page
				path+="?period=$period$filter"
				bench_dash_case "$name" "$path"
			done
		done
	done
	# What the column store does not hold reads MariaDB: a "contains"
	# filter and the custom properties report (BENCH_DASH_SQL=1).
	if [[ ${BENCH_DASH_SQL:-0} == 1 ]]; then
		# Goals (a page pattern, an exact page, an event) and a funnel of them.
		bench_dash_sql "
			INSERT IGNORE INTO goals (site_id, kind, target) VALUES
			    ($BENCH_DASH_SITE, 'page', '/blog/*'), ($BENCH_DASH_SITE, 'page', '/pricing'),
			    ($BENCH_DASH_SITE, 'event', 'Signup');
			INSERT INTO funnels (site_id, name)
			    SELECT $BENCH_DASH_SITE, 'bench' FROM DUAL WHERE NOT EXISTS
			    (SELECT 1 FROM funnels WHERE site_id = $BENCH_DASH_SITE AND name = 'bench');
			SET @f = (SELECT id FROM funnels WHERE site_id = $BENCH_DASH_SITE AND name = 'bench');
			INSERT IGNORE INTO funnel_steps (funnel_id, step, goal_id)
			    SELECT @f, 1, id FROM goals WHERE site_id = $BENCH_DASH_SITE AND target = '/blog/*'
			    UNION ALL SELECT @f, 2, id FROM goals WHERE site_id = $BENCH_DASH_SITE AND target = '/pricing'
			    UNION ALL SELECT @f, 3, id FROM goals WHERE site_id = $BENCH_DASH_SITE AND target = 'Signup'"
		funnel=$(bench_dash_sql "SELECT id FROM funnels WHERE site_id = $BENCH_DASH_SITE AND name = 'bench'")
		for period in 30d 12mo; do
			bench_dash_case "goals_$period" "/dash/$BENCH_DASH_SITE/goals?period=$period"
			bench_dash_case "funnel_$period" \
				"/dash/$BENCH_DASH_SITE/funnels?period=$period&funnel=$funnel"
		done
		for period in 30d 12mo; do
			bench_dash_case "overview_${period}_page~blog" \
				"/dash/$BENCH_DASH_SITE?period=$period&f=page%3Acontains%3A%2Fblog"
			bench_dash_case "props_${period}" "/dash/$BENCH_DASH_SITE/props?period=$period"
		done
	fi
}

# The memory of the dashboard (and any child) and of MariaDB, from /proc.
bench_dash_rss() {
	local pid k label
	BENCH_DASH_MEM=()
	for label in trackr-dashboard mariadbd; do
		if [[ $label == trackr-dashboard ]]; then
			pid=$(pidfile_ours "$DASHBOARD_PID" "$DASHBOARD_PAT") || continue
		else
			pid=$(pidfile_ours "$MYSQLD_PID" "$MYSQLD_PAT") || continue
		fi
		for k in "$pid" $(children_of "$pid"); do
			BENCH_DASH_MEM+=("$(awk -v who="$label (pid $k)" '
				/^VmRSS:/ { rss = $2 } /^VmHWM:/ { hwm = $2 } /^Threads:/ { th = $2 }
				END { printf "%-32s VmRSS %8.1f MiB   VmHWM %8.1f MiB   threads %s", who, rss / 1024, hwm / 1024, th }' \
				"/proc/$k/status" 2>/dev/null)")
		done
	done
}

bench_dash_table() {
	local row
	printf '\n%sDashboard benchmark%s: site %s, %s events over %s months (seed %s), %s\n' \
		"$C_BOLD" "$C_OFF" "$BENCH_DASH_SITE" "$BENCH_DASH_EVENTS" "$BENCH_DASH_MONTHS" \
		"$BENCH_DASH_SEED" "$(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg)"
	printf '  data: %s; rollup: %s\n' "$BENCH_DASH_GEN" "$BENCH_DASH_ROLLUP"
	printf '  column store: %s\n' "$BENCH_DASH_STORE"
	printf '  %d requests a case after %d warm-ups; times in ms; "server" is nginx'"'"'s upstream time\n\n' \
		"$BENCH_DASH_N" "$BENCH_DASH_WARMUP"
	printf '  %-30s %9s %9s %9s %9s %9s\n' case 'server50' 'server95' 'total50' 'total95' 'KiB'
	for row in "${BENCH_DASH_ROWS[@]}"; do
		printf '  %s\n' "$row"
	done
	printf '\n'
	for row in "${BENCH_DASH_MEM[@]}"; do
		printf '  %s\n' "$row"
	done
	if ((${#BENCH_DASH_FAILED[@]} > 0)); then
		printf '\n%sFAIL: %d cases did not answer 200: %s%s\n' "$C_RED" \
			"${#BENCH_DASH_FAILED[@]}" "${BENCH_DASH_FAILED[*]}" "$C_OFF"
		return 1
	fi
}

bench_dash() {
	BENCH_DASH_EVENTS=${BENCH_DASH_EVENTS:-10000000}
	BENCH_DASH_MONTHS=${BENCH_DASH_MONTHS:-12}
	BENCH_DASH_SEED=${BENCH_DASH_SEED:-1}
	BENCH_DASH_N=${BENCH_DASH_N:-20}
	BENCH_DASH_WARMUP=${BENCH_DASH_WARMUP:-2}
	BENCH_DASH_TIMEOUT=${BENCH_DASH_TIMEOUT:-300}
	BENCH_DASH_LOAD_WAIT=${BENCH_DASH_LOAD_WAIT:-900}
	local v
	for v in BENCH_DASH_EVENTS BENCH_DASH_MONTHS BENCH_DASH_SEED BENCH_DASH_N \
		BENCH_DASH_WARMUP BENCH_DASH_TIMEOUT BENCH_DASH_LOAD_WAIT; do
		[[ ${!v} =~ ^[0-9]+$ ]] || die "$v must be a number"
	done
	((BENCH_DASH_N > 0)) || die "BENCH_DASH_N must be at least 1"
	with_lock bench-dash
	instance_init bench-dash
	install_and_build --no-node
	command -v curl >/dev/null || die "curl is not installed"

	trap bench_dash_on_exit EXIT
	trap 'exit 130' INT TERM
	bench_dash_up
	bench_dash_data
	bench_dash_rollup
	bench_dash_login
	bench_dash_store
	bench_dash_measure
	bench_dash_rss
	bench_dash_table
}
