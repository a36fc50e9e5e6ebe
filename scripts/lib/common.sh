# Shared helpers for scripts/trackr: progress output, locks, process control
# by pid, template rendering and HTTP probes.  Sourced, never run directly.

if [[ -t 2 ]]; then
	C_BOLD=$'\e[1m' C_RED=$'\e[31m' C_YEL=$'\e[33m' C_GRN=$'\e[32m' C_OFF=$'\e[0m'
else
	C_BOLD='' C_RED='' C_YEL='' C_GRN='' C_OFF=''
fi

step() { printf '%s==> %s%s\n' "$C_BOLD" "$*" "$C_OFF" >&2; }
info() { printf '    %s\n' "$*" >&2; }
ok()   { printf '    %s%s%s\n' "$C_GRN" "$*" "$C_OFF" >&2; }
warn() { printf '%swarning:%s %s\n' "$C_YEL" "$C_OFF" "$*" >&2; }
die()  { printf '%serror:%s %s\n' "$C_RED" "$C_OFF" "$*" >&2; exit 1; }

# Paths relative to the repository top read better in messages.
rel() { local p=$1; printf '%s' "${p#"$ROOT"/}"; }

# show_tail FILE [LINES]: the end of a log, indented, when it exists.
show_tail() {
	local f=$1 n=${2:-30}
	[[ -s $f ]] || return 0
	printf -- '--- last %s lines of %s ---\n' "$n" "$(rel "$f")" >&2
	tail -n "$n" "$f" | sed 's/^/    /' >&2
	printf -- '---\n' >&2
}

# with_lock NAME: holds var/.lock-NAME until release_lock NAME or the end of
# the process, so that two runs on the same instance (or two builds) never
# interleave.
declare -A LOCK_FDS=()
with_lock() {
	local name=$1 fd
	[[ -n ${LOCK_FDS[$name]:-} ]] && return 0
	mkdir -p "$ROOT/var"
	exec {fd}>"$ROOT/var/.lock-$name"
	if ! flock -n "$fd"; then
		info "waiting for another scripts/trackr run holding var/.lock-$name"
		flock -w 900 "$fd" || die "var/.lock-$name is still held after 15 minutes"
	fi
	LOCK_FDS[$name]=$fd
}

# daemon CMD...: runs CMD in a new session without the lock descriptors
# (a daemon holding var/.lock-up would block every later run).  Meant for
# the background (`daemon ... &`): the subshell execs, so $! is CMD's pid.
daemon() {
	local fd
	for fd in "${LOCK_FDS[@]}"; do
		eval "exec $fd>&-"
	done
	exec setsid "$@"
}

# without_locks CMD...: CMD in the foreground without the lock descriptors,
# for programs that daemonize themselves (nginx).
without_locks() {
	(
		for fd in "${LOCK_FDS[@]}"; do
			eval "exec $fd>&-"
		done
		exec "$@"
	)
}

release_lock() {
	local fd=${LOCK_FDS[$1]:-}
	[[ -n $fd ]] || return 0
	exec {fd}>&-
	unset "LOCK_FDS[$1]"
}

# pid_alive PID: the process exists and is not a zombie.
pid_alive() {
	local pid=$1 stat
	[[ $pid =~ ^[0-9]+$ ]] || return 1
	stat=$(cat "/proc/$pid/stat" 2>/dev/null) || return 1
	stat=${stat##*) }
	[[ ${stat%% *} != Z ]]
}

# pid_cmdline PID: the command line with NULs turned into spaces, plus a
# trailing space so that "-c FILE " matches FILE exactly.
pid_cmdline() {
	local s
	s=$(tr '\0' ' ' 2>/dev/null <"/proc/$1/cmdline") || return 1
	printf '%s ' "$s"
}

# pidfile_ours PIDFILE PATTERN: prints the pid when the file names a live
# process whose command line contains PATTERN.  The pattern holds the program
# and the instance's own absolute config path, so a recycled pid or another
# developer's stack is never taken for ours.  When the pid file is missing or
# stale, the process is looked for by that same pattern, so that a lost pid
# file does not leave a server running unseen.
pidfile_ours() {
	local pidfile=$1 pattern=$2 pid= cmd d
	if [[ -r $pidfile ]] && read -r pid <"$pidfile" 2>/dev/null && pid_alive "$pid" &&
		cmd=$(pid_cmdline "$pid") && [[ $cmd == *"$pattern"* ]]; then
		printf '%s\n' "$pid"
		return 0
	fi
	for d in /proc/[0-9]*; do
		pid=${d#/proc/}
		[[ $pid == "$$" || $pid == "$BASHPID" ]] && continue
		cmd=$(pid_cmdline "$pid") || continue
		if [[ $cmd == *"$pattern"* ]] && pid_alive "$pid"; then
			printf '%s\n' "$pid"
			return 0
		fi
	done
	return 1
}

# children_of PID: direct children, from /proc (no procps needed).
children_of() {
	local parent=$1 d stat rest ppid
	for d in /proc/[0-9]*; do
		stat=$(cat "$d/stat" 2>/dev/null) || continue
		rest=${stat##*) }
		read -r _ ppid _ <<<"$rest"
		[[ $ppid == "$parent" ]] && printf '%s\n' "${d#/proc/}"
	done
	return 0
}

# stop_pid NAME PIDFILE PATTERN TIMEOUT: SIGTERM, wait, SIGKILL after
# TIMEOUT seconds; children that outlive their parent (nginx workers after a
# KILL) are killed by pid too.  Only ever signals a pid that pidfile_ours
# confirmed.
stop_pid() {
	local name=$1 pidfile=$2 pattern=$3 timeout=$4 pid kids k i
	if ! pid=$(pidfile_ours "$pidfile" "$pattern"); then
		rm -f "$pidfile"
		return 0
	fi
	[[ -r $pidfile && $(<"$pidfile") == "$pid" ]] ||
		warn "$name runs as pid $pid without its pid file $(rel "$pidfile")"
	# Children are remembered with their command lines so that only the
	# same processes are killed later, never a pid that got recycled.
	local -A kidcmd=()
	mapfile -t kids < <(children_of "$pid")
	for k in "${kids[@]}"; do
		kidcmd[$k]=$(pid_cmdline "$k") || unset "kidcmd[$k]"
	done
	info "stopping $name (pid $pid)"
	kill -TERM "$pid" 2>/dev/null || true
	for ((i = 0; i < timeout * 10; i++)); do
		pid_alive "$pid" || break
		sleep 0.1
	done
	if pid_alive "$pid"; then
		warn "$name (pid $pid) did not stop within ${timeout}s: sending SIGKILL"
		kill -KILL "$pid" 2>/dev/null || true
		for ((i = 0; i < 50; i++)); do
			pid_alive "$pid" || break
			sleep 0.1
		done
	fi
	for k in "${!kidcmd[@]}"; do
		pid_alive "$k" || continue
		[[ $(pid_cmdline "$k") == "${kidcmd[$k]}" ]] || continue
		for ((i = 0; i < 30; i++)); do
			pid_alive "$k" || continue 2
			sleep 0.1
		done
		kill -KILL "$k" 2>/dev/null || true
	done
	pid_alive "$pid" && die "$name (pid $pid) is still running"
	rm -f "$pidfile"
}

# render TEMPLATE OUT MODE KEY=VALUE...: substitutes @KEY@ markers, keeps
# "#MODE#" lines (prefix removed) and drops lines prefixed for other modes.
# The file is only replaced when its content changes; returns 0 when it did
# change, 1 when it was already up to date.
render() {
	local tpl=$1 out=$2 mode=$3 kv key val tmp
	shift 3
	[[ -r $tpl ]] || die "template $(rel "$tpl") is missing"
	tmp=$(mktemp "$out.XXXXXX")
	local -a sedargs=()
	for kv in "$@"; do
		key=${kv%%=*} val=${kv#*=}
		val=${val//\\/\\\\} val=${val//|/\\|} val=${val//&/\\&}
		sedargs+=(-e "s|@${key}@|${val}|g")
	done
	sed -e "s|^\([[:space:]]*\)#${mode}# \{0,1\}|\1|" -e '/^[[:space:]]*#[a-z]\{1,\}#/d' \
		"${sedargs[@]}" "$tpl" >"$tmp"
	if grep -n '^[^#]*@[A-Z_]\{1,\}@' "$tmp" >&2; then
		rm -f "$tmp"
		die "$(rel "$tpl"): unreplaced markers above"
	fi
	if [[ -f $out ]] && cmp -s "$tmp" "$out"; then
		rm -f "$tmp"
		return 1
	fi
	chmod --reference="$out" "$tmp" 2>/dev/null || chmod 644 "$tmp"
	mv -f "$tmp" "$out"
	return 0
}

# write_if_changed OUT MODE: stdin becomes OUT (with MODE) unless equal.
# Returns 0 when the file changed.
write_if_changed() {
	local out=$1 mode=$2 tmp
	tmp=$(mktemp "$out.XXXXXX")
	chmod "$mode" "$tmp"
	cat >"$tmp"
	if [[ -f $out ]] && cmp -s "$tmp" "$out"; then
		rm -f "$tmp"
		chmod "$mode" "$out"
		return 1
	fi
	mv -f "$tmp" "$out"
	return 0
}

# http_status URL: the status code, or 000 when nothing answers.
http_status() {
	curl -s -o /dev/null -w '%{http_code}' --max-time 5 "$1" 2>/dev/null || true
}

# port_in_use PORT: something accepts TCP connections on 127.0.0.1:PORT.
port_in_use() {
	timeout 2 bash -c "exec 3<>/dev/tcp/127.0.0.1/$1" 2>/dev/null
}

# random_secret: 48 hex characters from the kernel's CSPRNG.
random_secret() {
	od -An -tx1 -N24 /dev/urandom | tr -d ' \n'
}
