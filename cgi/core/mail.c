/*
 * mail: the outbox row (mail_enqueue), the MIME message (mail_build) and
 * the two transports, SMTP through libcurl and a sendmail-compatible
 * command run without a shell.  See mail.h for the contracts.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>
#include <openssl/evp.h>

#include "buf.h"
#include "crypt.h"
#include "log.h"
#include "mail.h"
#include "valid.h"

/* RFC 5322 atext: what a dot-atom may hold besides the dots. */
static int
is_atext(unsigned char c)
{
	if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))
		return 1;
	return c != '\0' && strchr("!#$%&'*+/=?^_`{|}~-", c) != NULL;
}

int
mail_valid_addr(const char *s, size_t n)
{
	const char *at;
	size_t local, i;

	if (s == NULL || n == 0 || n > MAIL_ADDR_MAX)
		return 0;
	if ((at = memchr(s, '@', n)) == NULL)
		return 0;
	local = (size_t)(at - s);
	if (local == 0 || local > MAIL_LOCAL_MAX)
		return 0;
	for (i = 0; i < local; i++) {
		if (s[i] == '.') {
			if (i == 0 || i + 1 == local || s[i + 1] == '.')
				return 0;
		} else if (!is_atext((unsigned char)s[i]))
			return 0;
	}
	/* The domain: a host name (a second '@' fails here) with a dot. */
	s += local + 1;
	n -= local + 1;
	return valid_hostname(s, n) && memchr(s, '.', n) != NULL && s[n - 1] != '.';
}

/* 1 for a subject mail_enqueue() and mail_build() accept. */
static int
valid_subject(const char *s)
{
	size_t n, i;

	if (s == NULL || (n = strlen(s)) == 0 || n > MAIL_SUBJECT_MAX || !valid_text(s, n))
		return 0;
	for (i = 0; i < n; i++)
		if (s[i] == '\t')	/* valid_text allows tab; a header line does not need it */
			return 0;
	return 1;
}

static int
valid_body(const char *s, int required)
{
	size_t n;

	if (s == NULL)
		return !required;
	n = strlen(s);
	return (n > 0 || !required) && n <= MAIL_BODY_MAX && valid_utf8(s, n);
}

int
mail_enqueue(struct db *db, const char *to, const char *subject, const char *text,
    const char *html)
{
	struct db_args a = DB_ARGS_INIT;
	MYSQL_STMT *st = NULL;
	char token[32];
	int rc = -1;

	if (to == NULL || !mail_valid_addr(to, strlen(to))) {
		log_err("refused: not one plain address");
		return -1;
	}
	if (!valid_subject(subject)) {
		log_err("refused: subject must be 1..%d bytes of UTF-8 on one line",
		    MAIL_SUBJECT_MAX);
		return -1;
	}
	if (!valid_body(text, 1) || !valid_body(html, 0)) {
		log_err("refused: a body is missing, too long or not UTF-8");
		return -1;
	}
	if (crypt_token(token, sizeof(token), 16) == -1)
		return -1;
	if ((st = db_prepare(db, MAIL_SQL_ENQUEUE)) == NULL)
		goto out;
	db_arg_strz(&a, to);
	db_arg_strz(&a, subject);
	db_arg_strz(&a, text);
	db_arg_strz(&a, html);
	db_arg_strz(&a, token);
	if (db_exec(db, st, &a, NULL, NULL) == -1)
		goto out;
	rc = 0;
out:
	if (st != NULL)
		mysql_stmt_close(st);
	db_args_free(&a);
	return rc;
}

/* ------------------------------------------------------------ building */

static void
add_base64(struct buf *out, const unsigned char *p, size_t n)
{
	size_t need = (n + 2) / 3 * 4;
	int w;

	buf_grow(out, need + 1);
	if (out->err)
		return;
	w = EVP_EncodeBlock((unsigned char *)out->ptr + out->len, p, (int)n);
	buf_setlen(out, out->len + (size_t)w);
}

void
mail_add_encoded_words(struct buf *out, const char *s, size_t n)
{
	/* 39 bytes are 52 base64 characters, 64 with "=?UTF-8?B?" and "?=". */
	size_t chunk, first = 1;

	while (n > 0) {
		chunk = valid_utf8_cut(s, n, 39);
		if (chunk == 0)		/* invalid UTF-8: the callers checked it */
			break;
		if (!first)
			buf_adds(out, "\r\n ");
		buf_adds(out, "=?UTF-8?B?");
		add_base64(out, (const unsigned char *)s, chunk);
		buf_adds(out, "?=");
		s += chunk;
		n -= chunk;
		first = 0;
	}
}

void
mail_add_qp(struct buf *out, const char *s, size_t n)
{
	static const char hex[] = "0123456789ABCDEF";
	char enc[4];
	size_t i, end, col, w;
	unsigned char c;

	while (n > 0) {
		/* One input line: up to LF, a CR right before it belongs to the end. */
		for (end = 0; end < n && s[end] != '\n'; end++)
			;
		w = end;
		if (w > 0 && w < n && s[w - 1] == '\r')
			w--;
		col = 0;
		for (i = 0; i < w; i++) {
			c = (unsigned char)s[i];
			if ((c >= 33 && c <= 126 && c != '=') ||
			    ((c == ' ' || c == '\t') && i + 1 < w)) {
				enc[0] = (char)c;
				enc[1] = '\0';
			} else {
				enc[0] = '=';
				enc[1] = hex[c >> 4];
				enc[2] = hex[c & 15];
				enc[3] = '\0';
			}
			/* 76 characters at most, counting the '=' of a soft break. */
			if (col + strlen(enc) > 75) {
				buf_adds(out, "=\r\n");
				col = 0;
			}
			buf_adds(out, enc);
			col += strlen(enc);
		}
		buf_adds(out, "\r\n");
		if (end == n)
			break;
		s += end + 1;
		n -= end + 1;
	}
}

/*
 * 1 when s can go out as 7bit, verbatim: ASCII without NUL or a lone CR,
 * lines of at most 998 bytes, and the boundary nowhere in it.
 */
static int
is_7bit(const char *s, size_t n, const char *boundary)
{
	size_t i, line = 0;

	for (i = 0; i < n; i++) {
		if ((unsigned char)s[i] >= 0x80 || s[i] == '\0')
			return 0;
		if (s[i] == '\r' && (i + 1 == n || s[i + 1] != '\n'))
			return 0;
		if (s[i] == '\n')
			line = 0;
		else if (s[i] != '\r' && ++line > 998)
			return 0;
	}
	return boundary == NULL || memmem(s, n, boundary, strlen(boundary)) == NULL;
}

/* s with every line ending in CRLF, the last one too. */
static void
add_crlf(struct buf *out, const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (s[i] == '\n' && (i == 0 || s[i - 1] != '\r'))
			buf_addch(out, '\r');
		buf_addch(out, s[i]);
	}
	if (n == 0 || s[n - 1] != '\n')
		buf_adds(out, "\r\n");
}

/* Content-Type, Content-Transfer-Encoding, blank line and body of one part. */
static void
add_part(struct buf *out, const char *type, const char *s, const char *boundary)
{
	size_t n = strlen(s);

	buf_addf(out, "Content-Type: %s; charset=UTF-8\r\n", type);
	if (is_7bit(s, n, boundary)) {
		buf_adds(out, "Content-Transfer-Encoding: 7bit\r\n\r\n");
		add_crlf(out, s, n);
	} else {
		buf_adds(out, "Content-Transfer-Encoding: quoted-printable\r\n\r\n");
		mail_add_qp(out, s, n);
	}
}

static void
add_date(struct buf *out, time_t t)
{
	static const char days[7][4] = { "Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat" };
	static const char months[12][4] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
	    "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
	struct tm tm;

	gmtime_r(&t, &tm);
	buf_addf(out, "Date: %s, %02d %s %04d %02d:%02d:%02d +0000\r\n",
	    days[tm.tm_wday % 7], tm.tm_mday, months[tm.tm_mon % 12], tm.tm_year + 1900,
	    tm.tm_hour, tm.tm_min, tm.tm_sec);
}

/* 1 when s must be sent as encoded words: not ASCII, or it looks like one. */
static int
needs_encoding(const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s >= 0x80 || (s[0] == '=' && s[1] == '?'))
			return 1;
	return 0;
}

int
mail_build(struct buf *out, const struct mail_msg *m)
{
	char boundary[128];
	size_t tlen;

	if (m->to == NULL || !mail_valid_addr(m->to, strlen(m->to))) {
		log_err("refused: not one plain address");
		return -1;
	}
	if (!valid_subject(m->subject) || !valid_body(m->text, 1) || !valid_body(m->html, 0)) {
		log_err("refused: bad subject or body");
		return -1;
	}
	if (m->from == NULL || m->from[0] == '\0' || !valid_text(m->from, strlen(m->from)) ||
	    m->msg_token == NULL || (tlen = strlen(m->msg_token)) > 64 ||
	    !valid_token(m->msg_token, tlen, 64) || m->msg_domain == NULL ||
	    !valid_hostname(m->msg_domain, strlen(m->msg_domain))) {
		log_err("refused: bad From, message token or domain");
		return -1;
	}
	/* "=_" never occurs in quoted-printable output, nor in base64. */
	snprintf(boundary, sizeof(boundary), "=_%s", m->msg_token);

	add_date(out, m->date);
	buf_addf(out, "From: %s\r\n", m->from);
	buf_addf(out, "To: %s\r\n", m->to);
	buf_adds(out, "Subject: ");
	if (needs_encoding(m->subject))
		mail_add_encoded_words(out, m->subject, strlen(m->subject));
	else
		buf_adds(out, m->subject);
	buf_adds(out, "\r\n");
	buf_addf(out, "Message-ID: <%s@%s>\r\n", m->msg_token, m->msg_domain);
	buf_adds(out, "MIME-Version: 1.0\r\n");
	/* RFC 3834: machines should not answer it (vacation replies). */
	buf_adds(out, "Auto-Submitted: auto-generated\r\n");
	if (m->html == NULL) {
		add_part(out, "text/plain", m->text, NULL);
	} else {
		buf_addf(out, "Content-Type: multipart/alternative; boundary=\"%s\"\r\n\r\n",
		    boundary);
		buf_addf(out, "--%s\r\n", boundary);
		add_part(out, "text/plain", m->text, boundary);
		buf_addf(out, "--%s\r\n", boundary);
		add_part(out, "text/html", m->html, boundary);
		buf_addf(out, "--%s--\r\n", boundary);
	}
	if (out->err) {
		log_err("message longer than %zu bytes", out->max);
		return -1;
	}
	return 0;
}

/* A display name as a quoted-string, or encoded words when not ASCII. */
static int
add_display_name(struct buf *out, const char *s, size_t n)
{
	size_t i;

	if (!valid_text(s, n))
		return -1;
	for (i = 0; i < n; i++)
		if (s[i] == '"' || s[i] == '\\' || s[i] == '\t')
			return -1;
	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] >= 0x80 || (s[i] == '=' && i + 1 < n && s[i + 1] == '?')) {
			mail_add_encoded_words(out, s, n);
			return 0;
		}
	buf_addch(out, '"');
	buf_add(out, s, n);
	buf_addch(out, '"');
	return 0;
}

int
mail_from_parse(const char *s, char **addr, char **header)
{
	struct buf h = BUF_INIT;
	const char *lt, *gt, *name_end;
	size_t n;

	*addr = *header = NULL;
	if (s == NULL || *s == '\0')
		goto bad;
	if ((lt = strchr(s, '<')) == NULL) {
		if (!mail_valid_addr(s, strlen(s)))
			goto bad;
		*addr = xstrdup(s);
		*header = xstrdup(s);
		return 0;
	}
	if ((gt = strchr(lt, '>')) == NULL || gt[1] != '\0' ||
	    !mail_valid_addr(lt + 1, (size_t)(gt - lt - 1)))
		goto bad;
	for (name_end = lt; name_end > s && name_end[-1] == ' '; name_end--)
		;
	while (*s == ' ')
		s++;
	n = name_end > s ? (size_t)(name_end - s) : 0;
	if (n > 0) {
		if (add_display_name(&h, s, n) == -1)
			goto bad;
		buf_addch(&h, ' ');
	}
	buf_addch(&h, '<');
	buf_add(&h, lt + 1, (size_t)(gt - lt - 1));
	buf_addch(&h, '>');
	*addr = xstrndup(lt + 1, (size_t)(gt - lt - 1));
	*header = buf_detach(&h, NULL);
	return 0;
bad:
	buf_release(&h);
	log_err("mail_from: want \"addr@example.com\" or \"Name <addr@example.com>\"");
	return -1;
}

/* ---------------------------------------------------------- transports */

enum mail_kind { MAIL_SMTP, MAIL_COMMAND };

struct mail_transport {
	enum mail_kind	 kind;
	char		*from_addr;	/* envelope sender */
	char		*from_header;
	const char	*domain;	/* inside from_addr */
	/* SMTP */
	char		*url;
	char		*user;
	char		*password;
	long		 use_ssl;
	CURL		*curl;
	/* command */
	char		*cmdline;	/* split in place; argv points into it */
	char		**argv;
};

struct mail_transport *
mail_transport_new(const struct conf *c)
{
	struct mail_transport *t = xcalloc(1, sizeof(*t));
	const char *url = conf_str(c, "smtp_url", NULL);
	const char *cmd = conf_str(c, "mail_command", NULL);
	const char *tls = conf_str(c, "smtp_starttls", "try");
	size_t n = 0;
	char *p, *save = NULL;

	if (conf_str(c, "mail_from", NULL) == NULL) {
		log_err("mail_from is not set: who sends the mail?");
		goto fail;
	}
	if (mail_from_parse(conf_str(c, "mail_from", NULL), &t->from_addr,
	    &t->from_header) == -1)
		goto fail;
	t->domain = strchr(t->from_addr, '@') + 1;
	if ((url == NULL) == (cmd == NULL)) {
		log_err("set exactly one of smtp_url and mail_command");
		goto fail;
	}
	if (url != NULL) {
		t->kind = MAIL_SMTP;
		if (strncmp(url, "smtp://", 7) != 0 && strncmp(url, "smtps://", 8) != 0) {
			log_err("smtp_url: want smtp://host:port or smtps://host:port");
			goto fail;
		}
		if (strcmp(tls, "none") == 0)
			t->use_ssl = CURLUSESSL_NONE;
		else if (strcmp(tls, "try") == 0)
			t->use_ssl = CURLUSESSL_TRY;
		else if (strcmp(tls, "require") == 0)
			t->use_ssl = CURLUSESSL_ALL;
		else {
			log_err("smtp_starttls: want none, try or require");
			goto fail;
		}
		t->url = xstrdup(url);
		if (conf_str(c, "smtp_user", NULL) != NULL) {
			t->user = xstrdup(conf_str(c, "smtp_user", NULL));
			t->password = xstrdup(conf_str(c, "smtp_password", ""));
		}
		if ((t->curl = curl_easy_init()) == NULL) {
			log_err("curl_easy_init failed");
			goto fail;
		}
	} else {
		t->kind = MAIL_COMMAND;
		t->cmdline = xstrdup(cmd);
		for (p = strtok_r(t->cmdline, " ", &save); p != NULL;
		    p = strtok_r(NULL, " ", &save)) {
			t->argv = xrealloc(t->argv, (n + 2) * sizeof(*t->argv));
			t->argv[n++] = p;
			t->argv[n] = NULL;
		}
		if (n == 0 || t->argv[0][0] != '/') {
			log_err("mail_command: want an absolute path, e.g. /usr/sbin/sendmail -t -i");
			goto fail;
		}
	}
	return t;
fail:
	mail_transport_free(t);
	return NULL;
}

void
mail_transport_free(struct mail_transport *t)
{
	if (t == NULL)
		return;
	if (t->curl != NULL)
		curl_easy_cleanup(t->curl);
	if (t->password != NULL)
		crypt_wipe(t->password, strlen(t->password));
	free(t->password);
	free(t->user);
	free(t->url);
	free(t->argv);
	free(t->cmdline);
	free(t->from_header);
	free(t->from_addr);
	free(t);
}

const char *
mail_transport_from(const struct mail_transport *t)
{
	return t->from_header;
}

const char *
mail_transport_domain(const struct mail_transport *t)
{
	return t->domain;
}

struct upload {
	const char	*p;
	size_t		 left;
};

static size_t
upload_read(char *dst, size_t size, size_t nmemb, void *arg)
{
	struct upload *u = arg;
	size_t n = size * nmemb;

	if (n > u->left)
		n = u->left;
	memcpy(dst, u->p, n);
	u->p += n;
	u->left -= n;
	return n;
}

static int
send_smtp(struct mail_transport *t, const char *to, const char *msg, size_t len,
    struct buf *err)
{
	struct curl_slist *rcpt = NULL;
	struct upload u = { msg, len };
	char ebuf[CURL_ERROR_SIZE], path[MAIL_ADDR_MAX + 3];
	CURL *c = t->curl;
	CURLcode rc;
	long code = 0;

	curl_easy_reset(c);
	ebuf[0] = '\0';
	snprintf(path, sizeof(path), "<%s>", to);	/* to was checked: it fits */
	rcpt = curl_slist_append(NULL, path);
	snprintf(path, sizeof(path), "<%s>", t->from_addr);
	if (rcpt == NULL) {
		buf_adds(err, "smtp: out of memory");
		return -1;
	}
	curl_easy_setopt(c, CURLOPT_URL, t->url);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
	curl_easy_setopt(c, CURLOPT_USE_SSL, t->use_ssl);
	curl_easy_setopt(c, CURLOPT_MAIL_FROM, path);
	curl_easy_setopt(c, CURLOPT_MAIL_RCPT, rcpt);
	curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
	curl_easy_setopt(c, CURLOPT_READFUNCTION, upload_read);
	curl_easy_setopt(c, CURLOPT_READDATA, &u);
	curl_easy_setopt(c, CURLOPT_INFILESIZE_LARGE, (curl_off_t)len);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, ebuf);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 15L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, (long)MAIL_SEND_TIMEOUT);
	if (t->user != NULL) {
		curl_easy_setopt(c, CURLOPT_USERNAME, t->user);
		curl_easy_setopt(c, CURLOPT_PASSWORD, t->password);
	}
	rc = curl_easy_perform(c);
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
	curl_slist_free_all(rcpt);
	if (rc == CURLE_OK)
		return 0;
	buf_addf(err, "smtp: %s", curl_easy_strerror(rc));
	if (ebuf[0] != '\0')
		buf_addf(err, ": %s", ebuf);
	if (code != 0)
		buf_addf(err, " (last reply %ld)", code);
	return -1;
}

/* Write all of p to fd (non-blocking) before deadline; 0 or -1 with errno. */
static int
write_all(int fd, const char *p, size_t n, time_t deadline)
{
	struct pollfd pfd = { .fd = fd, .events = POLLOUT };
	ssize_t w;

	while (n > 0) {
		if (time(NULL) >= deadline) {
			errno = ETIMEDOUT;
			return -1;
		}
		if (poll(&pfd, 1, 1000) == -1 && errno != EINTR)
			return -1;
		if ((w = write(fd, p, n)) == -1) {
			if (errno == EAGAIN || errno == EINTR)
				continue;
			return -1;
		}
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/*
 * The message on the command's stdin, with LF line ends as local mail
 * programs expect; its output goes to our stderr (the log).  The caller
 * ignores SIGPIPE, so a command that exits early shows as EPIPE.
 */
static int
send_command(struct mail_transport *t, const char *msg, size_t len, struct buf *err)
{
	struct buf lf = BUF_INIT;
	time_t deadline = time(NULL) + MAIL_SEND_TIMEOUT;
	int fds[2], status = 0, rc = -1, werr = 0;
	size_t i;
	pid_t pid, w;

	for (i = 0; i < len; i++)
		if (!(msg[i] == '\r' && i + 1 < len && msg[i + 1] == '\n'))
			buf_addch(&lf, msg[i]);
	if (pipe2(fds, O_CLOEXEC) == -1) {
		buf_addf(err, "pipe: %s", strerror(errno));
		goto out;
	}
	if ((pid = fork()) == -1) {
		buf_addf(err, "fork: %s", strerror(errno));
		close(fds[0]);
		close(fds[1]);
		goto out;
	}
	if (pid == 0) {
		if (dup2(fds[0], 0) == -1 || dup2(2, 1) == -1)
			_exit(127);
		signal(SIGPIPE, SIG_DFL);
		execv(t->argv[0], t->argv);
		dprintf(2, "mail_command: %s: %s\n", t->argv[0], strerror(errno));
		_exit(127);
	}
	close(fds[0]);
	fcntl(fds[1], F_SETFL, O_NONBLOCK);
	if (write_all(fds[1], lf.ptr, lf.len, deadline) == -1)
		werr = errno;
	close(fds[1]);
	while ((w = waitpid(pid, &status, WNOHANG)) == 0 && time(NULL) < deadline)
		usleep(20000);
	if (w == 0) {
		kill(pid, SIGKILL);
		waitpid(pid, &status, 0);
		buf_addf(err, "%s: no exit within %d s, killed", t->argv[0], MAIL_SEND_TIMEOUT);
		goto out;
	}
	if (w == -1) {
		buf_addf(err, "waitpid: %s", strerror(errno));
		goto out;
	}
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0 && werr == 0) {
		rc = 0;
		goto out;
	}
	if (WIFEXITED(status))
		buf_addf(err, "%s exited with status %d", t->argv[0], WEXITSTATUS(status));
	else
		buf_addf(err, "%s killed by signal %d", t->argv[0],
		    WIFSIGNALED(status) ? WTERMSIG(status) : 0);
	if (werr != 0)
		buf_addf(err, " (writing the message: %s)", strerror(werr));
out:
	buf_release(&lf);
	return rc;
}

int
mail_transport_send(struct mail_transport *t, const char *to, const char *msg, size_t len,
    struct buf *err)
{
	size_t start = err->len;
	int rc;

	if (to == NULL || !mail_valid_addr(to, strlen(to))) {
		buf_adds(err, "refused: not one plain address");
		return -1;
	}
	rc = t->kind == MAIL_SMTP ? send_smtp(t, to, msg, len, err) :
	    send_command(t, msg, len, err);
	if (rc == -1)
		log_warn("%s", err->ptr + start);
	return rc;
}
