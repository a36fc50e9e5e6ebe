/* goals: goals and funnels.  PLACEHOLDER, being written. */
#include "dashboard.h"

int h_goals(struct req *r, struct resp *resp) { return message(r->thread, resp, 404, "Not found", "Not built yet.", NULL, NULL); }
int h_goal_add(struct req *r, struct resp *resp) { return message(r->thread, resp, 404, "Not found", "Not built yet.", NULL, NULL); }
int h_goal_delete(struct req *r, struct resp *resp) { return message(r->thread, resp, 404, "Not found", "Not built yet.", NULL, NULL); }
int h_funnels(struct req *r, struct resp *resp) { return message(r->thread, resp, 404, "Not found", "Not built yet.", NULL, NULL); }
int h_funnel_add(struct req *r, struct resp *resp) { return message(r->thread, resp, 404, "Not found", "Not built yet.", NULL, NULL); }
int h_funnel_delete(struct req *r, struct resp *resp) { return message(r->thread, resp, 404, "Not found", "Not built yet.", NULL, NULL); }
