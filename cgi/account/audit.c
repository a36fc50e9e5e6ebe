/*
 * audit: the organisation's audit log for its owners and admins (the
 * NEED_ADMIN route flag), newest first, AUDIT_PAGE entries a page, paged
 * by ?before=<id> so that new entries never shift a page.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "form.h"
#include "account.h"

#define AUDIT_PAGE	50

int
h_audit(struct req *r, struct resp *resp)
{
	struct ctx *c = r->thread;
	struct db_args a = DB_ARGS_INIT;
	struct db_res res;
	json_object *v, *list, *row;
	unsigned long long before = ~0ull, id = 0;
	const char *s;
	char *end;
	int rc, n = 0, more = 0;

	if ((s = kv_get(&r->args, "before", NULL)) != NULL) {
		errno = 0;
		before = strtoull(s, &end, 10);
		if (*s < '0' || *s > '9' || *end != '\0' || errno != 0)
			return message(c, resp, 400, "Bad request", "That page does not exist.",
			    "/account/audit", "The newest entries");
	}
	v = view_new(c, resp, "Audit log");
	list = json_object_new_array();
	json_object_object_add(v, "entries", list);
	/* The organisation is the session's, never the request's. */
	db_arg_int(&a, c->sess.org_id);
	db_arg_uint(&a, before);
	db_arg_int(&a, AUDIT_PAGE + 1);
	if (db_select_idx(c->db, STMT_SET_AUDIT_PAGE, &a, &res) == -1) {
		rc = -1;
		goto done;
	}
	while ((rc = db_fetch(&res)) == 1) {
		if (n == AUDIT_PAGE) {
			more = 1;
			continue;
		}
		n++;
		id = (unsigned long long)db_col_int(&res, 0, 0);
		row = json_object_new_object();
		json_object_object_add(row, "id", json_object_new_int64((long long)id));
		view_str(row, "time", (s = db_col(&res, 1, NULL)) ? s : "");
		s = db_col(&res, 2, NULL);
		view_str(row, "email", s ? s : "");
		json_object_object_add(row, "no_user", json_object_new_boolean(s == NULL));
		view_str(row, "action", (s = db_col(&res, 3, NULL)) ? s : "");
		view_str(row, "detail", (s = db_col(&res, 4, NULL)) ? s : "");
		view_str(row, "ip", (s = db_col(&res, 5, NULL)) ? s : "");
		/* A summary, never the whole User-Agent (templates/README.md). */
		ua_summary(&c->tmp, (s = db_col(&res, 6, NULL)) ? s : "");
		view_str(row, "browser", s && *s ? c->tmp.ptr : "");
		json_object_array_add(list, row);
	}
done:
	db_res_free(&res);
	db_args_free(&a);
	if (rc == -1) {
		json_object_put(v);
		return internal_error(c, resp);
	}
	if (more)
		json_object_object_add(v, "older", json_object_new_int64((long long)id));
	json_object_object_add(v, "paged", json_object_new_boolean(before != ~0ull));
	return render(c, resp, 200, "account/audit.html", v);
}
