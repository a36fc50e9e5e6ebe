/*
 * account: what the files of trackr-account share: its SQL (sql.c), the
 * per-request context that front() (main.c) fills before any handler
 * runs, and the helpers (util.c) handlers use to answer.  One file per
 * group of pages: auth.c (sign-up, verification, login, reset), home.c
 * (the account page and its sessions).
 */
#ifndef TRACKR_ACCOUNT_H
#define TRACKR_ACCOUNT_H

#include <json-c/json.h>

#include "buf.h"
#include "crypt.h"
#include "db.h"
#include "form.h"
#include "req.h"
#include "resp.h"
#include "session.h"
#include "tpl.h"

#define FORM_MAX_BODY	(16 * 1024)
#define FORM_MAX_PAIRS	16
#define EMAIL_MAX	254
#define ORG_NAME_MAX	200	/* code points */
#define VERIFY_SECONDS	(48 * 3600)
#define RESET_SECONDS	3600
#define THROTTLE_WINDOW	(15 * 60)
#define PAIR_LIMIT	5
#define CLIENT_LIMIT	50
#define FORGOT_LIMIT	10	/* reset requests per client per window */
#define SIGNUP_LIMIT	10	/* sign-ups per client per window (argon2id and mail cost) */

enum stmt {
	STMT_ORG_ADD = SESS_STMT__MAX,
	STMT_USER_ADD,
	STMT_MEMBER_ADD,
	STMT_USER_BY_EMAIL,
	STMT_USER_FIRST_ORG,
	STMT_USER_VERIFY,
	STMT_USER_SET_PASSWORD,
	STMT_TOKEN_ADD,
	STMT_TOKEN_VOID,
	STMT_TOKEN_FIND,
	STMT_TOKEN_USE,
	STMT_THROTTLE_GET,
	STMT_THROTTLE_FAIL,
	STMT_THROTTLE_CLEAR,
	STMT_AUDIT_ADD,
	STMT_SESSIONS_OF_USER,
	/* orgs.c */
	STMT_ORG_MEMBERS,
	STMT_ORG_INVITES,
	STMT_ORG_INVITES_PENDING,
	STMT_ORG_OF_USER,
	STMT_ORG_USER_OTHER,
	STMT_ORG_MEMBER_LOCK,
	STMT_ORG_OWNERS_LOCK,
	STMT_ORG_MEMBER_EMAIL,
	STMT_ORG_MEMBER_BY_EMAIL,
	STMT_ORG_MEMBER_SET_ROLE,
	STMT_ORG_MEMBER_DELETE,
	STMT_ORG_MEMBER_SESSIONS_END,
	STMT_ORG_USER_SESSIONS_MOVE,
	STMT_ORG_SESSION_MOVE,
	STMT_ORG_INVITE_VOID,
	STMT_ORG_INVITE_ADD,
	STMT_ORG_INVITE_FIND,
	STMT_ORG_INVITE_GET,
	STMT_ORG_INVITE_DELETE,
	/* mfa.c */
	STMT_MFA_USER,
	STMT_MFA_SET_PENDING,
	STMT_MFA_ENABLE,
	STMT_MFA_DISABLE,
	STMT_MFA_STEP,
	STMT_MFA_CODES_VOID,
	STMT_MFA_CODE_ADD,
	STMT_MFA_CODE_USE,
	STMT_MFA_CODES_LEFT,
	STMT_MFA_PENDING_VOID,
	STMT_MFA_PENDING_ADD,
	STMT_MFA_PENDING_FIND,
	STMT_MFA_PENDING_FAIL,
	STMT_MFA_PENDING_DELETE,
	STMT_MFA_GATE,
	STMT_MFA_ORG_REQUIRE,
	/* sites.c, keys.c */
	STMT_SITES_OF_ORG,
	STMT_SITE_COUNT,
	STMT_SITE_GET,
	STMT_SITE_ADD,
	STMT_SITE_UPDATE,
	STMT_SITE_DISABLE,
	STMT_SITE_EVENTS_DELETE,
	STMT_SITE_SESSIONS_DELETE,
	STMT_SITE_BATCHES_DELETE,
	STMT_SITE_DELETE,
	STMT_KEYS_OF_ORG,
	STMT_KEY_COUNT,
	STMT_KEY_ADD,
	STMT_KEY_GET,
	STMT_KEY_REVOKE,
	/* settings.c, audit.c */
	STMT_SET_AUDIT_USER_ORGS,
	STMT_SET_PENDING_EMAIL,
	STMT_SET_TOKEN_EMAIL,
	STMT_SET_USER_EMAIL,
	STMT_SET_AUDIT_PAGE,
	STMT_SET_EXPORT_USER,
	STMT_SET_EXPORT_MEMBERS,
	STMT_SET_EXPORT_SESSIONS,
	STMT_SET_EXPORT_AUDIT,
	STMT_SET_EXPORT_TOKENS,
	STMT_SET_USER_ORGS,
	STMT_SET_USER_ORGS_LOCK,
	STMT_SET_ORG_DEL_EVENTS,
	STMT_SET_ORG_DEL_VISITS,
	STMT_SET_ORG_DEL_BATCHES,
	STMT_SET_ORG_DEL_AUDIT,
	STMT_SET_ORG_DELETE,
	STMT_SET_AUDIT_UNLINK,
	STMT_SET_USER_DELETE,
	STMT_SET_EXPORT_MAILS,
	STMT_SET_MAILS_DELETE,
	STMT__MAX
};

extern const char *const stmts[STMT__MAX];

/* Read-only after start-up. */
struct app {
	struct db_pool	*pool;
	struct tpl_set	*tpls;
	const char	*base_url;	/* for links in mail: never the Host header */
	struct buf	 origin;	/* base_url's origin, what same-site forms send */
	int		 https;		/* base_url is https (behind a TLS proxy, say) */
	unsigned char	 key[CRYPT_SHA256_LEN];	/* from secret_key */
};

/* Per request, on the serving thread; front() resets it every time. */
struct ctx {
	const struct app	*app;
	struct db		*db;
	struct session		 sess;
	int			 logged_in;
	int			 https;
	int			 secure_cookie;	/* https, or a loopback host */
	struct kvlist		 form;	/* the POST body's fields */
	struct buf		 pre;	/* the pre-session cookie's value, if any */
	struct buf		 tmp;
};

enum route_need {
	NEED_LOGIN	= 1u << 8,	/* a live session, else 303 to /login */
	NEED_ADMIN	= 1u << 9,	/* and owner or admin of the session's organisation */
	NEED_OWNER	= 1u << 10,	/* and owner of the session's organisation */
	MFA_EXEMPT	= 1u << 14,	/* reachable while the organisation's 2FA requirement is unmet */
};

/* 1 when the session's role in its organisation is at least need ("admin" or "owner"). */
int	role_at_least(const struct session *, const char *need);

/* Helpers (util.c). */
const char *param(struct req *r, const char *name);
const char *field(struct ctx *c, const char *key, size_t *lenp);
size_t	utf8_chars(const char *s, size_t n);
void	ua_summary(struct buf *out, const char *ua);
int	email_normalise(char *s, size_t n);
void	throttle_key(const struct ctx *c, struct req *r, const char *kind, const char *email, unsigned char out[CRYPT_SHA256_LEN]);
long long	throttle_count(struct ctx *c, const unsigned char key[CRYPT_SHA256_LEN]);
void	throttle_fail(struct ctx *c, const unsigned char key[CRYPT_SHA256_LEN]);
void	throttle_clear(struct ctx *c, const unsigned char key[CRYPT_SHA256_LEN]);
int	audit(struct ctx *c, struct req *r, long long org, long long user, const char *action, const char *detail);
int	token_issue(struct ctx *c, const char *kind, long long user, const char *email, int seconds, char tok[SESSION_TOKEN_MAX]);
int	token_find(struct ctx *c, const char *kind, const char *tok, size_t len, long long *id, long long *user);
int	token_use(struct ctx *c, long long id);
int	send_mail(struct ctx *c, const char *to, const char *subject, const char *name, const char *link);
json_object *view_new(struct ctx *c, struct resp *resp, const char *title);
void	view_str(json_object *v, const char *key, const char *val);
int	render(struct ctx *c, struct resp *resp, int status, const char *page, json_object *view);
int	message(struct ctx *c, struct resp *resp, int status, const char *title, const char *text, const char *link, const char *link_text);
int	redirect(struct resp *resp, const char *to);
int	internal_error(struct ctx *c, struct resp *resp);
void	set_session_cookie(struct ctx *c, struct resp *resp, const char *tok);

/* Handlers: auth.c, home.c. */
int	h_signup(struct req *r, struct resp *resp);
int	h_verify(struct req *r, struct resp *resp);
int	h_login(struct req *r, struct resp *resp);
int	h_logout(struct req *r, struct resp *resp);
int	h_forgot(struct req *r, struct resp *resp);
int	h_reset(struct req *r, struct resp *resp);
int	h_account(struct req *r, struct resp *resp);
int	h_session_end(struct req *r, struct resp *resp);
/* orgs.c: the organisation, members, roles, invitations, switching. */
int	h_org(struct req *r, struct resp *resp);
int	h_org_invite(struct req *r, struct resp *resp);
int	h_org_revoke(struct req *r, struct resp *resp);
int	h_org_role(struct req *r, struct resp *resp);
int	h_org_remove(struct req *r, struct resp *resp);
int	h_org_leave(struct req *r, struct resp *resp);
int	h_org_transfer(struct req *r, struct resp *resp);
int	h_org_create(struct req *r, struct resp *resp);
int	h_org_switch(struct req *r, struct resp *resp);
int	h_invite(struct req *r, struct resp *resp);
int	h_invite_accept(struct req *r, struct resp *resp);

/* mfa.c: two-factor authentication. */
int	h_mfa(struct req *r, struct resp *resp);
int	h_mfa_setup(struct req *r, struct resp *resp);
int	h_mfa_enable(struct req *r, struct resp *resp);
int	h_mfa_disable(struct req *r, struct resp *resp);
int	h_mfa_recovery(struct req *r, struct resp *resp);
int	h_mfa_require(struct req *r, struct resp *resp);
int	h_login_2fa(struct req *r, struct resp *resp);
/*
 * After a right password: when user has 2FA on, store a pending login
 * (org and next kept for the second step), set its cookie and answer 303
 * to /account/login-2fa; returns that status.  0 when the user has no 2FA
 * (the caller signs in now), -1 on error (nothing answered).
 */
int	mfa_login_start(struct ctx *c, struct req *r, struct resp *resp, long long user,
	    long long org, const char *next);
/* 1 when the session's organisation requires 2FA and its user has none; 0; -1 on error. */
int	mfa_gate(struct ctx *c);

/* sites.c: sites, their snippet and status; keys.c: API keys. */
int	h_sites(struct req *r, struct resp *resp);
int	h_site_new(struct req *r, struct resp *resp);
int	h_site(struct req *r, struct resp *resp);
int	h_site_edit(struct req *r, struct resp *resp);
int	h_site_delete(struct req *r, struct resp *resp);
int	h_keys(struct req *r, struct resp *resp);
int	h_key_new(struct req *r, struct resp *resp);
int	h_key_revoke(struct req *r, struct resp *resp);

/* settings.c: password, email, export, deletion; audit.c: the organisation's audit log. */
int	h_settings(struct req *r, struct resp *resp);
int	h_password(struct req *r, struct resp *resp);
int	h_email(struct req *r, struct resp *resp);
int	h_email_confirm(struct req *r, struct resp *resp);
int	h_export(struct req *r, struct resp *resp);
int	h_delete(struct req *r, struct resp *resp);
int	h_audit(struct req *r, struct resp *resp);
/* The first column of statement st's first row as a number (0 with no row); -1 on error. */
long long	stmt_count(struct ctx *c, enum stmt st, struct db_args *a);

#endif
