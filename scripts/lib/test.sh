# `scripts/trackr test`: every test suite from a fresh clone, on a stack of
# its own (var/test/, nginx on 127.0.0.1:18080) that is always stopped at the
# end.  Prints one line per suite and a closing "N passed, N failed".
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

run_integration() {
	local name=integration rel_bin=test/integration/test_collect
	local bin=$BUILD_DIR/$rel_bin out=$TEST_LOG/integration.out counts rc=0
	step "integration tests ($rel_bin)"
	make -C "$BUILD_DIR" -j2 "$rel_bin" >"$TEST_LOG/integration-build.out" 2>&1 || true
	if [[ ! -x $bin ]]; then
		cat "$TEST_LOG/integration-build.out" >&2
		record "$name" 0 1 "$(rel "$bin") was not built (is it in the Makefile yet?)"
		return 0
	fi
	local q
	printf -v q '%q' "$ROOT/scripts/trackr"
	(cd "$ROOT" && TRACKR_URL=$BASE_URL TRACKR_CONF=$CONF TRACKR_SITE_KEY=$SITE_KEY \
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
			show_tail "$LOGDIR/nginx-error.log" 20
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
		if ((have_tracker)); then
			run_browser
		else
			record browser 0 1 "not run: no tracker build"
		fi
	else
		record stack 0 1 "the test stack did not come up, see above"
	fi
	test_stack_stop
	print_summary
}
