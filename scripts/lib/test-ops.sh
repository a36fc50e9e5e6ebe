# Two suites of `scripts/trackr test` about operating the programs rather
# than their HTTP answers: migrations (trackrctl on a scratch database) and
# a graceful stop of the collector under load.  Sourced.

# ops_check NAME STATUS [DETAIL]: one counted check, passed when STATUS is 0.
ops_check() {
	if (($2 == 0)); then
		OPS_PASS=$((OPS_PASS + 1))
		printf '    ok    %s\n' "$1" >&2
	else
		OPS_FAIL=$((OPS_FAIL + 1))
		printf '    %sFAIL%s  %s%s\n' "$C_RED" "$C_OFF" "$1" "${3:+: $3}" >&2
	fi
}

# mig_sql QUERY: rows from the scratch database, tab-separated.
mig_sql() {
	mariadb --defaults-file="$CLIENTCNF" --batch --skip-column-names trackr_migtest -e "$1" 2>&1 || true
}

# mig_run DIR: runs trackrctl migrate on the scratch database; output in
# MIG_OUT, exit status in MIG_RC.
mig_run() {
	set +e
	MIG_OUT=$("$CTL_BIN" -c "$MIG_CONF" migrate "$1" 2>&1)
	MIG_RC=$?
	set -e
}

# run_migrations: applying in order, a second run that does nothing, a
# changed file refused, a failing file stopping the run, a bad name refused,
# and the real migrations applied twice.
run_migrations() {
	local dir=$TEST_LOG/migrations st
	OPS_PASS=0 OPS_FAIL=0
	MIG_CONF=$VARDIR/migtest.conf
	step "migrations: trackrctl migrate on a scratch database"
	db_root <<-SQL
		DROP DATABASE IF EXISTS trackr_migtest;
		CREATE DATABASE trackr_migtest CHARACTER SET utf8mb4 COLLATE utf8mb4_bin;
		GRANT ALL PRIVILEGES ON trackr_migtest.* TO 'trackr'@'localhost';
	SQL
	sed 's/^db_name = .*/db_name = trackr_migtest/' "$CONF" >"$MIG_CONF"
	chmod 600 "$MIG_CONF"
	rm -rf "$dir"
	mkdir -p "$dir"
	printf 'CREATE TABLE a (id INT PRIMARY KEY);\n' >"$dir/0001_first.sql"
	printf 'CREATE TABLE b (id INT PRIMARY KEY);\nINSERT INTO b VALUES (1), (2);\n' >"$dir/0002_second.sql"

	mig_run "$dir"
	[[ $MIG_RC == 0 && $MIG_OUT == *"2 applied, 0 already in place"* ]] && st=0 || st=1
	ops_check "two migrations applied in order" $st "$MIG_OUT"
	[[ $(mig_sql "SELECT COUNT(*) FROM b") == 2 &&
		$(mig_sql "SELECT GROUP_CONCAT(version ORDER BY version), SUM(checksum REGEXP '^[0-9a-f]{64}\$') FROM schema_migrations") == $'1,2\t2' ]] &&
		st=0 || st=1
	ops_check "tables made and each migration recorded with its SHA-256" $st

	mig_run "$dir"
	[[ $MIG_RC == 0 && $MIG_OUT == *"0 applied, 2 already in place"* && $(mig_sql "SELECT COUNT(*) FROM b") == 2 ]] &&
		st=0 || st=1
	ops_check "a second run changes nothing" $st "$MIG_OUT"

	printf 'CREATE TABLE a (id BIGINT PRIMARY KEY);\n' >"$dir/0001_first.sql"
	printf 'CREATE TABLE c (id INT);\n' >"$dir/0003_third.sql"
	mig_run "$dir"
	[[ $MIG_RC != 0 && $MIG_OUT == *"0001_first.sql was changed after it was applied"* &&
		$(mig_sql "SHOW TABLES LIKE 'c'") == "" ]] && st=0 || st=1
	ops_check "a changed migration is refused and nothing after it runs" $st "$MIG_OUT"
	printf 'CREATE TABLE a (id INT PRIMARY KEY);\n' >"$dir/0001_first.sql"

	printf 'CREATE TABLE d (id INT PRIMARY KEY;\n' >"$dir/0004_broken.sql"
	mig_run "$dir"
	[[ $MIG_RC != 0 && $MIG_OUT == *"0004_broken.sql failed"* &&
		$(mig_sql "SELECT GROUP_CONCAT(version ORDER BY version) FROM schema_migrations") == "1,2,3" ]] &&
		st=0 || st=1
	ops_check "a failing migration stops the run and is not recorded" $st "$MIG_OUT"
	rm -f "$dir/0004_broken.sql"

	printf 'SELECT 1;\n' >"$dir/Bad-Name.sql"
	mig_run "$dir"
	[[ $MIG_RC != 0 && $MIG_OUT == *"not a migration name"* ]] && st=0 || st=1
	ops_check "a file that is not NNNN_name.sql is refused" $st "$MIG_OUT"
	rm -f "$dir/Bad-Name.sql"

	db_root <<<"DROP DATABASE trackr_migtest; CREATE DATABASE trackr_migtest CHARACTER SET utf8mb4 COLLATE utf8mb4_bin;"
	mig_run "$ROOT/migrations"
	local first=$MIG_RC
	mig_run "$ROOT/migrations"
	[[ $first == 0 && $MIG_RC == 0 && $MIG_OUT == "0 applied, "* ]] && st=0 || st=1
	ops_check "the project's migrations apply to an empty database, twice" $st "$MIG_OUT"
	db_root <<<"DROP DATABASE trackr_migtest;"
	record migrations "$OPS_PASS" "$OPS_FAIL"
}

# demo_rows: events stored for the demo site.
demo_rows() {
	mariadb --defaults-file="$CLIENTCNF" --batch --skip-column-names trackr -e \
		"SELECT COUNT(*) FROM events e JOIN sites s ON s.id = e.site_id WHERE s.site_key = '$SITE_KEY'"
}

# run_shutdown: SIGTERM to the collector while wrk posts events; it must
# finish what it accepted, exit by itself, and every 2xx must be stored.
run_shutdown() {
	local out=$TEST_LOG/shutdown-wrk.out pid wpid before after acked i st
	OPS_PASS=0 OPS_FAIL=0
	step "graceful stop: SIGTERM to the collector under load"
	pid=$(pidfile_ours "$COLLECT_PID" "$COLLECT_PAT") || pid=
	before=$(demo_rows)
	BENCH_SITE_KEY=$SITE_KEY BENCH_ORIGIN=$BASE_URL BENCH_VISITORS=500 \
		wrk -t2 -c32 -d4s -s "$ROOT/scripts/bench/post.lua" "$BASE_URL/api/event" >"$out" 2>&1 &
	wpid=$!
	sleep 1.5
	[[ -n $pid ]] && kill -TERM "$pid"
	for ((i = 0; i < 300; i++)); do
		[[ -n $pid ]] && pid_alive "$pid" || break
		sleep 0.1
	done
	[[ -n $pid ]] && ! pid_alive "$pid" && st=0 || st=1
	ops_check "the collector exits by itself within 30 s of SIGTERM" $st
	wait "$wpid" || true
	acked=$(sed -n 's/^bench_acked=//p' "$out")
	after=$(demo_rows)
	[[ -n $acked ]] && ((acked > 0)) && st=0 || st=1
	ops_check "events were acknowledged before the stop" $st "$(tail -n 3 "$out")"
	[[ -n $acked && -n $after ]] && ((after - before >= acked)) && st=0 || st=1
	ops_check "every acknowledged event is stored ($acked acknowledged, $((after - before)) stored)" $st
	grep -q 'finishing requests in flight' "$LOGDIR/collect.log" &&
		grep -q 'server_run: stopped' "$LOGDIR/collect.log" && st=0 || st=1
	ops_check "the collector logged a clean stop" $st
	isolated start_collector
	[[ $STEP_RC == 0 && $(curl -s -o /dev/null -w '%{http_code}' "$BASE_URL/api/health") == 200 ]] &&
		st=0 || st=1
	ops_check "a new collector serves again" $st
	record shutdown "$OPS_PASS" "$OPS_FAIL"
}
