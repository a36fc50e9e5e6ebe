# `scripts/trackr bench`: requests/s and p99 latency on loopback with wrk, on
# a stack of its own (var/bench/, nginx on 127.0.0.1:28080, bench_noop = 1).
# A benchmark, not a test: it fails only when the stack does not come up or
# acknowledged events are missing from the database.  Sourced.

declare -A BENCH_PATH=([a]=/__bench/204 [b]=/__bench/noop [c]=/api/event)
declare -A BENCH_LABEL=([a]='(a) nginx return 204' [b]='(b) FastCGI no-op' [c]='(c) POST /api/event')
declare -A BENCH_RPS=() BENCH_P99=()

bench_on_exit() {
	local rc=$?
	if ((BENCH_STACK_STARTED)); then
		BENCH_STACK_STARTED=0
		step "stopping the bench stack"
		stack_down || warn "the bench stack did not stop cleanly"
	fi
	return "$rc"
}

bench_sql() {
	mariadb --defaults-file="$CLIENTCNF" --batch --skip-column-names trackr -e "$1"
}

# bench_probe CASE: one request with curl, so that a rejected event stops the
# benchmark before it measures error answers.
bench_probe() {
	local c=$1 body code
	body=$(BENCH_SITE_KEY=$SITE_KEY awk 'BEGIN {
		printf "{\"s\":\"%s\",\"n\":\"pageview\",\"u\":\"https://bench.example/p/1\",\"r\":\"https://www.google.com/\",\"w\":1280}", ENVIRON["BENCH_SITE_KEY"] }')
	code=$(curl -s -o "$LOGDIR/probe-$c.out" -w '%{http_code}' --max-time 10 \
		-H 'Content-Type: text/plain' -H 'Origin: https://bench.example' \
		-A 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36' \
		--data-binary "$body" "$BASE_URL${BENCH_PATH[$c]}") || true
	if [[ $code != 2?? ]]; then
		head -c 500 "$LOGDIR/probe-$c.out" >&2 2>/dev/null; echo >&2
		show_tail "$LOGDIR/collect.log" 20
		die "${BENCH_LABEL[$c]}: $BASE_URL${BENCH_PATH[$c]} answered HTTP $code, not 2xx"
	fi
	ok "${BENCH_LABEL[$c]}: HTTP $code"
}

# bench_run CASE ROUND: one wrk run; keeps req/s, p99 and acknowledged count.
bench_run() {
	local c=$1 round=$2 out=$LOGDIR/wrk-$1-$2.out rps p99 acked non2xx errs
	BENCH_SITE_KEY=$SITE_KEY wrk -t2 -c"$BENCH_CONN" -d"$BENCH_DURATION" --latency \
		-s "$ROOT/scripts/bench/post.lua" "$BASE_URL${BENCH_PATH[$c]}" >"$out" 2>&1 || {
		cat "$out" >&2
		die "wrk failed for ${BENCH_LABEL[$c]}"
	}
	rps=$(sed -n 's/^bench_rps=//p' "$out")
	p99=$(sed -n 's/^bench_p99_us=//p' "$out")
	acked=$(sed -n 's/^bench_acked=//p' "$out")
	non2xx=$(sed -n 's/^bench_non2xx=//p' "$out")
	errs=$(sed -n 's/^bench_socket_errors=//p' "$out")
	[[ -n $rps && -n $p99 && -n $acked ]] || { cat "$out" >&2; die "no totals in the wrk output ($(rel "$out"))"; }
	BENCH_RPS[$c]+="$rps "
	BENCH_P99[$c]+="$p99 "
	[[ $c == c ]] && BENCH_ACKED=$((BENCH_ACKED + acked))
	# c/b of this round: b and c ran next to each other, so a machine
	# that slows down or speeds up between rounds moves both.
	if [[ $c == c ]]; then
		BENCH_PAIRED+="$(awk -v b="${BENCH_LAST_B:-0}" -v c="$rps" 'BEGIN { if (b > 0) printf "%.3f", c / b; else print 0 }') "
	elif [[ $c == b ]]; then
		BENCH_LAST_B=$rps
	fi
	printf '    run %s %-24s %10s req/s  p99 %8s ms  2xx %-9s other %s  socket errors %s\n' \
		"$round" "${BENCH_LABEL[$c]}" "$rps" "$(us_to_ms "$p99")" "$acked" "$non2xx" "$errs" >&2
	if ((non2xx > 0)); then
		warn "${BENCH_LABEL[$c]}: $non2xx answers were not 2xx (see $(rel "$LOGDIR")/collect.log)"
	fi
}

us_to_ms() { awk -v us="$1" 'BEGIN { printf "%.2f", us / 1000 }'; }

median() { tr ' ' '\n' <<<"$1" | grep . | sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

cmd_bench() {
	BENCH_DURATION=${BENCH_DURATION:-10s}
	BENCH_CONN=${BENCH_CONN:-64}
	BENCH_ROUNDS=${BENCH_ROUNDS:-5}
	[[ $BENCH_ROUNDS =~ ^[1-9][0-9]?$ ]] || die "BENCH_ROUNDS must be 1-99"
	BENCH_ACKED=0 BENCH_PAIRED= BENCH_LAST_B=0
	with_lock bench
	instance_init bench
	install_and_build --no-node
	command -v wrk >/dev/null || die "wrk is not installed"

	BENCH_STACK_STARTED=0
	trap bench_on_exit EXIT
	trap 'exit 130' INT TERM
	nginx_user_init
	stack_down >/dev/null 2>&1 || true
	rm -rf "$VARDIR"
	[[ $RUNDIR != "$VARDIR/run" ]] && rm -rf "$RUNDIR"
	BENCH_STACK_STARTED=1
	stack_up
	SITE_KEY=$(<"$SITE_KEY_FILE")

	step "checking each case answers"
	local c round site_id before after i
	for c in a b c; do bench_probe "$c"; done
	site_id=$(bench_sql "SELECT id FROM sites WHERE site_key = '$SITE_KEY'")
	[[ $site_id =~ ^[0-9]+$ ]] || die "no bench site in the database"
	before=$(bench_sql "SELECT COUNT(*) FROM events WHERE site_id = $site_id")

	step "wrk -t2 -c$BENCH_CONN -d$BENCH_DURATION, $BENCH_ROUNDS rounds of a, b, c (body 300 bytes)"
	for ((round = 1; round <= BENCH_ROUNDS; round++)); do
		for c in a b c; do bench_run "$c" "$round"; done
	done

	# The collector answers after the commit, but give a batching
	# collector a moment before counting.
	for ((i = 0; i < 20; i++)); do
		after=$(bench_sql "SELECT COUNT(*) FROM events WHERE site_id = $site_id")
		(((after - before) >= BENCH_ACKED)) && break
		sleep 0.5
	done

	local rps_b rps_c
	printf '\n%sBenchmark%s (medians of %s runs; wrk -t2 -c%s -d%s on 127.0.0.1)\n' \
		"$C_BOLD" "$C_OFF" "$BENCH_ROUNDS" "$BENCH_CONN" "$BENCH_DURATION"
	printf '  %-24s %12s %12s\n' case 'req/s' 'p99 ms'
	for c in a b c; do
		printf '  %-24s %12s %12s\n' "${BENCH_LABEL[$c]}" "$(median "${BENCH_RPS[$c]}")" \
			"$(us_to_ms "$(median "${BENCH_P99[$c]}")")"
	done
	rps_b=$(median "${BENCH_RPS[b]}") rps_c=$(median "${BENCH_RPS[c]}")
	printf '  c/b: %s (ratio of the medians)\n' "$(awk -v b="$rps_b" -v c="$rps_c" 'BEGIN { if (b > 0) printf "%.2f (%.0f%%)", c / b, 100 * c / b; else print "n/a" }')"
	printf '  c/b per round: %s-> median %s\n' "$BENCH_PAIRED" "$(median "$BENCH_PAIRED")"
	printf '  events acknowledged (c, %s runs): %s; rows written: %s\n' "$BENCH_ROUNDS" "$BENCH_ACKED" "$((after - before))"
	if (((after - before) < BENCH_ACKED)); then
		printf '%sFAIL: %s acknowledged events are missing from the database%s\n' \
			"$C_RED" "$((BENCH_ACKED - (after - before)))" "$C_OFF"
		return 1
	fi
	printf '  every acknowledged event is in the database\n'
}
