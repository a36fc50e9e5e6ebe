/*
 * home: the account page, with the user's sessions and ending them.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "conf.h"
#include "crypt.h"
#include "csrf.h"
#include "db.h"
#include "form.h"
#include "log.h"
#include "mail.h"
#include "pass.h"
#include "secure.h"
#include "server.h"
#include "session.h"
#include "tpl.h"
#include "ua.h"
#include "valid.h"
#include "account.h"

int
h_account(struct req *r, struct resp *resp)
{
	struct ctx *c = r->thread;
	struct db_args a = DB_ARGS_INIT;
	struct db_res res;
	json_object *v, *list, *row;
	const char *s;
	int rc;

	v = view_new(c, resp, "Your account");
	list = json_object_new_array();
	json_object_object_add(v, "sessions", list);
	db_arg_int(&a, c->sess.user_id);
	db_arg_int(&a, SESSION_IDLE_SECONDS);
	if (db_select_idx(c->db, STMT_SESSIONS_OF_USER, &a, &res) == -1) {
		db_res_free(&res);
		db_args_free(&a);
		json_object_put(v);
		return internal_error(c, resp);
	}
	while ((rc = db_fetch(&res)) == 1) {
		row = json_object_new_object();
		json_object_object_add(row, "id", json_object_new_int64(db_col_int(&res, 0, 0)));
		json_object_object_add(row, "current", json_object_new_boolean(
		    (unsigned long long)db_col_int(&res, 0, 0) == c->sess.id));
		view_str(row, "created", (s = db_col(&res, 1, NULL)) ? s : "");
		view_str(row, "last_seen", (s = db_col(&res, 2, NULL)) ? s : "");
		ua_summary(&c->tmp, (s = db_col(&res, 3, NULL)) ? s : "");
		view_str(row, "device", c->tmp.ptr);
		view_str(row, "ip", (s = db_col(&res, 4, NULL)) ? s : "");
		json_object_array_add(list, row);
	}
	db_res_free(&res);
	db_args_free(&a);
	if (rc == -1) {
		json_object_put(v);
		return internal_error(c, resp);
	}
	return render(c, resp, 200, "account/home.html", v);
}

/* End one of the user's own sessions; another user's id is a 404, like a missing one. */
int
h_session_end(struct req *r, struct resp *resp)
{
	struct ctx *c = r->thread;
	struct db_args a = DB_ARGS_INIT;
	unsigned long long id, n = 0;
	const char *s = field(c, "session", NULL);
	char *end;
	int rc;

	errno = 0;
	id = strtoull(s, &end, 10);
	if (*s == '\0' || *end != '\0' || errno != 0)
		return message(c, resp, 400, "Bad request", "No session was named.", "/account",
		    "Back to your account");
	db_arg_uint(&a, id);
	db_arg_int(&a, c->sess.user_id);
	rc = db_exec(c->db, db_stmt(c->db, SESS_STMT_DELETE_ONE), &a, &n, NULL);
	db_args_free(&a);
	if (rc == -1)
		return internal_error(c, resp);
	if (n == 0)
		return message(c, resp, 404, "Not found", "There is no such session.",
		    "/account", "Back to your account");
	(void)audit(c, r, c->sess.org_id, c->sess.user_id, "session.ended",
	    id == c->sess.id ? "this session" : "another session");
	if (id == c->sess.id) {
		set_session_cookie(c, resp, NULL);
		return redirect(resp, "/login");
	}
	return redirect(resp, "/account");
}
