/* api: the stats API.  PLACEHOLDER, being written. */
#include "dashboard.h"

int h_api(struct req *r, struct resp *resp) { (void)r; return resp_error(resp, 404, "not built yet"); }
