/*
 * test_ratelimit: token buckets (cgi/collect/ratelimit.c): a burst up to
 * the per-minute figure, refill at per_minute / 60 a second, Retry-After,
 * keys kept apart, 0 meaning no limit.
 */
#include <CUnit/Basic.h>

#include "ratelimit.h"

#define T0 1700000000000LL

static void
test_burst_and_refill(void)
{
	struct ratelimit *rl = ratelimit_new(1024);
	int i, wait;

	for (i = 0; i < 60; i++)
		CU_ASSERT_EQUAL(ratelimit_take(rl, 1, 60, 1, T0), 0);
	wait = ratelimit_take(rl, 1, 60, 1, T0);
	CU_ASSERT_EQUAL(wait, 1);			/* one token a second */
	CU_ASSERT_EQUAL(ratelimit_take(rl, 1, 60, 1, T0 + 500), 1);
	CU_ASSERT_EQUAL(ratelimit_take(rl, 1, 60, 1, T0 + 1000), 0);
	CU_ASSERT_NOT_EQUAL(ratelimit_take(rl, 1, 60, 1, T0 + 1000), 0);
	/* A full minute later the bucket is full again, not fuller. */
	for (i = 0; i < 60; i++)
		CU_ASSERT_EQUAL(ratelimit_take(rl, 1, 60, 1, T0 + 120000), 0);
	CU_ASSERT_NOT_EQUAL(ratelimit_take(rl, 1, 60, 1, T0 + 120000), 0);
	ratelimit_free(rl);
}

static void
test_cost_and_keys(void)
{
	struct ratelimit *rl = ratelimit_new(1024);
	int wait;

	/* A batch costs its events; refused whole, nothing taken. */
	CU_ASSERT_EQUAL(ratelimit_take(rl, 7, 100, 60, T0), 0);
	wait = ratelimit_take(rl, 7, 100, 50, T0);
	CU_ASSERT(wait > 0 && wait <= 60);
	CU_ASSERT_EQUAL(ratelimit_take(rl, 7, 100, 40, T0), 0);
	/* Another key has its own bucket. */
	CU_ASSERT_EQUAL(ratelimit_take(rl, 8, 100, 100, T0), 0);
	/* Retry-After never says more than a minute. */
	CU_ASSERT_EQUAL(ratelimit_take(rl, 9, 1, 1, T0), 0);
	CU_ASSERT_EQUAL(ratelimit_take(rl, 9, 1, 1, T0), 60);
	/* 0 per minute: no limit. */
	CU_ASSERT_EQUAL(ratelimit_take(rl, 10, 0, 1000000, T0), 0);
	ratelimit_free(rl);
}

int
main(void)
{
	CU_pSuite s;
	unsigned failed;

	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	s = CU_add_suite("ratelimit", NULL, NULL);
	if (s == NULL ||
	    CU_add_test(s, "burst and refill", test_burst_and_refill) == NULL ||
	    CU_add_test(s, "cost and keys", test_cost_and_keys) == NULL) {
		CU_cleanup_registry();
		return 1;
	}
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	failed = CU_get_number_of_failures();
	CU_cleanup_registry();
	return failed ? 1 : 0;
}
