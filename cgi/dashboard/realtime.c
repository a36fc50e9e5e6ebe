/* realtime.  PLACEHOLDER, being written. */
#include "dashboard.h"

int h_realtime(struct req *r, struct resp *resp) { return message(r->thread, resp, 404, "Not found", "Not built yet.", NULL, NULL); }
