/*
 * realtime: who is on the site now.  Visitors with an event in the last
 * 5 and 30 minutes, and the current pages and sources of the last 5
 * minutes.  The page reloads itself every 30 seconds (a meta refresh: no
 * script), so it needs no period and no filters.
 */
#include <string.h>

#include "chart.h"

#include "dashboard.h"

#define RT_NOW		(5 * 60)	/* seconds counted as "now" */
#define RT_RECENT	(30 * 60)
#define RT_REFRESH	30		/* seconds between reloads */

/* One top list of the last RT_NOW seconds: pages or sources. */
static json_object *
rt_list(struct ctx *c, enum dim d, const char *title, int *err)
{
	json_object *o = json_object_new_object(), *list = json_object_new_array(), *row;
	struct brows rows;
	struct buf b = BUF_INIT;
	long long top = 0, pct;
	size_t i;

	view_str(o, "title", title);
	view_str(o, "label", dims[d].label);
	json_object_object_add(o, "rows", list);
	if (q_realtime_top(&c->q, c->now, RT_NOW, d, TOP_ROWS, &rows) == -1) {
		brows_free(&rows);
		*err = 1;
		return o;
	}
	for (i = 0; i < rows.n; i++)
		if (rows.v[i].m.visitors > top)
			top = rows.v[i].m.visitors;
	for (i = 0; i < rows.n; i++) {
		row = json_object_new_object();
		buf_reset(&b);
		value_label(d, rows.v[i].value, &b);
		view_str(row, "label", b.ptr);
		buf_reset(&b);
		fmt_count(&b, rows.v[i].m.visitors);
		view_str(row, "visitors", b.ptr);
		/* The bar behind a row, in steps of 5%, as a class (CSP: no style=""). */
		pct = top ? (rows.v[i].m.visitors * 20 + top / 2) / top * 5 : 0;
		buf_reset(&b);
		buf_addf(&b, "w%lld", pct);
		view_str(row, "bar", b.ptr);
		json_object_array_add(list, row);
	}
	if (rows.n == 0)
		json_object_object_add(o, "empty", json_object_new_boolean(1));
	brows_free(&rows);
	buf_release(&b);
	return o;
}

int
h_realtime(struct req *r, struct resp *resp)
{
	struct ctx *c = r->thread;
	struct buf b = BUF_INIT;
	json_object *v, *list;
	long long now5, now30, local;
	int err = 0;

	(void)r;
	if (q_realtime(&c->q, c->now, RT_NOW, &now5) == -1 ||
	    q_realtime(&c->q, c->now, RT_RECENT, &now30) == -1)
		return internal_error(c, resp);

	v = view_new(c, resp, "Realtime");
	if (view_site(c, v, "/realtime") == -1)
		err = 1;
	view_int(v, "refresh", RT_REFRESH);
	fmt_count(&b, now5);
	view_str(v, "now", b.ptr);
	if (now5 == 1)
		json_object_object_add(v, "now_one", json_object_new_boolean(1));
	buf_reset(&b);
	fmt_count(&b, now30);
	view_str(v, "recent", b.ptr);
	if (now30 == 1)
		json_object_object_add(v, "recent_one", json_object_new_boolean(1));
	/* When the numbers were taken, in the site's time. */
	local = c->now + (c->qs.tz ? tz_offset(c->qs.tz, c->now) : 0);
	local = (local % 86400 + 86400) % 86400;
	buf_reset(&b);
	buf_addf(&b, "%02lld:%02lld:%02lld", local / 3600, local / 60 % 60, local % 60);
	view_str(v, "updated", b.ptr);

	list = json_object_new_array();
	json_object_array_add(list, rt_list(c, DIM_PAGE, "Current pages", &err));
	json_object_array_add(list, rt_list(c, DIM_SOURCE, "Sources", &err));
	json_object_object_add(v, "tops", list);
	buf_release(&b);
	if (err) {
		json_object_put(v);
		return internal_error(c, resp);
	}
	return render(c, resp, 200, "dashboard/realtime.html", v);
}
