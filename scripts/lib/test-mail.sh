# The mail suite of `scripts/trackr test`: trackrctl mail-send against a
# real SMTP server (Debian's python3-aiosmtpd writing a Maildir), with the
# server stopped for a retry, and two senders at once.  Uses ops_check from
# test-ops.sh.  Sourced.

# Debian's python3-aiosmtpd is installed for Debian's python, which may not
# be the first python3 on PATH.
MAIL_PYTHON=/usr/bin/python3
MAIL_PORT=18025

# mail_sql QUERY: rows from the test database, tab-separated, in UTC as the
# programs' sessions are (the outbox's defaults are CURRENT_TIMESTAMP).
mail_sql() {
	mariadb --defaults-file="$CLIENTCNF" --default-character-set=utf8mb4 --batch \
		--skip-column-names trackr -e "SET time_zone = '+00:00'; $1" 2>&1 || true
}

# mail_ctl ARGS...: trackrctl with the mail config; output in MAIL_OUT,
# exit status in MAIL_RC.
mail_ctl() {
	set +e
	MAIL_OUT=$("$CTL_BIN" -c "$MAIL_CONF" "$@" 2>>"$LOGDIR/mail-send.log")
	MAIL_RC=$?
	set -e
}

# mail_smtp_start: aiosmtpd on 127.0.0.1:MAIL_PORT writing MAIL_DIR; 0 once
# it accepts connections.
mail_smtp_start() {
	local i
	daemon "$MAIL_PYTHON" -m aiosmtpd -n -l "127.0.0.1:$MAIL_PORT" \
		-c aiosmtpd.handlers.Mailbox "$MAIL_DIR" >>"$LOGDIR/smtp.log" 2>&1 </dev/null &
	MAIL_SMTP_PID=$!
	for ((i = 0; i < 100; i++)); do
		port_in_use "$MAIL_PORT" && return 0
		pid_alive "$MAIL_SMTP_PID" || break
		sleep 0.1
	done
	show_tail "$LOGDIR/smtp.log" 20
	return 1
}

# mail_smtp_stop: stops the server this suite started, by its pid.
mail_smtp_stop() {
	local pid=${MAIL_SMTP_PID:-} i
	MAIL_SMTP_PID=
	[[ -n $pid ]] && pid_alive "$pid" || return 0
	[[ $(pid_cmdline "$pid") == *"aiosmtpd -n -l 127.0.0.1:$MAIL_PORT "* ]] || return 0
	kill -TERM "$pid" 2>/dev/null || true
	for ((i = 0; i < 50; i++)); do
		pid_alive "$pid" || break
		sleep 0.1
	done
	pid_alive "$pid" && kill -KILL "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null || true
	return 0
}

# mail_enqueue_sql TO SUBJECT TEXT [HTML]: a row as mail_enqueue writes it.
mail_enqueue_sql() {
	local html=NULL
	[[ -n ${4:-} ]] && html="'$4'"
	mail_sql "INSERT INTO mail_outbox (to_addr, subject, body_text, body_html, msg_token)
		VALUES ('$1', '$2', '$3', $html, REPLACE(UUID(), '-', ''))"
}

# mail_read TO: the messages in the Maildir for TO, parsed by Python's email
# package; prints count=, then for the first one from=, to=, subject=
# (decoded), parts= (content types), text_link= and html_link= (1 when the
# decoded part holds MAIL_LINK), raw_link= (1 when the raw file does) and
# msgid=.
mail_read() {
	"$MAIL_PYTHON" - "$MAIL_DIR" "$1" "$MAIL_LINK" <<-'PY'
		import email, email.policy, mailbox, sys
		box, to, link = mailbox.Maildir(sys.argv[1], create=False), sys.argv[2], sys.argv[3]
		found = []
		for key in box.keys():
		    raw = box.get_bytes(key)
		    msg = email.message_from_bytes(raw, policy=email.policy.default)
		    if msg["To"] == to:
		        found.append((raw, msg))
		print("count=%d" % len(found))
		if found:
		    raw, msg = found[0]
		    parts = [p.get_content_type() for p in msg.walk()]
		    text = msg.get_body(("plain",))
		    html = msg.get_body(("html",))
		    print("from=%s" % msg["From"])
		    print("to=%s" % msg["To"])
		    print("subject=%s" % msg["Subject"])
		    print("parts=%s" % " ".join(parts))
		    print("text_link=%d" % (text is not None and link in text.get_content()))
		    print("html_link=%d" % (html is not None and ('href="%s"' % link) in html.get_content()))
		    print("raw_link=%d" % (link.encode() in raw))
		    print("msgid=%s" % msg["Message-ID"])
		    print("ids=%s" % " ".join(sorted(str(m["Message-ID"]) for _, m in found)))
	PY
}

# field NAME: the value of NAME= in MAIL_MSG.
field() { sed -n "s/^$1=//p" <<<"$MAIL_MSG" | head -n 1; }

# mail_count: messages in the Maildir.
mail_count() { { find "$MAIL_DIR/new" "$MAIL_DIR/cur" -type f 2>/dev/null || true; } | wc -l; }

run_mail() {
	local st row subj_utf8 i pid before re
	OPS_PASS=0 OPS_FAIL=0
	MAIL_DIR=$VARDIR/mail/maildir
	MAIL_CONF=$VARDIR/mail.conf
	MAIL_LINK=http://127.0.0.1:18080/verify?token=abc_DEF-123
	step "mail: trackrctl mail-send through a real SMTP server (aiosmtpd on 127.0.0.1:$MAIL_PORT)"
	if ! "$MAIL_PYTHON" -c 'import aiosmtpd' 2>/dev/null; then
		record mail 0 1 "python3-aiosmtpd is not installed for $MAIL_PYTHON"
		return 0
	fi
	if port_in_use "$MAIL_PORT"; then
		record mail 0 1 "127.0.0.1:$MAIL_PORT is in use by another program"
		return 0
	fi
	# The server is stopped on every way out, an interrupted run included.
	trap 'MAIL_RC_EXIT=$?; mail_smtp_stop; (exit $MAIL_RC_EXIT); test_on_exit' EXIT
	rm -rf "$VARDIR/mail"
	mkdir -p "$VARDIR/mail"
	{
		cat "$CONF"
		printf '# Mail, for the mail suite\n'
		printf 'smtp_url = smtp://127.0.0.1:%s\nsmtp_starttls = none\n' "$MAIL_PORT"
		printf 'mail_from = TrackR Test <noreply@trackr.test>\n'
	} >"$MAIL_CONF"
	chmod 600 "$MAIL_CONF"
	mail_sql "DELETE FROM mail_outbox" >/dev/null

	mail_smtp_start && st=0 || st=1
	ops_check "aiosmtpd accepts connections on 127.0.0.1:$MAIL_PORT" $st

	# Two messages: ASCII text + HTML, and a non-ASCII subject and text.
	subj_utf8=$'Best\xc3\xa4tige deine Adresse \xe2\x9c\x93'
	mail_enqueue_sql verify@example.org 'Verify your address' \
		"Hello,\n\nopen $MAIL_LINK to verify your address.\n" \
		"<p>Hello,</p><p><a href=\"$MAIL_LINK\">Verify</a></p>"
	mail_enqueue_sql umlaut@example.org "$subj_utf8" \
		$'Gr\xc3\xbc\xc3\x9f dich! \xc3\x96ffne '"$MAIL_LINK"'\n'
	mail_ctl mail-send --once
	[[ $MAIL_RC == 0 && $MAIL_OUT == "2 sent, 0 failed" ]] && st=0 || st=1
	ops_check "mail-send --once sends the two due messages" $st "exit $MAIL_RC, $MAIL_OUT"

	MAIL_MSG=$(mail_read verify@example.org) || true
	[[ $(field count) == 1 ]] && st=0 || st=1
	ops_check "the message arrived in the Maildir once" $st "$MAIL_MSG"
	[[ $(field to) == verify@example.org && $(field subject) == 'Verify your address' &&
		$(field from) == 'TrackR Test <noreply@trackr.test>' ]] && st=0 || st=1
	ops_check "To, Subject and From are right" $st "$MAIL_MSG"
	[[ $(field parts) == 'multipart/alternative text/plain text/html' ]] && st=0 || st=1
	ops_check "multipart/alternative with a text and an HTML part" $st "$(field parts)"
	[[ $(field text_link) == 1 && $(field html_link) == 1 && $(field raw_link) == 1 ]] && st=0 || st=1
	ops_check "the link is whole in both parts and in the raw message" $st "$MAIL_MSG"
	re='^<[0-9a-f]{32}@trackr[.]test>$'
	[[ $(field msgid) =~ $re ]] && st=0 || st=1
	ops_check "Message-ID is <msg_token@mail_from's domain>" $st "$(field msgid)"

	MAIL_MSG=$(mail_read umlaut@example.org) || true
	[[ $(field count) == 1 && $(field subject) == "$subj_utf8" ]] && st=0 || st=1
	ops_check "a non-ASCII subject decodes right" $st "$MAIL_MSG"
	[[ $(field parts) == text/plain && $(field text_link) == 1 ]] && st=0 || st=1
	ops_check "a non-ASCII text-only body decodes with its link whole" $st "$MAIL_MSG"

	row=$(mail_sql "SELECT COUNT(*), SUM(sent_at IS NOT NULL AND next_attempt_at IS NULL
		AND attempts = 1 AND last_error = '' AND claim_token IS NULL) FROM mail_outbox")
	[[ $row == $'2\t2' ]] && st=0 || st=1
	ops_check "both rows are marked sent, lease released" $st "$row"
	before=$(mail_count)
	mail_ctl mail-send --once
	[[ $MAIL_RC == 0 && $MAIL_OUT == "0 sent, 0 failed" && $(mail_count) == "$before" ]] && st=0 || st=1
	ops_check "a second --once sends nothing again" $st "$MAIL_OUT, $(mail_count) messages"

	# mail_enqueue itself, through trackrctl mail-test.
	mail_ctl mail-test 'Bob <bob@example.org>'
	row=$(mail_sql "SELECT COUNT(*) FROM mail_outbox WHERE to_addr LIKE '%bob%'")
	[[ $MAIL_RC != 0 && $row == 0 ]] && st=0 || st=1
	ops_check "mail-test refuses a display name at enqueue, no row" $st "exit $MAIL_RC, rows $row"
	mail_ctl mail-test ops@example.org
	[[ $MAIL_RC == 0 ]] && mail_ctl mail-send --once
	MAIL_MSG=$(mail_read ops@example.org) || true
	[[ $MAIL_RC == 0 && $(field count) == 1 && $(field subject) == 'TrackR test message' ]] &&
		st=0 || st=1
	ops_check "mail-test queues through mail_enqueue and mail-send delivers it" $st "$MAIL_MSG"

	# The server down: the attempt fails, is recorded and scheduled.
	mail_smtp_stop
	mail_enqueue_sql retry@example.org 'Retry me' "Retry $MAIL_LINK\n"
	mail_ctl mail-send --once
	[[ $MAIL_RC == 0 && $MAIL_OUT == "0 sent, 1 failed" ]] && st=0 || st=1
	ops_check "with the server down the run still succeeds, 1 failed" $st "exit $MAIL_RC, $MAIL_OUT"
	row=$(mail_sql "SELECT attempts, sent_at IS NULL, last_error <> '',
		next_attempt_at > UTC_TIMESTAMP(3) + INTERVAL 50 SECOND, claim_token IS NULL
		FROM mail_outbox WHERE to_addr = 'retry@example.org'")
	[[ $row == $'1\t1\t1\t1\t1' ]] && st=0 || st=1
	ops_check "attempts 1, last_error set, next attempt about a minute later" $st "$row"
	mail_smtp_start && st=0 || st=1
	ops_check "aiosmtpd starts again" $st
	mail_ctl mail-send --once
	[[ $MAIL_RC == 0 && $MAIL_OUT == "0 sent, 0 failed" ]] && st=0 || st=1
	ops_check "nothing is retried before its time" $st "$MAIL_OUT"
	mail_sql "UPDATE mail_outbox SET next_attempt_at = UTC_TIMESTAMP(3) - INTERVAL 1 SECOND
		WHERE to_addr = 'retry@example.org'" >/dev/null
	mail_ctl mail-send --once
	MAIL_MSG=$(mail_read retry@example.org) || true
	row=$(mail_sql "SELECT attempts, sent_at IS NOT NULL, last_error FROM mail_outbox
		WHERE to_addr = 'retry@example.org'")
	[[ $MAIL_OUT == "1 sent, 0 failed" && $(field count) == 1 && $row == $'2\t1\t' ]] &&
		st=0 || st=1
	ops_check "once due, the retry is sent and marked (attempts 2, error cleared)" $st \
		"$MAIL_OUT; $row; $(field count) delivered"

	# Two senders at once: every message exactly once.
	for ((i = 0; i < 30; i++)); do
		((i == 0)) && printf "SET time_zone = '+00:00';\n"
		printf "INSERT INTO mail_outbox (to_addr, subject, body_text, msg_token)
			VALUES ('many%d@example.org', 'Many %d', 'Body %d', REPLACE(UUID(), '-', ''));\n" \
			"$i" "$i" "$i"
	done | mariadb --defaults-file="$CLIENTCNF" trackr || true
	before=$(mail_count)
	"$CTL_BIN" -c "$MAIL_CONF" mail-send --once >"$VARDIR/mail/a.out" 2>>"$LOGDIR/mail-send.log" &
	pid=$!
	"$CTL_BIN" -c "$MAIL_CONF" mail-send --once >"$VARDIR/mail/b.out" 2>>"$LOGDIR/mail-send.log" ||
		true
	wait "$pid" || true
	row=$(mail_sql "SELECT COUNT(*), SUM(sent_at IS NOT NULL AND attempts = 1)
		FROM mail_outbox WHERE to_addr LIKE 'many%'")
	[[ $row == $'30\t30' && $(($(mail_count) - before)) == 30 ]] && st=0 || st=1
	ops_check "two senders at once deliver 30 messages exactly once" $st \
		"rows $row, delivered $(($(mail_count) - before)); $(cat "$VARDIR/mail/a.out" "$VARDIR/mail/b.out" | tr '\n' ' ')"

	# As a daemon: it picks up new mail and stops on SIGTERM.
	"$CTL_BIN" -c "$MAIL_CONF" mail-send >"$VARDIR/mail/daemon.out" 2>>"$LOGDIR/mail-send.log" &
	pid=$!
	mail_enqueue_sql daemon@example.org 'From the daemon' "Hello\n"
	for ((i = 0; i < 100; i++)); do
		[[ $(mail_sql "SELECT COUNT(*) FROM mail_outbox WHERE to_addr = 'daemon@example.org'
			AND sent_at IS NOT NULL") == 1 ]] && break
		sleep 0.1
	done
	MAIL_MSG=$(mail_read daemon@example.org) || true
	[[ $(field count) == 1 ]] && st=0 || st=1
	ops_check "mail-send without --once sends what is queued while it runs" $st "$MAIL_MSG"
	kill -TERM "$pid" 2>/dev/null || true
	for ((i = 0; i < 50; i++)); do
		pid_alive "$pid" || break
		sleep 0.1
	done
	pid_alive "$pid" && st=1 || st=0
	ops_check "it exits within 5 s of SIGTERM" $st
	pid_alive "$pid" && kill -KILL "$pid" 2>/dev/null
	wait "$pid" || true

	mail_smtp_stop
	trap test_on_exit EXIT
	record mail "$OPS_PASS" "$OPS_FAIL"
}
