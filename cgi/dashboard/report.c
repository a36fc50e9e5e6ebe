/* report: full breakdowns and exports.  PLACEHOLDER, being written. */
#include "dashboard.h"

int h_report(struct req *r, struct resp *resp) { return message(r->thread, resp, 404, "Not found", "Not built yet.", NULL, NULL); }
int h_export(struct req *r, struct resp *resp) { return message(r->thread, resp, 404, "Not found", "Not built yet.", NULL, NULL); }
