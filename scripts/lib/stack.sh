# One TrackR stack: a private MariaDB, the collector, the account program,
# nginx and (for `up`) the mail sender, all under one var directory.  `up` uses var/, `test` var/test/, `bench` var/bench/;
# none of them touches /etc/mysql, /var/lib/mysql or a system service.
# Sourced.

# instance_init up|test|bench: sets the paths and settings of one stack.
instance_init() {
	INST=$1
	case $INST in
	up)    VARDIR=$ROOT/var       HTTP_PORT=8080  MODE=nobench ;;
	test)  VARDIR=$ROOT/var/test  HTTP_PORT=18080 MODE=nobench ;;
	bench) VARDIR=$ROOT/var/bench HTTP_PORT=28080 MODE=bench ;;
	bench-dash) VARDIR=$ROOT/var/bench-dash HTTP_PORT=38080 MODE=benchdash ;;
	*) die "unknown instance $INST" ;;
	esac
	BASE_URL=http://127.0.0.1:$HTTP_PORT
	LOGDIR=$VARDIR/log
	DATADIR=$VARDIR/db
	WWWDIR=$VARDIR/www
	NGINX_PREFIX=$VARDIR/nginx
	CONF=$VARDIR/trackr.conf
	MYCNF=$VARDIR/my.cnf
	CLIENTCNF=$VARDIR/client.cnf
	SECRETS=$VARDIR/secrets
	NGINX_CONF=$VARDIR/nginx.conf
	SITE_KEY_FILE=$VARDIR/site_key
	run_dir_init
	MYSQLD_SOCK=$RUNDIR/mysqld.sock
	MYSQLD_PID=$RUNDIR/mysqld.pid
	COLLECT_SOCK=$RUNDIR/collect.sock
	COLLECT_PID=$RUNDIR/collect.pid
	ACCOUNT_SOCK=$RUNDIR/account.sock
	ACCOUNT_PID=$RUNDIR/account.pid
	DASHBOARD_SOCK=$RUNDIR/dashboard.sock
	DASHBOARD_PID=$RUNDIR/dashboard.pid
	# trackrctl rollup --every: keeps the dashboard's rollups current.
	ROLLUP_PID=$RUNDIR/rollup.pid
	# The development stack's mail: trackrctl mail-send hands each message
	# to scripts/dev-mail, which writes it as a file into MAIL_DIR.
	MAIL_PID=$RUNDIR/mail.pid
	MAIL_DIR=$VARDIR/mail
	NGINX_PID=$RUNDIR/nginx.pid
	# Apache with mod_fcgid, which spawns collectors of its own (only the
	# test stack starts it, on the port after nginx's).
	APACHE_PORT=$((HTTP_PORT + 1))
	APACHE_URL=http://127.0.0.1:$APACHE_PORT
	APACHE_DIR=$VARDIR/apache
	APACHE_CONF=$VARDIR/apache.conf
	APACHE_COLLECT_CONF=$APACHE_DIR/trackr.conf
	APACHE_RUN=$RUNDIR/apache
	APACHE_PID=$RUNDIR/apache.pid
	FCGID_IPC_DIR=$RUNDIR/fcgid
	# What identifies our processes in /proc/PID/cmdline.
	MYSQLD_PAT="mariadbd --defaults-file=$MYCNF "
	COLLECT_PAT="trackr-collect -c $CONF "
	ACCOUNT_PAT="trackr-account -c $CONF "
	DASHBOARD_PAT="trackr-dashboard -c $CONF "
	ROLLUP_PAT="trackrctl -c $CONF rollup "
	MAIL_PAT="trackrctl -c $CONF mail-send "
	NGINX_PAT="nginx -c $NGINX_CONF "
	APACHE_PAT="apache2 -f $APACHE_CONF "
	APACHE_COLLECT_PAT="trackr-collect -c $APACHE_COLLECT_CONF "
}

# run_dir_init: sockets live in VARDIR/run, unless that path is too long for
# a unix socket (108 bytes); then VARDIR/run is a symlink to a short
# directory under /tmp and the configs name the short path.
run_dir_init() {
	RUNDIR=$VARDIR/run
	if ((${#RUNDIR} + 16 > 100)); then
		RUNDIR=/tmp/trackr-$(printf '%s' "$VARDIR" | md5sum | cut -c1-12)
	fi
}

make_dirs() {
	mkdir -p "$VARDIR" "$LOGDIR" "$WWWDIR" "$NGINX_PREFIX" "$VARDIR/tmp"
	chmod 755 "$VARDIR"
	if [[ $RUNDIR != "$VARDIR/run" ]]; then
		mkdir -p "$RUNDIR"
		ln -sfn "$RUNDIR" "$VARDIR/run"
	else
		mkdir -p "$RUNDIR"
	fi
}

# ---------------------------------------------------------------- MariaDB

db_root() { mariadb --no-defaults --socket="$MYSQLD_SOCK" -u root "$@"; }

mysqld_ping() {
	mariadb-admin --no-defaults --socket="$MYSQLD_SOCK" -u root --connect-timeout=2 ping >/dev/null 2>&1
}

# secret NAME: the value of NAME= in var/.../secrets; fails when absent.
secret() {
	local line
	if [[ -f $SECRETS ]]; then
		while IFS= read -r line; do
			[[ $line == "$1="* ]] && { printf '%s\n' "${line#"$1"=}"; return 0; }
		done <"$SECRETS"
	fi
	return 1
}

db_password() { secret db_password; }

# ensure_secrets: the database password and the programs' secret_key (the
# key of CSRF tokens and throttling hashes), each made once at random and
# kept in var/.../secrets (mode 600), so both stay the same across `up`
# runs and sessions survive a restart.
ensure_secrets() {
	local name
	for name in db_password secret_key; do
		secret "$name" >/dev/null ||
			(umask 077 && printf '%s=%s%s\n' "$name" "$(random_secret)" "$(random_secret)" >>"$SECRETS")
	done
	chmod 600 "$SECRETS"
	DB_PASSWORD=$(db_password)
	SECRET_KEY=$(secret secret_key)
}

start_mariadb() {
	local pid i
	step "MariaDB (private instance in $(rel "$DATADIR"))"
	render "$ROOT/scripts/my.cnf.in" "$MYCNF" "$MODE" \
		DATADIR="$DATADIR" SOCKET="$MYSQLD_SOCK" PIDFILE="$MYSQLD_PID" \
		LOGFILE="$LOGDIR/mysqld.log" TMPDIR="$VARDIR/tmp" && MYCNF_CHANGED=1 || MYCNF_CHANGED=0
	if pid=$(pidfile_ours "$MYSQLD_PID" "$MYSQLD_PAT") && mysqld_ping; then
		((MYCNF_CHANGED)) && warn "$(rel "$MYCNF") changed: 'scripts/trackr down' and 'up' again to apply it"
		ok "already running (pid $pid)"
		return 0
	fi
	if [[ -n ${pid:-} ]]; then
		# Alive but not answering: maybe still starting after a crash.
		info "mariadbd (pid $pid) does not answer yet; waiting"
	else
		rm -f "$MYSQLD_PID"
		if [[ -e $MYSQLD_SOCK ]]; then
			port_socket_busy "$MYSQLD_SOCK" &&
				die "$MYSQLD_SOCK answers but is not our mariadbd (pid file $MYSQLD_PID)"
			rm -f "$MYSQLD_SOCK" "$MYSQLD_SOCK.lock"
		fi
		if [[ ! -d $DATADIR/mysql ]]; then
			info "initialising the data directory"
			rm -rf "$DATADIR"
			mariadb-install-db --no-defaults --datadir="$DATADIR" --user="$(id -un)" \
				--auth-root-authentication-method=socket --skip-test-db \
				>"$LOGDIR/mysqld-install.log" 2>&1 || {
				show_tail "$LOGDIR/mysqld-install.log" 40
				die "mariadb-install-db failed (log: $(rel "$LOGDIR")/mysqld-install.log)"
			}
		fi
		info "starting mariadbd"
		daemon mariadbd --defaults-file="$MYCNF" --user="$(id -un)" \
			>>"$LOGDIR/mysqld.out" 2>&1 </dev/null &
		pid=$!
	fi
	for ((i = 0; i < 600; i++)); do
		mysqld_ping && break
		pid_alive "$pid" || {
			show_tail "$LOGDIR/mysqld.log" 40
			show_tail "$LOGDIR/mysqld.out" 10
			die "mariadbd exited during start-up (log: $(rel "$LOGDIR")/mysqld.log)"
		}
		sleep 0.1
	done
	mysqld_ping || {
		show_tail "$LOGDIR/mysqld.log" 40
		die "mariadbd did not answer within 60s (log: $(rel "$LOGDIR")/mysqld.log)"
	}
	ok "running (pid $(<"$MYSQLD_PID"), socket $MYSQLD_SOCK)"
}

# port_socket_busy SOCKET: a process accepts connections on that unix socket.
port_socket_busy() {
	mariadb-admin --no-defaults --socket="$1" -u root --connect-timeout=1 ping >/dev/null 2>&1
}

# ensure_database: database `trackr` and user trackr@localhost with the
# password from var/secrets (reset every time, so the two never drift).
ensure_database() {
	ensure_secrets
	db_root <<-SQL || die "could not create the trackr database and user"
		CREATE DATABASE IF NOT EXISTS trackr CHARACTER SET utf8mb4 COLLATE utf8mb4_bin;
		CREATE USER IF NOT EXISTS 'trackr'@'localhost' IDENTIFIED BY '$DB_PASSWORD';
		ALTER USER 'trackr'@'localhost' IDENTIFIED BY '$DB_PASSWORD';
		GRANT ALL PRIVILEGES ON trackr.* TO 'trackr'@'localhost';
	SQL
	write_if_changed "$CLIENTCNF" 600 <<-EOF || true
		# Client settings for the private MariaDB (scripts/trackr db).
		[client]
		socket = $MYSQLD_SOCK
		user = trackr
		password = $DB_PASSWORD
	EOF
	ok "database trackr, user trackr@localhost"
}

stop_mariadb() {
	stop_pid mariadbd "$MYSQLD_PID" "$MYSQLD_PAT" 120
}

# --------------------------------------------------------- configuration

# conf_text SOCKET THREADS: the configuration the C programs read.  An
# empty SOCKET makes the collector serve the listening socket it finds on
# fd 0, as mod_fcgid starts it.
conf_text() {
	local socket=$1 threads=$2 geoip= rate_site=60000 rate_client=600 rate_api=600 noop=0 mem_sync=0 mem_ttl=15 how
	# The collector under mod_fcgid (no socket) has no use for the key.
	local key=${SECRET_KEY:-}
	[[ -n $socket ]] || key=
	case $INST in
	up)
		[[ -f $ROOT/var/GeoLite2-Country.mmdb ]] && geoip=$ROOT/var/GeoLite2-Country.mmdb ;;
	test) rate_site=600000 rate_client=100000000 rate_api=100000 mem_sync=1 mem_ttl=0 ;;
	bench) rate_site=100000000 rate_client=100000000 rate_api=100000 noop=1 ;;
	esac
	how="FastCGI on a unix socket, behind nginx"
	[[ -z $socket ]] && how="FastCGI on fd 0, spawned by Apache's mod_fcgid"
	cat <<-EOF
		# TrackR configuration, written by scripts/trackr ($INST); edits are overwritten.
		# Database (private MariaDB under $(rel "$VARDIR")/)
		db_socket = $MYSQLD_SOCK
		db_user = trackr
		db_password = $DB_PASSWORD
		db_name = trackr
		# Key of CSRF tokens and throttling hashes (from $(rel "$SECRETS"))
		secret_key = $key
		# The public URL, for links in mail (never taken from a request's Host)
		base_url = $BASE_URL
		# Account program (FastCGI on a unix socket, behind nginx)
		account_socket = $ACCOUNT_SOCK
		# Dashboard program (FastCGI on a unix socket, behind nginx) and its
		# column store of closed days (MiB; 0 off); sync loads a site in the
		# request that first asks (the tests), else in the background
		dashboard_socket = $DASHBOARD_SOCK
		dashboard_memory_mb = 2048
		dashboard_memory_sync = $mem_sync
		# seconds today's figures may lag the database (tests: none)
		dashboard_memory_ttl = $mem_ttl
		templates_dir = $ROOT/templates
		# Collector ($how)
		collect_socket = $socket
		collect_threads = $threads
		# MaxMind country database; empty: no country lookup
		geoip_db = $geoip
		# Events per minute accepted per site and per client
		rate_site_per_min = $rate_site
		rate_client_per_min = $rate_client
		# Stats API requests per minute per API key
		api_rate_per_min = $rate_api
		# 1 enables POST /__bench/noop (answers 204 without touching the database)
		bench_noop = $noop
		log_level = info
	EOF
	# Only `up` sends mail, to files (no SMTP server needed); a real
	# deployment sets smtp_url instead of mail_command (README, "Mail").
	if [[ $INST == up && -n $socket ]]; then
		cat <<-EOF
			# Mail: trackrctl mail-send runs scripts/dev-mail, which writes each
			# message to $(rel "$MAIL_DIR")/ (development only)
			mail_from = TrackR <trackr@trackr.localhost>
			mail_command = $ROOT/scripts/dev-mail $MAIL_DIR
		EOF
	fi
}

# write_conf: var/.../trackr.conf, the one file the C programs read.
write_conf() {
	local text
	step "writing $(rel "$CONF")"
	text=$(conf_text "$COLLECT_SOCK" 128)
	write_if_changed "$CONF" 600 <<<"$text" && CONF_CHANGED=1 || CONF_CHANGED=0
	((CONF_CHANGED)) && ok "written" || ok "unchanged"
}

migrate() {
	step "applying migrations"
	"$CTL_BIN" -c "$CONF" migrate "$ROOT/migrations" || die "trackrctl migrate failed"
}

# seed_site DOMAIN ORIGIN [--allow-bots]: prints the site key.
seed_site() {
	local out key
	out=$("$CTL_BIN" -c "$CONF" seed-demo --domain "$1" --origin "$2" "${@:3}") ||
		die "trackrctl seed-demo failed"
	key=$(sed -n 's/^site_key=\([A-Za-z0-9_-]*\).*$/\1/p' <<<"$out" | tail -n 1)
	[[ -n $key ]] || die "trackrctl seed-demo printed no site_key= line (it printed: $out)"
	printf '%s\n' "$key"
}

seed_demo() {
	step "seeding the demo site"
	SITE_KEY=$(seed_site 127.0.0.1 "$BASE_URL" --allow-bots) || exit 1
	printf '%s\n' "$SITE_KEY" >"$SITE_KEY_FILE"
	ok "site_key=$SITE_KEY"
	[[ -d $ROOT/public/demo ]] || die "public/demo/ is missing: the demo pages are not in the tree yet"
	local tmp=$WWWDIR/.demo.new
	rm -rf "$tmp"
	cp -R "$ROOT/public/demo" "$tmp"
	grep -rlZ -F '@SITE_KEY@' "$tmp" | xargs -0r sed -i "s|@SITE_KEY@|$SITE_KEY|g"
	chmod -R a+rX "$tmp"
	rm -rf "$WWWDIR/demo"
	mv "$tmp" "$WWWDIR/demo"
	ok "demo pages copied to $(rel "$WWWDIR")/demo/"
}

# ------------------------------------------------------------- collector

start_collector() {
	local pid i restart=
	step "collector"
	if pid=$(pidfile_ours "$COLLECT_PID" "$COLLECT_PAT"); then
		if [[ $COLLECT_BIN -nt $COLLECT_PID ]]; then
			restart="the binary was rebuilt"
		elif ((CONF_CHANGED)); then
			restart="$(rel "$CONF") changed"
		elif [[ ! -S $COLLECT_SOCK ]]; then
			restart="its socket is gone"
		else
			ok "already running (pid $pid)"
			return 0
		fi
		info "restarting: $restart"
		stop_collector
	fi
	# A socket left by a collector that died would make the wait below
	# succeed at once.
	rm -f "$COLLECT_PID" "$COLLECT_SOCK"
	daemon "$COLLECT_BIN" -c "$CONF" >>"$LOGDIR/collect.log" 2>&1 </dev/null &
	pid=$!
	printf '%s\n' "$pid" >"$COLLECT_PID"
	for ((i = 0; i < 300; i++)); do
		[[ -S $COLLECT_SOCK ]] && break
		pid_alive "$pid" || break
		sleep 0.1
	done
	if ! pidfile_ours "$COLLECT_PID" "$COLLECT_PAT" >/dev/null || [[ ! -S $COLLECT_SOCK ]]; then
		show_tail "$LOGDIR/collect.log" 40
		pid_alive "$pid" && stop_collector
		die "trackr-collect did not come up with its socket $COLLECT_SOCK (log: $(rel "$LOGDIR")/collect.log)"
	fi
	# nginx workers run as nobody and must be able to connect.
	[[ $NGINX_USER == root* ]] || chmod 666 "$COLLECT_SOCK"
	ok "running (pid $pid, socket $COLLECT_SOCK, log $(rel "$LOGDIR")/collect.log)"
}

stop_collector() {
	stop_pid trackr-collect "$COLLECT_PID" "$COLLECT_PAT" 30
}

# ---------------------------------------------------------- account program

# start_fcgi NAME BIN SOCK PIDFILE PAT [ARGS...]: start (or restart when its
# binary, the config or the templates changed) one FastCGI program on its
# socket, with ARGS after its -c option.
start_fcgi() {
	local name=$1 bin=$2 sock=$3 pidfile=$4 pat=$5 pid i restart=
	shift 5
	if pid=$(pidfile_ours "$pidfile" "$pat"); then
		if [[ $bin -nt $pidfile ]]; then
			restart="the binary was rebuilt"
		elif ((CONF_CHANGED)); then
			restart="$(rel "$CONF") changed"
		elif [[ ! -S $sock ]]; then
			restart="its socket is gone"
		elif [[ -n $(find "$ROOT/templates" -newer "$pidfile" -print -quit 2>/dev/null) ]]; then
			restart="templates changed"
		else
			ok "already running (pid $pid)"
			return 0
		fi
		info "restarting: $restart"
		stop_pid "trackr-$name" "$pidfile" "$pat" 30
	fi
	rm -f "$pidfile" "$sock"
	daemon "$bin" -c "$CONF" "$@" >>"$LOGDIR/$name.log" 2>&1 </dev/null &
	pid=$!
	printf '%s\n' "$pid" >"$pidfile"
	for ((i = 0; i < 300; i++)); do
		[[ -S $sock ]] && break
		pid_alive "$pid" || break
		sleep 0.1
	done
	if ! pidfile_ours "$pidfile" "$pat" >/dev/null || [[ ! -S $sock ]]; then
		show_tail "$LOGDIR/$name.log" 40
		pid_alive "$pid" && stop_pid "trackr-$name" "$pidfile" "$pat" 30
		die "trackr-$name did not come up with its socket $sock (log: $(rel "$LOGDIR")/$name.log)"
	fi
	[[ $NGINX_USER == root* ]] || chmod 666 "$sock"
	ok "running (pid $pid, socket $sock, log $(rel "$LOGDIR")/$name.log)"
}

start_account() {
	step "account program"
	start_fcgi account "$ACCOUNT_BIN" "$ACCOUNT_SOCK" "$ACCOUNT_PID" "$ACCOUNT_PAT"
}

stop_account() {
	stop_pid trackr-account "$ACCOUNT_PID" "$ACCOUNT_PAT" 30
}

# start_dashboard [ARGS...]: e.g. -M 0, the column store off (SQL alone).
start_dashboard() {
	step "dashboard program${1:+ ($*)}"
	start_fcgi dashboard "$DASHBOARD_BIN" "$DASHBOARD_SOCK" "$DASHBOARD_PID" "$DASHBOARD_PAT" "$@"
}

stop_dashboard() {
	stop_pid trackr-dashboard "$DASHBOARD_PID" "$DASHBOARD_PAT" 30
}

# start_rollup: trackrctl rollup --every 60 (the development stack only;
# tests run `trackrctl rollup` themselves when they need it).
start_rollup() {
	local pid
	step "rollups (every 60 s)"
	if pid=$(pidfile_ours "$ROLLUP_PID" "$ROLLUP_PAT"); then
		if [[ $CTL_BIN -nt $ROLLUP_PID ]] || ((CONF_CHANGED)); then
			info "restarting"
			stop_rollup
		else
			ok "already running (pid $pid)"
			return 0
		fi
	fi
	rm -f "$ROLLUP_PID"
	daemon "$CTL_BIN" -c "$CONF" rollup --every 60 >>"$LOGDIR/rollup.log" 2>&1 </dev/null &
	pid=$!
	printf '%s\n' "$pid" >"$ROLLUP_PID"
	sleep 0.3
	pidfile_ours "$ROLLUP_PID" "$ROLLUP_PAT" >/dev/null || {
		show_tail "$LOGDIR/rollup.log" 20
		die "trackrctl rollup exited at once (log: $(rel "$LOGDIR")/rollup.log)"
	}
	ok "running (pid $pid, log $(rel "$LOGDIR")/rollup.log)"
}

stop_rollup() {
	stop_pid "trackrctl rollup" "$ROLLUP_PID" "$ROLLUP_PAT" 30
}

# ------------------------------------------------------------ mail sender

# start_mailer: `trackrctl mail-send` as a daemon (the `up` stack only),
# restarted like the collector when its binary or the configuration
# changes.  It delivers through scripts/dev-mail into var/mail/.
start_mailer() {
	local pid i restart=
	step "mail sender (messages go to $(rel "$MAIL_DIR")/)"
	# mail_command is split on spaces.
	[[ $ROOT$MAIL_DIR != *[[:space:]]* ]] ||
		die "the checkout path has white space: mail_command cannot name scripts/dev-mail"
	mkdir -p "$MAIL_DIR"
	if pid=$(pidfile_ours "$MAIL_PID" "$MAIL_PAT"); then
		if [[ $CTL_BIN -nt $MAIL_PID ]]; then
			restart="the binary was rebuilt"
		elif ((CONF_CHANGED)); then
			restart="$(rel "$CONF") changed"
		else
			ok "already running (pid $pid)"
			return 0
		fi
		info "restarting: $restart"
		stop_mailer
	fi
	rm -f "$MAIL_PID"
	daemon "$CTL_BIN" -c "$CONF" mail-send >>"$LOGDIR/mail.log" 2>&1 </dev/null &
	pid=$!
	printf '%s\n' "$pid" >"$MAIL_PID"
	# It checks the configuration and the database at once: give it a moment.
	for ((i = 0; i < 10; i++)); do
		pid_alive "$pid" || break
		sleep 0.1
	done
	pidfile_ours "$MAIL_PID" "$MAIL_PAT" >/dev/null || {
		show_tail "$LOGDIR/mail.log" 20
		die "trackrctl mail-send exited at once (log: $(rel "$LOGDIR")/mail.log)"
	}
	ok "running (pid $pid, log $(rel "$LOGDIR")/mail.log)"
}

stop_mailer() {
	stop_pid "trackrctl mail-send" "$MAIL_PID" "$MAIL_PAT" 30
}

# ----------------------------------------------------------------- nginx

# nginx_user: workers run as nobody when nobody can reach the files they
# serve and the sockets they connect to; otherwise (a checkout under a
# private home directory, say) as root.
nginx_user_init() {
	local js=$ROOT/public
	[[ -f $ROOT/public/t.js ]] && js=$ROOT/public/t.js
	if ((EUID != 0)); then
		NGINX_USER=$(id -un)
	elif id nobody >/dev/null 2>&1 &&
		runuser -u nobody -- test -x "$RUNDIR" -a -x "$WWWDIR" -a -r "$js" 2>/dev/null; then
		NGINX_USER="nobody $(id -gn nobody)"
	else
		NGINX_USER=root
	fi
}

nginx_cmd() { nginx -c "$NGINX_CONF" -p "$NGINX_PREFIX/" "$@"; }

start_nginx() {
	local pid i changed=0
	step "nginx on $BASE_URL"
	mkdir -p "$NGINX_PREFIX"
	render "$ROOT/scripts/nginx.conf.in" "$NGINX_CONF" "$MODE" \
		ROOT="$ROOT" HTTP_PORT="$HTTP_PORT" NGINX_USER="$NGINX_USER" \
		NGINX_PREFIX="$NGINX_PREFIX" PIDFILE="$NGINX_PID" LOG_DIR="$LOGDIR" \
		WWW_DIR="$WWWDIR" RUN_DIR="$RUNDIR" COLLECT_SOCKET="$COLLECT_SOCK" \
		ACCOUNT_SOCKET="$ACCOUNT_SOCK" DASHBOARD_SOCKET="$DASHBOARD_SOCK" && changed=1
	nginx_cmd -t -q 2>"$LOGDIR/nginx-t.log" || {
		cat "$LOGDIR/nginx-t.log" >&2
		die "nginx rejects $(rel "$NGINX_CONF") (rendered from scripts/nginx.conf.in)"
	}
	if pid=$(pidfile_ours "$NGINX_PID" "$NGINX_PAT"); then
		if ((changed)); then
			info "configuration changed: reloading (pid $pid)"
			kill -HUP "$pid"
			sleep 0.5
		fi
		ok "running (pid $pid)"
		return 0
	fi
	rm -f "$NGINX_PID"
	port_in_use "$HTTP_PORT" &&
		die "127.0.0.1:$HTTP_PORT is already in use by another program (not this stack's nginx)"
	without_locks nginx -c "$NGINX_CONF" -p "$NGINX_PREFIX/" </dev/null 2>>"$LOGDIR/nginx-error.log" || {
		show_tail "$LOGDIR/nginx-error.log" 20
		die "nginx failed to start (log: $(rel "$LOGDIR")/nginx-error.log)"
	}
	for ((i = 0; i < 100; i++)); do
		pid=$(pidfile_ours "$NGINX_PID" "$NGINX_PAT") && port_in_use "$HTTP_PORT" && break
		sleep 0.1
	done
	pid=$(pidfile_ours "$NGINX_PID" "$NGINX_PAT") || {
		show_tail "$LOGDIR/nginx-error.log" 20
		die "nginx did not start (log: $(rel "$LOGDIR")/nginx-error.log)"
	}
	ok "running (pid $pid, workers as ${NGINX_USER%% *}, logs $(rel "$LOGDIR")/nginx-*.log)"
}

stop_nginx() {
	stop_pid nginx "$NGINX_PID" "$NGINX_PAT" 20
}

# ------------------------------------------------ Apache with mod_fcgid

# apache_user_init: Apache will not serve as root, so its workers, the
# mod_fcgid process manager and the collectors it spawns run as nobody,
# who must be able to run the build and reach the sockets.  Sets
# APACHE_USER and APACHE_GROUP.
apache_user_init() {
	if ((EUID != 0)); then
		APACHE_USER=$(id -un) APACHE_GROUP=$(id -gn)
		return 0
	fi
	id nobody >/dev/null 2>&1 || die "Apache needs the user nobody to run as"
	APACHE_USER=nobody APACHE_GROUP=$(id -gn nobody)
	runuser -u nobody -- test -x "$COLLECT_BIN" -a -x "$RUNDIR" -a -x "$APACHE_DIR" \
		2>/dev/null ||
		die "nobody cannot run $(rel "$COLLECT_BIN") or reach $RUNDIR (a checkout under a private directory?): Apache cannot run the collector"
}

# pids_matching PATTERN: every live process whose command line (as
# pid_cmdline has it) holds PATTERN: the collectors of one mod_fcgid are
# several.  Read with builtins, as the stop loops scan /proc often.
pids_matching() {
	local d cmd
	local -a argv
	for d in /proc/[0-9]*; do
		mapfile -d '' -t argv 2>/dev/null <"$d/cmdline" || continue
		((${#argv[@]} > 0)) || continue
		cmd="${argv[*]} "
		[[ $cmd == *"$1"* ]] && pid_alive "${d#/proc/}" && printf '%s\n' "${d#/proc/}"
	done
	return 0
}

# write_apache_collect_conf: the collector's config for mod_fcgid, the same
# database with no collect_socket, readable by the Apache user only.
write_apache_collect_conf() {
	local text
	DB_PASSWORD=$(db_password) || die "no database password in $(rel "$SECRETS") yet"
	text=$(conf_text "" 4)
	write_if_changed "$APACHE_COLLECT_CONF" 600 <<<"$text" || true
	((EUID != 0)) || chown "$APACHE_USER:$APACHE_GROUP" "$APACHE_COLLECT_CONF"
}

apache_cmd() { /usr/sbin/apache2 -f "$APACHE_CONF" "$@"; }

start_apache() {
	local pid i
	step "Apache with mod_fcgid on $APACHE_URL"
	[[ -x /usr/sbin/apache2 && -f /usr/lib/apache2/modules/mod_fcgid.so ]] ||
		die "apache2 or libapache2-mod-fcgid is not installed"
	# mod_fcgid splits FcgidWrapper's command line at white space.
	[[ $COLLECT_BIN$APACHE_COLLECT_CONF != *[[:space:]]* ]] ||
		die "the checkout path has white space: FcgidWrapper cannot name the collector"
	mkdir -p "$APACHE_DIR/htdocs" "$APACHE_RUN"
	chmod 755 "$APACHE_DIR" "$APACHE_DIR/htdocs"
	apache_user_init
	write_apache_collect_conf
	# The process manager (as the Apache user) makes the collectors'
	# sockets here; mod_fcgid only fixes the owner of a directory it made.
	mkdir -p "$FCGID_IPC_DIR"
	chmod 700 "$FCGID_IPC_DIR"
	((EUID != 0)) || chown "$APACHE_USER:$APACHE_GROUP" "$FCGID_IPC_DIR"
	render "$ROOT/scripts/apache.conf.in" "$APACHE_CONF" "$MODE" \
		APACHE_DIR="$APACHE_DIR" PIDFILE="$APACHE_PID" APACHE_RUN="$APACHE_RUN" \
		LOG_DIR="$LOGDIR" APACHE_USER="$APACHE_USER" APACHE_GROUP="$APACHE_GROUP" \
		PORT="$APACHE_PORT" FCGID_IPC_DIR="$FCGID_IPC_DIR" COLLECT_BIN="$COLLECT_BIN" \
		COLLECT_CONF="$APACHE_COLLECT_CONF" || true
	apache_cmd -t 2>"$LOGDIR/apache-t.log" || {
		cat "$LOGDIR/apache-t.log" >&2
		die "apache2 rejects $(rel "$APACHE_CONF") (rendered from scripts/apache.conf.in)"
	}
	# Always a fresh start: the collectors must come from this config.
	stop_apache || true
	port_in_use "$APACHE_PORT" &&
		die "127.0.0.1:$APACHE_PORT is already in use by another program (not this stack's Apache)"
	without_locks /usr/sbin/apache2 -f "$APACHE_CONF" -k start </dev/null \
		>>"$LOGDIR/apache-error.log" 2>&1 || {
		show_tail "$LOGDIR/apache-error.log" 20
		die "apache2 failed to start (log: $(rel "$LOGDIR")/apache-error.log)"
	}
	for ((i = 0; i < 100; i++)); do
		pid=$(pidfile_ours "$APACHE_PID" "$APACHE_PAT") && port_in_use "$APACHE_PORT" && break
		sleep 0.1
	done
	pid=$(pidfile_ours "$APACHE_PID" "$APACHE_PAT") && port_in_use "$APACHE_PORT" || {
		show_tail "$LOGDIR/apache-error.log" 20
		die "apache2 did not start (log: $(rel "$LOGDIR")/apache-error.log)"
	}
	ok "running (pid $pid, as $APACHE_USER, log $(rel "$LOGDIR")/apache-error.log)"
}

# stop_apache: Apache by its pid file; its process manager then stops the
# collectors.  Any collector still there after 5s (its manager killed
# before it could) is ended by pid here.
stop_apache() {
	local i sig
	local -a left
	stop_pid apache2 "$APACHE_PID" "$APACHE_PAT" 20
	for sig in '' TERM KILL; do
		if [[ -n $sig ]]; then
			warn "collectors spawned by mod_fcgid outlived Apache (pids ${left[*]}): SIG$sig"
			kill "-$sig" "${left[@]}" 2>/dev/null || true
		fi
		for ((i = 0; i < 25; i++)); do
			mapfile -t left < <(pids_matching "$APACHE_COLLECT_PAT")
			((${#left[@]} == 0)) && return 0
			sleep 0.2
		done
	done
	warn "collectors spawned by mod_fcgid are still running: ${left[*]}"
	return 1
}

# ----------------------------------------------------------- whole stack

# stack_up: everything after install + build, in the order of the brief:
# database, config, migrations, demo, collector, nginx.
stack_up() {
	make_dirs
	nginx_user_init
	# Fail before starting anything when nginx could not listen.
	if ! pidfile_ours "$NGINX_PID" "$NGINX_PAT" >/dev/null && port_in_use "$HTTP_PORT"; then
		die "127.0.0.1:$HTTP_PORT is already in use by another program (not this stack's nginx)"
	fi
	start_mariadb
	ensure_database
	write_conf
	migrate
	if [[ $INST == bench ]]; then
		step "seeding the bench site"
		SITE_KEY=$(seed_site bench.example https://bench.example) || exit 1
		printf '%s\n' "$SITE_KEY" >"$SITE_KEY_FILE"
		ok "site_key=$SITE_KEY"
	else
		seed_demo
	fi
	start_collector
	start_account
	start_dashboard
	[[ $INST != up ]] || start_mailer
	[[ $INST != up ]] || start_rollup
	start_nginx
}

stack_down() {
	nginx_user_init
	stop_apache || true
	stop_nginx
	stop_dashboard
	stop_account
	stop_rollup
	stop_mailer
	stop_collector
	stop_mariadb
	rm -f "$COLLECT_SOCK" "$ACCOUNT_SOCK" "$DASHBOARD_SOCK"
}

# stack_status: one line per process; returns non-zero unless all is well.
stack_status() {
	local name pidfile pat pid code rc=0
	local -a names=(mariadbd trackr-collect trackr-account trackr-dashboard nginx)
	[[ $INST != up ]] || names+=(mail-send rollup)
	printf 'TrackR stack in %s (%s)\n' "$(rel "$VARDIR")/" "$BASE_URL"
	for name in "${names[@]}"; do
		case $name in
		mariadbd) pidfile=$MYSQLD_PID pat=$MYSQLD_PAT ;;
		trackr-collect) pidfile=$COLLECT_PID pat=$COLLECT_PAT ;;
		trackr-account) pidfile=$ACCOUNT_PID pat=$ACCOUNT_PAT ;;
		trackr-dashboard) pidfile=$DASHBOARD_PID pat=$DASHBOARD_PAT ;;
		rollup) pidfile=$ROLLUP_PID pat=$ROLLUP_PAT ;;
		nginx) pidfile=$NGINX_PID pat=$NGINX_PAT ;;
		mail-send) pidfile=$MAIL_PID pat=$MAIL_PAT ;;
		esac
		if pid=$(pidfile_ours "$pidfile" "$pat"); then
			printf '  %-15s pid %-8s running\n' "$name" "$pid"
		else
			printf '  %-15s %-12s stopped\n' "$name" '-'
			rc=1
		fi
	done
	if pid=$(pidfile_ours "$MYSQLD_PID" "$MYSQLD_PAT") && ! mysqld_ping; then
		printf '  %-15s does not answer on %s\n' mariadbd "$MYSQLD_SOCK"
		rc=1
	fi
	code=$(http_status "$BASE_URL/t.js")
	if [[ $code == 200 ]]; then
		printf '  %-15s HTTP %s\n' "$BASE_URL/t.js" "$code"
	else
		printf '  %-15s %s\n' "$BASE_URL/t.js" "$([[ $code == 000 ]] && echo 'no answer' || echo "HTTP $code")"
		rc=1
	fi
	return "$rc"
}
