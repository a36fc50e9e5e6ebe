/*
 * test_mail: CUnit suite for cgi/core/mail.c without a database or a
 * server: address validation, refusals at enqueue, the From setting,
 * RFC 2047 subjects, quoted-printable, and whole MIME messages.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <CUnit/Basic.h>
#include <openssl/evp.h>

#include "buf.h"
#include "log.h"
#include "mail.h"
#include "valid.h"

#define ADDR(lit)	mail_valid_addr((lit), sizeof(lit) - 1)

static const char link_url[] = "http://127.0.0.1:18080/verify?token=abc_DEF-123";

static void
test_addr(void)
{
	char big[300];

	CU_ASSERT(ADDR("a@example.com"));
	CU_ASSERT(ADDR("first.last+tag@mail.example.org"));
	CU_ASSERT(ADDR("o'brien!#$%&*/=?^_`{|}~-@x.io"));
	CU_ASSERT(ADDR("UPPER@EXAMPLE.COM"));

	CU_ASSERT(!mail_valid_addr(NULL, 0));
	CU_ASSERT(!ADDR(""));
	CU_ASSERT(!ADDR("plain"));
	CU_ASSERT(!ADDR("@example.com"));
	CU_ASSERT(!ADDR("a@"));
	CU_ASSERT(!ADDR("a@localhost"));		/* a host name without a dot */
	CU_ASSERT(!ADDR("a@example.com."));
	CU_ASSERT(!ADDR("a@-example.com"));
	CU_ASSERT(!ADDR("a@b@example.com"));
	CU_ASSERT(!ADDR(".a@example.com"));
	CU_ASSERT(!ADDR("a.@example.com"));
	CU_ASSERT(!ADDR("a..b@example.com"));
	CU_ASSERT(!ADDR("\"a b\"@example.com"));	/* quoted local parts */
	CU_ASSERT(!ADDR("a b@example.com"));
	CU_ASSERT(!ADDR("a(comment)@example.com"));
	CU_ASSERT(!ADDR("a@[127.0.0.1]"));
	CU_ASSERT(!ADDR("j\xc3\xb6rg@example.com"));	/* no SMTPUTF8 */
	/* Display names, lists and header injection. */
	CU_ASSERT(!ADDR("Bob <bob@example.com>"));
	CU_ASSERT(!ADDR("<bob@example.com>"));
	CU_ASSERT(!ADDR("a@example.com, b@example.com"));
	CU_ASSERT(!ADDR("a@example.com,b@example.com"));
	CU_ASSERT(!ADDR("a@example.com;b@example.com"));
	CU_ASSERT(!ADDR("a@example.com\r\nBcc: victim@example.org"));
	CU_ASSERT(!ADDR("a@example.com\nBcc: victim@example.org"));
	CU_ASSERT(!ADDR("a\r\n@example.com"));
	CU_ASSERT(!mail_valid_addr("a@example.com\0x", 15));

	/* Lengths: 64 bytes of local part, 254 in all. */
	memset(big, 'a', sizeof(big));
	memcpy(big + 64, "@example.com", 12);
	CU_ASSERT(mail_valid_addr(big, 76));
	memset(big, 'a', sizeof(big));
	memcpy(big + 65, "@example.com", 12);
	CU_ASSERT(!mail_valid_addr(big, 77));
	memset(big, 'a', sizeof(big));
	big[10] = '@';
	/* a@ + labels of 50 'a' separated by dots, 254 and 255 bytes long */
	for (size_t i = 61; i < sizeof(big); i += 51)
		big[i] = '.';
	big[253] = 'a';
	CU_ASSERT(mail_valid_addr(big, 254));
	CU_ASSERT(!mail_valid_addr(big, 255));
}

/* Every refusal happens before the database is touched (db NULL here). */
static void
test_enqueue_refusals(void)
{
	char *big;

	CU_ASSERT(mail_enqueue(NULL, "not an address", "Hi", "text", NULL) == -1);
	CU_ASSERT(mail_enqueue(NULL, "Bob <bob@example.com>", "Hi", "text", NULL) == -1);
	CU_ASSERT(mail_enqueue(NULL, "a@example.com, b@example.com", "Hi", "text", NULL) == -1);
	CU_ASSERT(mail_enqueue(NULL, "a@example.com\r\nBcc: x@example.org", "Hi", "t", NULL) == -1);
	CU_ASSERT(mail_enqueue(NULL, NULL, "Hi", "text", NULL) == -1);
	CU_ASSERT(mail_enqueue(NULL, "a@example.com", "Hi\r\nBcc: x@example.org", "t", NULL) == -1);
	CU_ASSERT(mail_enqueue(NULL, "a@example.com", "Hi\nthere", "t", NULL) == -1);
	CU_ASSERT(mail_enqueue(NULL, "a@example.com", "Hi\rthere", "t", NULL) == -1);
	CU_ASSERT(mail_enqueue(NULL, "a@example.com", "tab\there", "t", NULL) == -1);
	CU_ASSERT(mail_enqueue(NULL, "a@example.com", "", "t", NULL) == -1);
	CU_ASSERT(mail_enqueue(NULL, "a@example.com", NULL, "t", NULL) == -1);
	CU_ASSERT(mail_enqueue(NULL, "a@example.com", "bad \xff UTF-8", "t", NULL) == -1);
	CU_ASSERT(mail_enqueue(NULL, "a@example.com", "Hi", NULL, NULL) == -1);
	CU_ASSERT(mail_enqueue(NULL, "a@example.com", "Hi", "", NULL) == -1);
	CU_ASSERT(mail_enqueue(NULL, "a@example.com", "Hi", "bad \xc3", NULL) == -1);
	CU_ASSERT(mail_enqueue(NULL, "a@example.com", "Hi", "t", "bad \xed\xa0\x80") == -1);
	big = malloc(MAIL_SUBJECT_MAX + 2);
	memset(big, 'x', MAIL_SUBJECT_MAX + 1);
	big[MAIL_SUBJECT_MAX + 1] = '\0';
	CU_ASSERT(mail_enqueue(NULL, "a@example.com", big, "t", NULL) == -1);
	free(big);
	big = malloc(MAIL_BODY_MAX + 2);
	memset(big, 'x', MAIL_BODY_MAX + 1);
	big[MAIL_BODY_MAX + 1] = '\0';
	CU_ASSERT(mail_enqueue(NULL, "a@example.com", "Hi", big, NULL) == -1);
	CU_ASSERT(mail_enqueue(NULL, "a@example.com", "Hi", "t", big) == -1);
	free(big);
}

static void
test_from(void)
{
	char *addr, *hdr;

	CU_ASSERT_FATAL(mail_from_parse("noreply@example.com", &addr, &hdr) == 0);
	CU_ASSERT_STRING_EQUAL(addr, "noreply@example.com");
	CU_ASSERT_STRING_EQUAL(hdr, "noreply@example.com");
	free(addr);
	free(hdr);
	CU_ASSERT_FATAL(mail_from_parse("TrackR <noreply@example.com>", &addr, &hdr) == 0);
	CU_ASSERT_STRING_EQUAL(addr, "noreply@example.com");
	CU_ASSERT_STRING_EQUAL(hdr, "\"TrackR\" <noreply@example.com>");
	free(addr);
	free(hdr);
	CU_ASSERT_FATAL(mail_from_parse("<noreply@example.com>", &addr, &hdr) == 0);
	CU_ASSERT_STRING_EQUAL(hdr, "<noreply@example.com>");
	free(addr);
	free(hdr);
	CU_ASSERT_FATAL(mail_from_parse("J\xc3\xb6rg's Stats <a@example.com>", &addr, &hdr) == 0);
	CU_ASSERT_STRING_EQUAL(hdr, "=?UTF-8?B?SsO2cmcncyBTdGF0cw==?= <a@example.com>");
	free(addr);
	free(hdr);

	CU_ASSERT(mail_from_parse("", &addr, &hdr) == -1 && addr == NULL && hdr == NULL);
	CU_ASSERT(mail_from_parse(NULL, &addr, &hdr) == -1);
	CU_ASSERT(mail_from_parse("a@example.com\r\nBcc: x@example.org", &addr, &hdr) == -1);
	CU_ASSERT(mail_from_parse("Evil\r\nBcc: x@example.org <a@example.com>", &addr, &hdr) == -1);
	CU_ASSERT(mail_from_parse("Say \"hi\" <a@example.com>", &addr, &hdr) == -1);
	CU_ASSERT(mail_from_parse("Name <a@example.com> trailing", &addr, &hdr) == -1);
	CU_ASSERT(mail_from_parse("Name <a@example.com, b@example.com>", &addr, &hdr) == -1);
	CU_ASSERT(mail_from_parse("Name <a@example.com", &addr, &hdr) == -1);
	CU_ASSERT(addr == NULL && hdr == NULL);
}

/* Decode the =?UTF-8?B?...?= words of one (unfolded) header value. */
static int
decode_words(const char *s, struct buf *out)
{
	unsigned char dec[128];
	const char *end;
	size_t n, pad;
	int w;

	while (*s != '\0') {
		while (*s == '\r' || *s == '\n' || *s == ' ')
			s++;
		if (*s == '\0')
			break;
		if (strncmp(s, "=?UTF-8?B?", 10) != 0 || (end = strstr(s + 10, "?=")) == NULL)
			return -1;
		n = (size_t)(end - s - 10);
		if (n + 12 > 75 || n % 4 != 0 || n > 100)
			return -1;
		w = EVP_DecodeBlock(dec, (const unsigned char *)s + 10, (int)n);
		if (w < 0)
			return -1;
		pad = (n > 0 && s[10 + n - 1] == '=') + (n > 1 && s[10 + n - 2] == '=');
		/* Each word holds whole characters (RFC 2047 5.3). */
		if (!valid_utf8((const char *)dec, (size_t)w - pad))
			return -1;
		buf_add(out, dec, (size_t)w - pad);
		s = end + 2;
	}
	return 0;
}

static void
test_encoded_words(void)
{
	struct buf b = BUF_INIT, dec = BUF_INIT;
	/* 34 times "é€" (5 bytes each): 170 bytes, several words. */
	struct buf subj = BUF_INIT;
	const char *p, *nl;
	int i;

	for (i = 0; i < 34; i++)
		buf_adds(&subj, "\xc3\xa9\xe2\x82\xac");
	mail_add_encoded_words(&b, subj.ptr, subj.len);
	CU_ASSERT(strstr(b.ptr, "\r\n ") != NULL);	/* folded */
	/* "Subject: " plus any line stays under 78 characters. */
	for (p = b.ptr; (nl = strstr(p, "\r\n")) != NULL; p = nl + 2)
		CU_ASSERT(nl - p + 9 <= 78);
	CU_ASSERT(strlen(p) + 9 <= 78);
	CU_ASSERT_FATAL(decode_words(b.ptr, &dec) == 0);
	CU_ASSERT_STRING_EQUAL(dec.ptr, subj.ptr);
	buf_release(&subj);

	buf_reset(&b);
	buf_reset(&dec);
	mail_add_encoded_words(&b, "Best\xc3\xa4tige deine Adresse", 24);
	CU_ASSERT_STRING_EQUAL(b.ptr, "=?UTF-8?B?QmVzdMOkdGlnZSBkZWluZSBBZHJlc3Nl?=");
	CU_ASSERT(decode_words(b.ptr, &dec) == 0);
	CU_ASSERT_STRING_EQUAL(dec.ptr, "Best\xc3\xa4tige deine Adresse");
	buf_release(&b);
	buf_release(&dec);
}

static int
hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Quoted-printable back to bytes with LF line ends; -1 when malformed. */
static int
qp_decode(const char *s, struct buf *out)
{
	for (; *s != '\0'; s++) {
		if (s[0] == '=' && s[1] == '\r' && s[2] == '\n') {
			s += 2;
		} else if (s[0] == '=') {
			if (hexval(s[1]) < 0 || hexval(s[2]) < 0)
				return -1;
			buf_addch(out, hexval(s[1]) * 16 + hexval(s[2]));
			s += 2;
		} else if (s[0] == '\r' && s[1] == '\n') {
			buf_addch(out, '\n');
			s++;
		} else if (s[0] == '\r' || s[0] == '\n' || (unsigned char)s[0] >= 0x80) {
			return -1;
		} else
			buf_addch(out, s[0]);
	}
	return 0;
}

/* No line of s is longer than max characters, and every line ends in CRLF. */
static int
lines_ok(const char *s, size_t max)
{
	const char *nl;

	for (; *s != '\0'; s = nl + 2) {
		if ((nl = strstr(s, "\r\n")) == NULL)
			return 0;
		if ((size_t)(nl - s) > max || memchr(s, '\n', (size_t)(nl - s)) != NULL)
			return 0;
	}
	return 1;
}

static void
test_qp(void)
{
	struct buf b = BUF_INIT, dec = BUF_INIT;
	char in[400];
	size_t i;

	mail_add_qp(&b, "a=b \t\nend \n\xc3\xa9", 13);
	CU_ASSERT_STRING_EQUAL(b.ptr, "a=3Db =09\r\nend=20\r\n=C3=A9\r\n");
	buf_reset(&b);

	/* A long line of every byte value, soft-broken at 76. */
	for (i = 0; i < sizeof(in) - 1; i++)
		in[i] = (char)(i % 255 + 1) == '\n' ? 'x' : (char)(i % 255 + 1);
	in[sizeof(in) - 1] = '\0';
	mail_add_qp(&b, in, strlen(in));
	CU_ASSERT(lines_ok(b.ptr, 76));
	CU_ASSERT_FATAL(qp_decode(b.ptr, &dec) == 0);
	CU_ASSERT(dec.len == strlen(in) + 1 && memcmp(dec.ptr, in, strlen(in)) == 0);
	buf_release(&b);
	buf_release(&dec);
}

/* The body of the part whose Content-Type starts with type, decoded. */
static int
part_body(const char *msg, const char *type, struct buf *out)
{
	char hdr[128];
	const char *p, *body, *end;
	struct buf raw = BUF_INIT;
	int rc;

	snprintf(hdr, sizeof(hdr), "Content-Type: %s", type);
	if ((p = strstr(msg, hdr)) == NULL || (body = strstr(p, "\r\n\r\n")) == NULL)
		return -1;
	body += 4;
	if ((end = strstr(body, "\r\n--=_")) != NULL)
		end += 2;
	else
		end = body + strlen(body);
	buf_add(&raw, body, (size_t)(end - body));
	if (strstr(p, "Content-Transfer-Encoding: quoted-printable") != NULL &&
	    strstr(p, "Content-Transfer-Encoding: quoted-printable") < body) {
		rc = qp_decode(raw.ptr, out);
	} else {
		rc = 0;
		for (p = raw.ptr; *p != '\0'; p++)
			if (!(p[0] == '\r' && p[1] == '\n'))
				buf_addch(out, *p);
	}
	buf_release(&raw);
	return rc;
}

static void
test_build_text(void)
{
	struct buf b = BUF_INIT, body = BUF_INIT;
	struct mail_msg m = {
		.from = "\"TrackR\" <noreply@example.com>",
		.to = "user@example.org",
		.subject = "Verify your address",
		.text = "Hello,\n\nopen http://127.0.0.1:18080/verify?token=abc_DEF-123 to verify.\n.\nBye",
		.html = NULL,
		.msg_token = "AbC_dEf-123",
		.msg_domain = "example.com",
		.date = 0,
	};

	CU_ASSERT_FATAL(mail_build(&b, &m) == 0);
	CU_ASSERT(strncmp(b.ptr, "Date: Thu, 01 Jan 1970 00:00:00 +0000\r\n", 39) == 0);
	CU_ASSERT(strstr(b.ptr, "\r\nFrom: \"TrackR\" <noreply@example.com>\r\n") != NULL);
	CU_ASSERT(strstr(b.ptr, "\r\nTo: user@example.org\r\n") != NULL);
	CU_ASSERT(strstr(b.ptr, "\r\nSubject: Verify your address\r\n") != NULL);
	CU_ASSERT(strstr(b.ptr, "\r\nMessage-ID: <AbC_dEf-123@example.com>\r\n") != NULL);
	CU_ASSERT(strstr(b.ptr, "\r\nMIME-Version: 1.0\r\n") != NULL);
	CU_ASSERT(strstr(b.ptr, "\r\nContent-Type: text/plain; charset=UTF-8\r\n"
	    "Content-Transfer-Encoding: 7bit\r\n\r\n") != NULL);
	CU_ASSERT(strstr(b.ptr, "multipart") == NULL);
	/* ASCII goes out verbatim: the link is whole in the raw message. */
	CU_ASSERT(strstr(b.ptr, link_url) != NULL);
	CU_ASSERT(lines_ok(b.ptr, 998));
	/* Every line ends in CRLF, the last one too. */
	CU_ASSERT(part_body(b.ptr, "text/plain", &body) == 0);
	CU_ASSERT(strncmp(body.ptr, m.text, strlen(m.text)) == 0 &&
	    strcmp(body.ptr + strlen(m.text), "\n") == 0);
	buf_release(&b);
	buf_release(&body);
}

static void
test_build_multipart(void)
{
	struct buf b = BUF_INIT, body = BUF_INIT, dec = BUF_INIT;
	char longline[1200], *html;
	const char *p;
	struct mail_msg m = {
		.from = "noreply@example.com",
		.to = "user@example.org",
		.subject = "Best\xc3\xa4tige deine Adresse \xe2\x9c\x93",
		.text = "Gr\xc3\xbc\xc3\x9f" "e! Open http://127.0.0.1:18080/verify?token=abc_DEF-123\n",
		.msg_token = "tok123",
		.msg_domain = "example.com",
		.date = 1700000000,
	};

	memset(longline, 'x', sizeof(longline) - 1);
	longline[sizeof(longline) - 1] = '\0';
	html = malloc(2000);
	snprintf(html, 2000, "<p><a href=\"%s\">Verify</a></p>\n<p>%s</p>", link_url, longline);
	m.html = html;
	CU_ASSERT_FATAL(mail_build(&b, &m) == 0);
	CU_ASSERT(strncmp(b.ptr, "Date: Tue, 14 Nov 2023 22:13:20 +0000\r\n", 39) == 0);
	CU_ASSERT(strstr(b.ptr, "\r\nContent-Type: multipart/alternative; "
	    "boundary=\"=_tok123\"\r\n\r\n--=_tok123\r\n") != NULL);
	CU_ASSERT(strstr(b.ptr, "\r\n--=_tok123--\r\n") != NULL);
	/* The subject is encoded and decodes back. */
	p = strstr(b.ptr, "\r\nSubject: ");
	CU_ASSERT_FATAL(p != NULL);
	p += 11;
	buf_add(&body, p, (size_t)(strstr(p, "\r\nMessage-ID:") - p));
	CU_ASSERT(decode_words(body.ptr, &dec) == 0);
	CU_ASSERT_STRING_EQUAL(dec.ptr, m.subject);
	buf_reset(&body);
	/* Non-ASCII text and an over-long HTML line are quoted-printable. */
	CU_ASSERT(strstr(b.ptr, "Content-Type: text/plain; charset=UTF-8\r\n"
	    "Content-Transfer-Encoding: quoted-printable\r\n") != NULL);
	CU_ASSERT(strstr(b.ptr, "Content-Type: text/html; charset=UTF-8\r\n"
	    "Content-Transfer-Encoding: quoted-printable\r\n") != NULL);
	CU_ASSERT(lines_ok(b.ptr, 78));
	CU_ASSERT(part_body(b.ptr, "text/plain", &body) == 0);
	CU_ASSERT_STRING_EQUAL(body.ptr, m.text);
	buf_reset(&body);
	CU_ASSERT(part_body(b.ptr, "text/html", &body) == 0);
	CU_ASSERT(strncmp(body.ptr, html, strlen(html)) == 0);
	CU_ASSERT(strstr(body.ptr, link_url) != NULL);

	/* Short ASCII HTML stays 7bit and the link is whole in the raw text. */
	buf_reset(&b);
	snprintf(html, 2000, "<p><a href=\"%s\">Verify</a></p>\n", link_url);
	m.text = "plain";
	CU_ASSERT_FATAL(mail_build(&b, &m) == 0);
	CU_ASSERT(strstr(b.ptr, "Content-Type: text/html; charset=UTF-8\r\n"
	    "Content-Transfer-Encoding: 7bit\r\n\r\n<p><a href=\"") != NULL);
	CU_ASSERT(strstr(b.ptr, link_url) != NULL);

	/* A part holding the boundary is encoded, so it cannot end the part. */
	buf_reset(&b);
	m.text = "line\n--=_tok123--\nmore";
	CU_ASSERT_FATAL(mail_build(&b, &m) == 0);
	CU_ASSERT(strstr(b.ptr, "Content-Type: text/plain; charset=UTF-8\r\n"
	    "Content-Transfer-Encoding: quoted-printable\r\n") != NULL);
	p = strstr(b.ptr, "--=_tok123--");
	CU_ASSERT(p != NULL && strcmp(p, "--=_tok123--\r\n") == 0);
	free(html);
	buf_release(&b);
	buf_release(&body);
	buf_release(&dec);
}

static void
test_build_refusals(void)
{
	struct buf b = BUF_INIT;
	struct mail_msg ok = {
		.from = "noreply@example.com", .to = "user@example.org", .subject = "Hi",
		.text = "t", .msg_token = "tok", .msg_domain = "example.com",
	}, m;

	CU_ASSERT(mail_build(&b, &ok) == 0);
	buf_reset(&b);
	m = ok;
	m.subject = "Hi\r\nBcc: victim@example.org";
	CU_ASSERT(mail_build(&b, &m) == -1);
	m = ok;
	m.subject = "Hi\nX-Injected: 1";
	CU_ASSERT(mail_build(&b, &m) == -1);
	m = ok;
	m.to = "user@example.org\r\nBcc: victim@example.org";
	CU_ASSERT(mail_build(&b, &m) == -1);
	m = ok;
	m.to = "Someone <user@example.org>";
	CU_ASSERT(mail_build(&b, &m) == -1);
	m = ok;
	m.from = "noreply@example.com\r\nBcc: victim@example.org";
	CU_ASSERT(mail_build(&b, &m) == -1);
	m = ok;
	m.msg_token = "tok>\r\nBcc: x";
	CU_ASSERT(mail_build(&b, &m) == -1);
	m = ok;
	m.text = NULL;
	CU_ASSERT(mail_build(&b, &m) == -1);

	/* The output bound is honoured. */
	buf_release(&b);
	buf_init(&b, 100);
	CU_ASSERT(mail_build(&b, &ok) == -1);
	buf_release(&b);
}

static void
test_transport_conf(void)
{
	struct mail_transport *t;
	struct conf c;

	CU_ASSERT_FATAL(conf_parse(&c, "mail_from = TrackR <noreply@example.com>\n"
	    "smtp_url = smtp://127.0.0.1:2525\nsmtp_starttls = none\n", "t.conf") == 0);
	t = mail_transport_new(&c);
	CU_ASSERT_FATAL(t != NULL);
	CU_ASSERT_STRING_EQUAL(mail_transport_from(t), "\"TrackR\" <noreply@example.com>");
	CU_ASSERT_STRING_EQUAL(mail_transport_domain(t), "example.com");
	mail_transport_free(t);
	conf_free(&c);

	CU_ASSERT_FATAL(conf_parse(&c, "mail_from = a@example.com\n"
	    "mail_command = /usr/sbin/sendmail -t -i\n", "t.conf") == 0);
	t = mail_transport_new(&c);
	CU_ASSERT(t != NULL);
	mail_transport_free(t);
	conf_free(&c);

	static const char *const bad[] = {
		"smtp_url = smtp://127.0.0.1:2525\n",				/* no mail_from */
		"mail_from = a@example.com\n",					/* no transport */
		"mail_from = a@example.com\nsmtp_url = smtp://h:25\nmail_command = /bin/cat\n",
		"mail_from = a@example.com\nsmtp_url = http://h/\n",
		"mail_from = a@example.com\nsmtp_url = smtp://h:25\nsmtp_starttls = maybe\n",
		"mail_from = a@example.com\nmail_command = sendmail -t\n",	/* not absolute */
		"mail_from = bad\nsmtp_url = smtp://h:25\n",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		CU_ASSERT_FATAL(conf_parse(&c, bad[i], "t.conf") == 0);
		t = mail_transport_new(&c);
		CU_ASSERT(t == NULL);
		mail_transport_free(t);
		conf_free(&c);
	}
}

/* mail_command: the message reaches the command's stdin with LF line ends. */
static void
test_command(void)
{
	char path[] = "/tmp/test_mail.XXXXXX", cmd[256], got[256];
	struct buf err = BUF_INIT;
	struct mail_transport *t;
	struct conf c;
	FILE *f;
	size_t n;
	int fd;

	CU_ASSERT_FATAL((fd = mkstemp(path)) != -1);
	close(fd);
	snprintf(cmd, sizeof(cmd), "mail_from = a@example.com\n"
	    "mail_command = /usr/bin/dd  of=%s status=none\n", path);
	CU_ASSERT_FATAL(conf_parse(&c, cmd, "t.conf") == 0);
	CU_ASSERT_FATAL((t = mail_transport_new(&c)) != NULL);
	CU_ASSERT(mail_transport_send(t, "user@example.org", "A: b\r\n\r\nbody\r\n", 15, &err) == 0);
	f = fopen(path, "r");
	CU_ASSERT_FATAL(f != NULL);
	n = fread(got, 1, sizeof(got) - 1, f);
	got[n] = '\0';
	fclose(f);
	CU_ASSERT_STRING_EQUAL(got, "A: b\n\nbody\n");
	CU_ASSERT(mail_transport_send(t, "bad address", "x", 1, &err) == -1);
	CU_ASSERT(strstr(err.ptr, "refused") != NULL);
	mail_transport_free(t);
	conf_free(&c);
	unlink(path);

	buf_reset(&err);
	CU_ASSERT_FATAL(conf_parse(&c, "mail_from = a@example.com\n"
	    "mail_command = /bin/false\n", "t.conf") == 0);
	CU_ASSERT_FATAL((t = mail_transport_new(&c)) != NULL);
	CU_ASSERT(mail_transport_send(t, "user@example.org", "x\r\n", 3, &err) == -1);
	CU_ASSERT(strstr(err.ptr, "exited with status 1") != NULL);
	mail_transport_free(t);
	conf_free(&c);
	buf_release(&err);
}

int
main(void)
{
	CU_pSuite s;
	unsigned int failed;

	/* The refusals log their reasons to stderr: that output is expected. */
	log_init("test_mail", LOGL_ERR);
	signal(SIGPIPE, SIG_IGN);
	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	s = CU_add_suite("mail", NULL, NULL);
	if (s == NULL ||
	    CU_add_test(s, "address validation", test_addr) == NULL ||
	    CU_add_test(s, "enqueue refusals", test_enqueue_refusals) == NULL ||
	    CU_add_test(s, "mail_from parsing", test_from) == NULL ||
	    CU_add_test(s, "RFC 2047 encoded words", test_encoded_words) == NULL ||
	    CU_add_test(s, "quoted-printable", test_qp) == NULL ||
	    CU_add_test(s, "text-only message", test_build_text) == NULL ||
	    CU_add_test(s, "multipart message", test_build_multipart) == NULL ||
	    CU_add_test(s, "header injection and bounds", test_build_refusals) == NULL ||
	    CU_add_test(s, "transport configuration", test_transport_conf) == NULL ||
	    CU_add_test(s, "mail_command transport", test_command) == NULL) {
		CU_cleanup_registry();
		return 1;
	}
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	failed = CU_get_number_of_failures() +
	    CU_get_number_of_suites_failed() + CU_get_number_of_tests_failed();
	CU_cleanup_registry();
	return failed ? 1 : 0;
}
