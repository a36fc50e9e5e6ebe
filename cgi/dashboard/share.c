/* share: shared links.  PLACEHOLDER, being written. */
#include "dashboard.h"

int h_sharing(struct req *r, struct resp *resp) { return message(r->thread, resp, 404, "Not found", "Not built yet.", NULL, NULL); }
int h_share_add(struct req *r, struct resp *resp) { return message(r->thread, resp, 404, "Not found", "Not built yet.", NULL, NULL); }
int h_share_revoke(struct req *r, struct resp *resp) { return message(r->thread, resp, 404, "Not found", "Not built yet.", NULL, NULL); }
int h_share_unlock(struct req *r, struct resp *resp) { return message(r->thread, resp, 404, "Not found", "Not built yet.", NULL, NULL); }
int share_front(struct ctx *c, struct req *r, struct resp *resp, const char *t, size_t n) { (void)r; (void)t; (void)n; return message(c, resp, 404, "Not found", "Not built yet.", NULL, NULL); }
