# `scripts/trackr test`: every test suite from a fresh clone, on a stack of
# its own (var/test/, nginx on 127.0.0.1:18080, then Apache with mod_fcgid
# on 18081) that is always stopped at the end.  Prints one line per suite
# and a closing "N passed, N failed".
# Sourced.

SUITES=()
declare -A SUITE_PASS=() SUITE_FAIL=() SUITE_NOTE=()

# record NAME PASSED FAILED [NOTE]
record() {
	SUITES+=("$1")
	SUITE_PASS[$1]=$2 SUITE_FAIL[$1]=$3 SUITE_NOTE[$1]=${4:-}
	if (($3 > 0)); then
		printf '%s== %s: FAILED (passed %s, failed %s)%s%s\n' "$C_RED" "$1" "$2" "$3" "${4:+ - $4}" "$C_OFF" >&2
	else
		printf '%s== %s: ok (passed %s)%s%s\n' "$C_GRN" "$1" "$2" "${4:+ - $4}" "$C_OFF" >&2
	fi
}

# isolated CMD...: runs CMD in a subshell with `set -e` in force (which bash
# ignores inside an if or || condition) and leaves its status in STEP_RC, so
# that one failing step is recorded instead of ending the run.
isolated() {
	set +e
	(
		set -e
		"$@"
	)
	STEP_RC=$?
	set -e
}

# cunit_counts FILE: "PASSED FAILED" from the last CUnit run summary in FILE
# ("tests  Total Ran Passed Failed Inactive"), nothing when there is none.
cunit_counts() {
	[[ -r $1 ]] || return 0
	awk '$1 == "tests" && NF >= 6 && $2 ~ /^[0-9]+$/ && $4 ~ /^[0-9]+$/ && $5 ~ /^[0-9]+$/ {
		p = $4; f = $5; found = 1 }
		END { if (found) print p, f }' "$1" || true
}

# run_unit NAME BUILDDIR: `make check` in BUILDDIR, counted per CUnit test
# where the test logs have a CUnit summary and per program otherwise.
run_unit() {
	local name=$1 dir=$2 out=$TEST_LOG/$3.out trs log res counts pass=0 fail=0 rc=0 programs=0
	step "$name: make check in $(rel "$dir")"
	# Stale results would be counted again.
	while IFS= read -r trs; do
		rm -f "$trs" "${trs%.trs}.log"
	done < <(find "$dir" -name '*.trs' 2>/dev/null)
	make -C "$dir" --no-print-directory -j2 check 2>&1 | tee "$out" || rc=${PIPESTATUS[0]}
	while IFS= read -r trs; do
		programs=$((programs + 1))
		log=${trs%.trs}.log
		res=$(sed -n 's/^:test-result: *//p' "$trs" | head -n 1 || true)
		counts=$(cunit_counts "$log")
		if [[ -n $counts ]]; then
			pass=$((pass + ${counts% *}))
			fail=$((fail + ${counts#* }))
			# A crash after the summary, or a leak report at exit.
			if [[ $res != PASS && $res != SKIP && ${counts#* } == 0 ]]; then
				fail=$((fail + 1))
				show_tail "$log" 30
			fi
		else
			case $res in
			PASS) pass=$((pass + 1)) ;;
			SKIP) ;;
			*) fail=$((fail + 1)); show_tail "$log" 30 ;;
			esac
		fi
	done < <(find "$dir" -name '*.trs' 2>/dev/null | sort)
	if ((rc != 0 && fail == 0)); then
		record "$name" "$pass" 1 "make check failed before running the tests, see $(rel "$out")"
	elif ((programs == 0)); then
		record "$name" 0 1 "make check ran no test program"
	else
		record "$name" "$pass" "$fail" "$programs programs"
	fi
}

# run_integration [NAME REL_BIN]: one CUnit integration program against
# the test stack (by default the collector's), counted per test.
run_integration() {
	local name=${1:-integration} rel_bin=${2:-test/integration/test_collect}
	local bin=$BUILD_DIR/$rel_bin out=$TEST_LOG/$name.out counts rc=0
	step "integration tests ($rel_bin)"
	make -C "$BUILD_DIR" -j2 "$rel_bin" >"$TEST_LOG/$name-build.out" 2>&1 || true
	if [[ ! -x $bin ]]; then
		cat "$TEST_LOG/$name-build.out" >&2
		record "$name" 0 1 "$(rel "$bin") was not built (is it in the Makefile yet?)"
		return 0
	fi
	local q
	printf -v q '%q' "$ROOT/scripts/trackr"
	(cd "$ROOT" && TRACKR_URL=$BASE_URL TRACKR_CONF=$CONF TRACKR_SITE_KEY=$SITE_KEY TRACKR_CTL=$CTL_BIN \
		TRACKR_DB_STOP_CMD="$q db-stop --test" TRACKR_DB_START_CMD="$q db-start --test" \
		timeout --foreground -k 10 900 "$bin") 2>&1 | tee "$out" || rc=${PIPESTATUS[0]}
	counts=$(cunit_counts "$out")
	if [[ -z $counts ]]; then
		record "$name" 0 1 "no CUnit summary, exit status $rc"
	elif ((rc != 0 && ${counts#* } == 0)); then
		record "$name" "${counts% *}" 1 "exit status $rc"
	else
		record "$name" "${counts% *}" "${counts#* }"
	fi
}

# The dashboard's suites: exactness against a hand-computed fixture
# (raw and rolled up), reports and exports, goals and funnels, shared
# links, the stats API, the access matrix and hostile tracked data.
run_dashboard_suites() {
	local name mark
	for name in dashboard dash_report dash_goals dash_share dash_api dash_access dash_xss; do
		run_integration "${name/dash_/dash-}" "test/integration/test_$name"
	done
	# The stack's dashboard answers closed days from its column store; the
	# exactness suite once more with the store off checks the rollups and
	# raw SQL alone against the same hand-computed numbers.
	isolated stop_dashboard
	isolated start_dashboard -M 0
	if ((STEP_RC == 0)); then
		run_integration "dashboard-sql" test/integration/test_dashboard
	else
		record "dashboard-sql" 0 1 "the dashboard did not restart without its column store"
	fi
	# And with a store too small for the fixture's sites: they push each
	# other out (and come back), and the numbers stay the same.
	isolated stop_dashboard
	isolated start_dashboard -M 200k
	if ((STEP_RC == 0)); then
		mark=$(wc -l <"$LOGDIR/dashboard.log" 2>/dev/null || echo 0)
		run_integration "dashboard-evict" test/integration/test_dashboard
		if tail -n +"$((mark + 1))" "$LOGDIR/dashboard.log" | grep -q 'dropped from the column store'; then
			record "dashboard-evict-log" 1 0
		else
			record "dashboard-evict-log" 0 1 "no site was dropped from a 200 KiB column store"
		fi
	else
		record "dashboard-evict" 0 1 "the dashboard did not restart with a 200 KiB column store"
	fi
	# And under ASan/UBSan (the build the sanitizer unit run made): the
	# exactness and hostile-data suites, then no sanitizer report in its log.
	local asan_bin=$ASAN_BUILD_DIR/cgi/dashboard/trackr-dashboard
	isolated stop_dashboard
	if [[ -x $asan_bin ]]; then
		mark=$(wc -l <"$LOGDIR/dashboard.log" 2>/dev/null || echo 0)
		(
			export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}
			export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
			step "dashboard program (ASan/UBSan build)"
			start_fcgi dashboard "$asan_bin" "$DASHBOARD_SOCK" "$DASHBOARD_PID" "$DASHBOARD_PAT"
		) && STEP_RC=0 || STEP_RC=$?
		if ((STEP_RC == 0)); then
			run_integration "dashboard-asan" test/integration/test_dashboard
			run_integration "dash-xss-asan" test/integration/test_dash_xss
			isolated stop_dashboard
			if tail -n +"$((mark + 1))" "$LOGDIR/dashboard.log" |
				grep -E 'ERROR: (Address|Leak)Sanitizer|runtime error:' >&2; then
				record "dashboard-asan-log" 0 1 "sanitizer reports in $(rel "$LOGDIR")/dashboard.log"
			else
				record "dashboard-asan-log" 1 0
			fi
		else
			record "dashboard-asan" 0 1 "the sanitizer build of the dashboard did not start"
		fi
	else
		record "dashboard-asan" 0 1 "no sanitizer build of the dashboard ($(rel "$asan_bin"))"
	fi
	isolated start_dashboard
}

run_browser() {
	local name=browser out=$TEST_LOG/browser.out tap=$TEST_LOG/browser.tap rc=0
	local pass fail cancelled db_cmd
	step "browser tests (node --test test/browser/)"
	if [[ ! -d $ROOT/test/browser ]]; then
		record "$name" 0 1 "test/browser/ is missing"
		return 0
	fi
	printf -v db_cmd '%q db --test --batch --skip-column-names' "$ROOT/scripts/trackr"
	rm -f "$tap"
	(cd "$ROOT" && TRACKR_URL=$BASE_URL TRACKR_SITE_KEY=$SITE_KEY TRACKR_DB_CMD=$db_cmd \
		CHROMIUM_PATH=$(command -v chromium || true) CHROME_PATH=$(command -v chromium || true) \
		timeout --foreground -k 10 900 node --test --test-reporter=spec --test-reporter-destination=stdout \
		--test-reporter=tap --test-reporter-destination="$tap" test/browser/) 2>&1 |
		tee "$out" || rc=${PIPESTATUS[0]}
	pass=$(sed -n 's/^# pass \([0-9]*\)$/\1/p' "$tap" 2>/dev/null | tail -n 1 || true)
	fail=$(sed -n 's/^# fail \([0-9]*\)$/\1/p' "$tap" 2>/dev/null | tail -n 1 || true)
	cancelled=$(sed -n 's/^# cancelled \([0-9]*\)$/\1/p' "$tap" 2>/dev/null | tail -n 1 || true)
	if [[ -z $pass || -z $fail ]]; then
		record "$name" 0 1 "no test runner summary, exit status $rc"
		return 0
	fi
	fail=$((fail + ${cancelled:-0}))
	if ((pass + fail == 0)); then
		record "$name" 0 1 "no browser tests found in test/browser/"
	elif ((rc != 0 && fail == 0)); then
		record "$name" "$pass" 1 "exit status $rc"
	else
		record "$name" "$pass" "$fail"
	fi
}

# ------------------------------------------------- Apache smoke test

# smoke WHAT STATUS [DETAIL]: one counted check of the Apache suite, passed
# when STATUS is 0.  Callers set STATUS with `COND && st=0 || st=1`: this
# runs in the main shell, where a bare failing test would end the run.
smoke() {
	if (($2 == 0)); then
		SMOKE_PASS=$((SMOKE_PASS + 1))
		printf '    ok    %s\n' "$1" >&2
	else
		SMOKE_FAIL=$((SMOKE_FAIL + 1))
		printf '    %sFAIL%s  %s%s\n' "$C_RED" "$C_OFF" "$1" "${3:+: $3}" >&2
	fi
}

SMOKE_UA='Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36'

# smoke_http METHOD PATH [BODY]: Apache's answer, to a desktop Chrome on
# the demo page; sets HTTP_CODE (000: no answer) and HTTP_BODY.
smoke_http() {
	local out=$TEST_LOG/apache-smoke.body
	local -a args=(-s -o "$out" -w '%{http_code}' --max-time 15 -X "$1" -A "$SMOKE_UA")
	rm -f "$out"
	if (($# > 2)); then
		args+=(-H 'Content-Type: text/plain' -H "Origin: $BASE_URL" --data-binary @-)
		HTTP_CODE=$(printf '%s' "$3" | curl "${args[@]}" "$APACHE_URL$2" 2>/dev/null) || true
	else
		HTTP_CODE=$(curl "${args[@]}" "$APACHE_URL$2" </dev/null 2>/dev/null) || true
	fi
	HTTP_BODY=$(head -c 300 "$out" 2>/dev/null) || HTTP_BODY=
	[[ $HTTP_CODE =~ ^[0-9]{3}$ ]] || HTTP_CODE=000
}

# smoke_sql QUERY: the rows, tab-separated; an error comes out as text.
smoke_sql() {
	mariadb --defaults-file="$CLIENTCNF" --batch --skip-column-names trackr -e "$1" 2>&1 || true
}

# stat_field PID N: field N of /proc/PID/stat after the command name
# (1 is the state, 2 the parent pid); empty when the process is gone.
stat_field() {
	local stat
	stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 0
	stat=${stat##*) }
	read -ra stat <<<"$stat"
	printf '%s' "${stat[$2 - 1]:-}"
}

# fcgid_listener PID: 0 when the process's fd 0 is a listening unix socket
# that mod_fcgid bound in its IPC directory.
fcgid_listener() {
	local fd0
	fd0=$(readlink "/proc/$1/fd/0" 2>/dev/null) || return 1
	[[ $fd0 =~ ^socket:\[([0-9]+)\]$ ]] || return 1
	# /proc/net/unix: Num RefCount Protocol Flags Type St Inode Path;
	# flag 00010000 is __SO_ACCEPTCON, a socket in listen(2).
	awk -v ino="${BASH_REMATCH[1]}" -v dir="$FCGID_IPC_DIR/" '$7 == ino &&
		$4 == "00010000" && index($8, dir) == 1 { found = 1 }
		END { exit !found }' /proc/net/unix
}

# run_apache: the collector as Apache's mod_fcgid spawns it (the listening
# socket on fd 0, no collect_socket), on the test stack's database: its
# answers, the rows, the processes, and a graceful stop leaving no orphan.
run_apache() {
	local name=apache key=$SITE_KEY log=$LOGDIR/apache-error.log
	local path body before after apid pid ppid gpid uid st i
	local -a cols pids left
	local count_sql="SELECT COUNT(*) FROM events e JOIN sites s ON s.id = e.site_id
		WHERE s.site_key = '$key'"
	SMOKE_PASS=0 SMOKE_FAIL=0
	isolated start_apache
	if ((STEP_RC != 0)); then
		record "$name" 0 1 "Apache did not start, see above and $(rel "$log")"
		return 0
	fi
	apache_user_init
	step "smoke test through Apache ($APACHE_URL)"
	apid=$(pidfile_ours "$APACHE_PID" "$APACHE_PAT") || apid=

	smoke_http GET /api/health
	[[ $HTTP_CODE == 200 && $HTTP_BODY == *'"ok":true'* ]] && st=0 || st=1
	smoke "GET /api/health answers 200 {\"ok\":true}" $st "got $HTTP_CODE $HTTP_BODY"

	path=/demo/apache-smoke-$(random_secret | cut -c1-12)
	body="{\"s\":\"$key\",\"n\":\"pageview\",\"u\":\"http://127.0.0.1$path\",\"w\":1920}"
	smoke_http POST /api/event "$body"
	[[ $HTTP_CODE == 202 && $HTTP_BODY == *'"accepted":1}'* ]] && st=0 || st=1
	smoke "POST /api/event with a page view answers 202, accepted 1" $st "got $HTTP_CODE $HTTP_BODY"
	mapfile -t cols < <(smoke_sql "SELECT COUNT(*), CONCAT_WS(' ', MAX(device), MAX(browser),
		MAX(hostname)) FROM events WHERE pathname = '$path'" | tr '\t' '\n')
	[[ ${cols[0]:-} == 1 && ${cols[1]:-} == 'desktop Chrome 127.0.0.1' ]] && st=0 || st=1
	smoke "one row for it in events: desktop, Chrome, 127.0.0.1" $st "got ${cols[*]:-nothing}"

	before=$(smoke_sql "$count_sql")
	smoke_http POST /api/event "{\"s\":\"$key\",\"n\":\"pageview\"}"
	after=$(smoke_sql "$count_sql")
	[[ $HTTP_CODE == 400 && $HTTP_BODY == *'"error"'* ]] && st=0 || st=1
	smoke "POST /api/event without a URL answers 400 {\"error\":...}" $st "got $HTTP_CODE $HTTP_BODY"
	[[ $before =~ ^[0-9]+$ && $after == "$before" ]] && st=0 || st=1
	smoke "the refused event left no row" $st "rows of the demo site: $before before, $after after"

	# Over the collector's 64 KiB but under FcgidMaxRequestLen (128 KiB):
	# the collector refuses it itself, as the README says.
	body="{\"s\":\"$key\",\"n\":\"pageview\",\"u\":\"http://127.0.0.1/demo/big\",\"pad\":\"$(
		head -c 100000 /dev/zero | tr '\0' x)\"}"
	smoke_http POST /api/event "$body"
	[[ $HTTP_CODE == 413 && $HTTP_BODY == *'"error"'* ]] && st=0 || st=1
	smoke "a 100 KB body gets the collector's own 413" $st "got $HTTP_CODE $HTTP_BODY"

	# At once: mod_fcgid gives a process one request at a time, so these
	# queue for the collectors or make it spawn more (up to 4).
	local -a burst=()
	local codes=$TEST_LOG/apache-burst.codes
	path=/demo/apache-burst-$(random_secret | cut -c1-12)
	body="{\"s\":\"$key\",\"n\":\"pageview\",\"u\":\"http://127.0.0.1$path\"}"
	for ((i = 0; i < 12; i++)); do
		curl -s -o /dev/null -w '%{http_code}\n' --max-time 30 -A "$SMOKE_UA" \
			-H 'Content-Type: text/plain' --data-binary "$body" "$APACHE_URL/api/event" &
		burst+=($!)
	done >"$codes" 2>/dev/null
	wait "${burst[@]}" || true
	after=$(smoke_sql "SELECT COUNT(*) FROM events WHERE pathname = '$path'")
	[[ $(grep -cx 202 "$codes") == 12 && $after == 12 ]] && st=0 || st=1
	smoke "12 page views at once: 12 times 202, 12 rows" $st \
		"answers $(sort "$codes" | uniq -c | tr -s ' \n' ' '), rows $after"

	# The processes: children of mod_fcgid's process manager (itself a
	# child of Apache), as the Apache user, the listening socket on fd 0.
	# One check per property, over all of them, so that the count of
	# checks does not depend on how many mod_fcgid started.
	local bad_parent='' bad_fd0='' bad_env='' bad_log=''
	mapfile -t pids < <(pids_matching "$APACHE_COLLECT_PAT")
	((${#pids[@]} > 0)) && [[ -n $apid ]] && st=0 || st=1
	smoke "mod_fcgid runs the collector (${#pids[@]} processes: ${pids[*]})" $st \
		"Apache pid '$apid', no process matches '$APACHE_COLLECT_PAT'"
	for pid in "${pids[@]}"; do
		ppid=$(stat_field "$pid" 2)
		gpid=$(stat_field "${ppid:-0}" 2)
		uid=$(awk '$1 == "Uid:" { print $2 }' "/proc/$pid/status" 2>/dev/null) || uid=
		[[ -n $apid && $gpid == "$apid" && $uid == "$(id -u "$APACHE_USER")" ]] ||
			bad_parent+=" $pid (parent ${ppid:-?}, its parent ${gpid:-?}, uid ${uid:-?})"
		fcgid_listener "$pid" ||
			bad_fd0+=" $pid ($(readlink "/proc/$pid/fd/0" 2>/dev/null || echo gone))"
		grep -qzx 'TRACKR_SPAWNED_BY=mod_fcgid' "/proc/$pid/environ" 2>/dev/null ||
			bad_env+=" $pid"
		grep -q "trackr-collect\[$pid\] info: .*serving on fd 0 with [0-9]* threads" "$log" ||
			bad_log+=" $pid"
	done
	((${#pids[@]} > 0)) && [[ -z $bad_parent ]] && st=0 || st=1
	smoke "each is a child of Apache's process manager, as $APACHE_USER" $st \
		"Apache is ${apid:-?};${bad_parent:- none found}"
	((${#pids[@]} > 0)) && [[ -z $bad_fd0 ]] && st=0 || st=1
	smoke "each has a listening socket in $(rel "$FCGID_IPC_DIR")/ on fd 0" $st \
		"${bad_fd0:- none found}"
	((${#pids[@]} > 0)) && [[ -z $bad_env ]] && st=0 || st=1
	smoke "each got the InitialEnv of FcgidCmdOptions (named by the binary)" $st \
		"not in the environment of${bad_env:- none found}"
	((${#pids[@]} > 0)) && [[ -z $bad_log ]] && st=0 || st=1
	smoke "each logged 'serving on fd 0'" $st "not in $(rel "$log") for${bad_log:- none found}"

	# A graceful stop: Apache stops its process manager, which stops the
	# collectors: none may be left, and each should exit by itself.
	if [[ -n $apid ]]; then
		apache_cmd -k graceful-stop >>"$log" 2>&1 && st=0 || st=1
		smoke "apache2 -k graceful-stop" $st
		for ((i = 0; i < 200; i++)); do
			pid_alive "$apid" || break
			sleep 0.1
		done
		pid_alive "$apid" && st=1 || st=0
		smoke "Apache (pid $apid) exits within 20s" $st
		for ((i = 0; i < 50; i++)); do
			mapfile -t left < <(pids_matching "$APACHE_COLLECT_PAT")
			((${#left[@]} == 0)) && break
			sleep 0.1
		done
		((${#left[@]} == 0)) && st=0 || st=1
		smoke "no collector outlives Apache by 5s" $st "still running: ${left[*]}"
		bad_log=
		for pid in "${pids[@]}"; do
			grep -q "trackr-collect\[$pid\] info: .*stopped\$" "$log" ||
				bad_log+=" $pid: $(grep -F "($pid)" "$log" | tail -n 1 || true);"
		done
		((${#pids[@]} > 0)) && [[ -z $bad_log ]] && st=0 || st=1
		smoke "each collector exited by itself (logged 'stopped')" $st "${bad_log:- none found}"
	else
		smoke "a graceful stop of Apache" 1 "not tried: no Apache pid in $(rel "$APACHE_PID")"
	fi
	stop_apache || true
	record "$name" "$SMOKE_PASS" "$SMOKE_FAIL" "Apache + mod_fcgid, collector on fd 0"
}

test_stack_stop() {
	((TEST_STACK_STARTED)) || return 0
	TEST_STACK_STARTED=0
	step "stopping the test stack"
	stack_down || warn "the test stack did not stop cleanly"
}

test_on_exit() {
	local rc=$?
	test_stack_stop
	return "$rc"
}

print_summary() {
	local s total_pass=0 total_fail=0
	printf '\n%sTest results%s\n' "$C_BOLD" "$C_OFF"
	for s in "${SUITES[@]}"; do
		total_pass=$((total_pass + SUITE_PASS[$s]))
		total_fail=$((total_fail + SUITE_FAIL[$s]))
		printf '  %-14s passed %-5s failed %-4s %s\n' "$s" "${SUITE_PASS[$s]}" "${SUITE_FAIL[$s]}" \
			"${SUITE_NOTE[$s]}"
	done
	if ((total_fail > 0)); then
		printf '  logs: %s/\n' "$(rel "$TEST_LOG")"
		if ((TEST_STACK_RAN)); then
			show_tail "$LOGDIR/collect.log" 40
			((${SUITE_FAIL[account]:-0} > 0)) && show_tail "$LOGDIR/account.log" 30
			show_tail "$LOGDIR/dashboard.log" 30
			show_tail "$LOGDIR/nginx-error.log" 20
			((${SUITE_FAIL[apache]:-0} > 0)) && show_tail "$LOGDIR/apache-error.log" 30
		fi
	fi
	printf '%s passed, %s failed\n' "$total_pass" "$total_fail"
	((total_fail == 0))
}

install_and_build_c() { ensure_packages; build_c; }
tracker_build() { ensure_node_modules; build_tracker; }
asan_configure() {
	with_lock build
	configure_build "$ASAN_BUILD_DIR" --enable-werror --enable-sanitizers
}

cmd_test() {
	with_lock test
	instance_init test
	TEST_STACK_STARTED=0 TEST_STACK_RAN=0
	trap test_on_exit EXIT
	trap 'exit 130' INT TERM

	# A fresh instance every run; a stack left running by a killed run is
	# stopped by pid first.
	nginx_user_init
	stack_down >/dev/null 2>&1 || true
	rm -rf "$VARDIR"
	[[ $RUNDIR != "$VARDIR/run" ]] && rm -rf "$RUNDIR"
	make_dirs
	TEST_LOG=$LOGDIR

	# Prerequisites: without them nothing below can run.
	isolated install_and_build_c
	if ((STEP_RC != 0)); then
		record build 0 1 "install or build failed, see above"
		print_summary
		return 1
	fi

	run_unit unit "$BUILD_DIR" unit
	step "sanitizer build (var/build-asan)"
	isolated asan_configure
	if ((STEP_RC == 0)); then
		ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0} \
			UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1} \
			run_unit 'unit (asan)' "$ASAN_BUILD_DIR" unit-asan
	else
		record 'unit (asan)' 0 1 "configure failed in var/build-asan"
	fi

	local have_tracker=1
	isolated tracker_build
	if ((STEP_RC != 0)); then
		record tracker 0 1 "npm ci or npm run build:tracker failed, see above"
		have_tracker=0
	fi

	TEST_STACK_STARTED=1 TEST_STACK_RAN=1
	isolated stack_up
	if ((STEP_RC == 0)); then
		SITE_KEY=$(<"$SITE_KEY_FILE")
		run_integration
		run_integration account test/integration/test_account
		run_integration settings test/integration/test_settings
		run_integration sites test/integration/test_sites
		run_integration mfa test/integration/test_mfa
		run_integration orgs test/integration/test_orgs
		run_integration access test/integration/test_access
		run_dashboard_suites
		run_migrations
		run_mail
		if ((have_tracker)); then
			run_browser
		else
			record browser 0 1 "not run: no tracker build"
		fi
		run_apache
		run_shutdown
	else
		record stack 0 1 "the test stack did not come up, see above"
	fi
	test_stack_stop
	print_summary
}
