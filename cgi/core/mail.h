/*
 * mail: outbound email through an outbox table.
 *
 * Programs never talk SMTP while serving a request: mail_enqueue() adds a
 * row to mail_outbox (migrations/0003_mail.sql), inside the caller's
 * transaction when one is open, so a mail exists exactly when the change
 * that caused it was committed.  `trackrctl mail-send` later claims due
 * rows, builds each message (mail_build) and hands it to the configured
 * transport (mail_transport_send): SMTP through libcurl (smtp_url) or a
 * sendmail-compatible command (mail_command).  See ARCHITECTURE.md, "Mail".
 *
 * The enqueue statement.  Each program has its own `enum stmt` table, and
 * mail_enqueue() cannot know which index a program gave to a shared entry;
 * a setter for that index would be mutable global state.  So
 * mail_enqueue() prepares its one fixed INSERT (MAIL_SQL_ENQUEUE) with
 * db_prepare() on the caller's connection and closes it again: one extra
 * round trip per mail, which is nothing next to sending it, and nothing
 * for a program to wire.  The SQL is still fixed text with placeholders.
 */
#ifndef TRACKR_MAIL_H
#define TRACKR_MAIL_H

#include <stddef.h>
#include <time.h>

#include "buf.h"
#include "conf.h"
#include "db.h"

/* Bounds, checked at enqueue and again before sending. */
#define MAIL_ADDR_MAX		254		/* RFC 5321 path limit less the brackets */
#define MAIL_LOCAL_MAX		64
#define MAIL_SUBJECT_MAX	400		/* bytes of UTF-8 */
#define MAIL_BODY_MAX		(4 * 1024 * 1024)	/* bytes, per part */
#define MAIL_ERROR_MAX		1000		/* bytes of last_error kept */

/* The fixed INSERT that mail_enqueue() prepares. */
#define MAIL_SQL_ENQUEUE \
	"INSERT INTO mail_outbox (to_addr, subject, body_text, body_html, msg_token)" \
	" VALUES (?, ?, ?, ?, ?)"

/* Queue a message in mail_outbox (inside the caller's transaction if one is open). 0 or -1 (logged). to must be one address; subject one line (CR/LF refused); text required, html may be NULL. */
int mail_enqueue(struct db *db, const char *to, const char *subject, const char *text, const char *html);
/*
 * In detail: to must pass mail_valid_addr(); subject must be 1 to
 * MAIL_SUBJECT_MAX bytes of valid UTF-8 without control characters (so no
 * CR, LF or tab); text and html must be valid UTF-8 of at most
 * MAIL_BODY_MAX bytes, text not empty.  Nothing is stored when one of
 * them is refused.  The strings stay the caller's.  The row is due at
 * once; the caller commits as usual (in autocommit mode it is stored by
 * the INSERT itself).
 */

/*
 * 1 when s[0..n) is one plain address "local@domain": a dot-atom local
 * part (RFC 5322 atext and single inner dots, at most 64 bytes), a host
 * name with at least one dot, at most MAIL_ADDR_MAX bytes in all.  No
 * display name, angle brackets, comments, quoted local parts, lists,
 * white space, controls or non-ASCII (no SMTPUTF8).
 */
int	mail_valid_addr(const char *s, size_t n);

/* One message as mail_build() writes it. */
struct mail_msg {
	const char	*from;		/* header form, from mail_from_parse() */
	const char	*to;		/* a plain address */
	const char	*subject;	/* UTF-8, one line */
	const char	*text;		/* UTF-8, LF or CRLF line ends */
	const char	*html;		/* UTF-8 or NULL */
	const char	*msg_token;	/* [A-Za-z0-9_-]: Message-ID and boundary */
	const char	*msg_domain;	/* right side of the Message-ID */
	time_t		 date;		/* the Date: header */
};

/*
 * Append the whole RFC 5322 message (CRLF line ends) to out: Date,
 * From, To, Subject (RFC 2047 encoded words when it is not plain ASCII),
 * Message-ID <msg_token@msg_domain>, MIME-Version, then the text alone or
 * a multipart/alternative of text and html, both charset UTF-8.  A part
 * that is ASCII with lines of at most 998 bytes is sent as 7bit, verbatim,
 * so links in it survive any reader; anything else is quoted-printable.
 * Returns 0, or -1 (logged) when a field is refused (the same checks as
 * mail_enqueue) or out's maximum was reached; out then holds a partial
 * message to be discarded.
 */
int	mail_build(struct buf *out, const struct mail_msg *m);

/*
 * Parse the mail_from setting: "addr@example.com" or
 * "Display Name <addr@example.com>".  On success *addr gets the plain
 * address (the SMTP envelope sender) and *header the From: field value
 * (the name quoted, or encoded when not ASCII); both are the caller's to
 * free().  Returns 0, or -1 (logged) when it is not one valid address.
 */
int	mail_from_parse(const char *s, char **addr, char **header);

/*
 * Append valid UTF-8 s[0..n) as RFC 2047 "=?UTF-8?B?...?=" words of at
 * most 64 characters, never splitting a character, folded (CRLF SP)
 * between words so a "Subject: " line stays under 78 characters.
 */
void	mail_add_encoded_words(struct buf *out, const char *s, size_t n);
/* Append s[0..n) as quoted-printable with CRLF line ends (RFC 2045 6.7). */
void	mail_add_qp(struct buf *out, const char *s, size_t n);

/*
 * How messages leave: built from the configuration, once.  Keys:
 * mail_from (required), and exactly one of smtp_url (smtp:// or smtps://,
 * with smtp_user, smtp_password, smtp_starttls = none|try|require) or
 * mail_command (a sendmail-compatible command, split on spaces, run
 * without a shell, the message on its stdin).
 */
struct mail_transport;

/* NULL (logged) when the configuration is incomplete or contradictory. */
struct mail_transport	*mail_transport_new(const struct conf *);
void			 mail_transport_free(struct mail_transport *);
/* The From: header value and the domain for Message-IDs. */
const char		*mail_transport_from(const struct mail_transport *);
const char		*mail_transport_domain(const struct mail_transport *);
/*
 * Hand one built message for the address to to the transport.  Returns
 * 0 once the server (or command) accepted it, or -1 with a one-line
 * reason in err (appended; also logged).  Bounded in time: at most
 * MAIL_SEND_TIMEOUT seconds, so a claim lease of MAIL_LEASE_SECONDS
 * always outlasts it.
 */
int			 mail_transport_send(struct mail_transport *, const char *to,
			    const char *msg, size_t len, struct buf *err);

#define MAIL_SEND_TIMEOUT	120
#define MAIL_LEASE_SECONDS	600

#endif
