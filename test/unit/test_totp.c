/*
 * test_totp: RFC 6238 test vectors, the verification window and replay
 * refusal, base32 both ways, otpauth URIs and recovery codes.
 */
#include <string.h>

#include <CUnit/Basic.h>

#include "totp.h"

static const unsigned char rfc_secret[] = "12345678901234567890";

static void
test_vectors(void)
{
	/* RFC 6238 appendix B (SHA-1), last six of the eight digits. */
	static const struct { long long t; unsigned code; } v[] = {
		{ 59, 287082 }, { 1111111109, 81804 }, { 1111111111, 50471 },
		{ 1234567890, 5924 }, { 2000000000, 279037 }, { 20000000000LL, 353130 },
	};
	size_t i;

	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++)
		CU_ASSERT_EQUAL(totp_code(rfc_secret, 20, (uint64_t)v[i].t / TOTP_STEP), v[i].code);
}

static void
test_verify(void)
{
	uint64_t last = 0;
	long long now = 1234567890;	/* step 41152263, code 005924 */

	CU_ASSERT(totp_verify(rfc_secret, 20, "005924", now, &last));
	CU_ASSERT_EQUAL(last, (uint64_t)now / 30);
	/* The same code again is a replay. */
	CU_ASSERT(!totp_verify(rfc_secret, 20, "005924", now, &last));
	/* The next step's code, typed 30 s early, is accepted once (drift). */
	last = 0;
	CU_ASSERT(totp_verify(rfc_secret, 20, "", now, &last) == 0);
	{
		char next[8];
		unsigned c = totp_code(rfc_secret, 20, (uint64_t)now / 30 + 1);

		next[0] = (char)('0' + c / 100000);
		next[1] = (char)('0' + c / 10000 % 10);
		next[2] = ' ';
		next[3] = (char)('0' + c / 1000 % 10);
		next[4] = (char)('0' + c / 100 % 10);
		next[5] = (char)('0' + c / 10 % 10);
		next[6] = (char)('0' + c % 10);
		next[7] = '\0';
		CU_ASSERT(totp_verify(rfc_secret, 20, next, now, &last));
		/* Once a later step was used, an earlier code is refused. */
		CU_ASSERT(!totp_verify(rfc_secret, 20, "005924", now, &last));
	}
	/* Two steps away is outside the window. */
	last = 0;
	CU_ASSERT(!totp_verify(rfc_secret, 20, "005924", now + 90, &last));
	/* Malformed input. */
	CU_ASSERT(!totp_verify(rfc_secret, 20, "00592", now, &last));
	CU_ASSERT(!totp_verify(rfc_secret, 20, "0059245", now, &last));
	CU_ASSERT(!totp_verify(rfc_secret, 20, "00592a", now, &last));
	CU_ASSERT(!totp_verify(rfc_secret, 20, "-05924", now, &last));
}

static void
test_base32(void)
{
	struct buf b = BUF_INIT;
	unsigned char out[32];
	size_t n;

	/* RFC 4648 section 10, without padding. */
	totp_base32(&b, (const unsigned char *)"foobar", 6);
	CU_ASSERT_STRING_EQUAL(b.ptr, "MZXW6YTBOI");
	buf_reset(&b);
	totp_base32(&b, rfc_secret, 20);
	CU_ASSERT_STRING_EQUAL(b.ptr, "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ");
	CU_ASSERT_EQUAL(totp_base32_decode("gezd gnbv gy3t qojq gezd gnbv gy3t qojq", out,
	    sizeof(out), &n), 0);
	CU_ASSERT_EQUAL(n, 20);
	CU_ASSERT(memcmp(out, rfc_secret, 20) == 0);
	CU_ASSERT_EQUAL(totp_base32_decode("MZXW6YTBOI======", out, sizeof(out), &n), 0);
	CU_ASSERT_EQUAL(n, 6);
	CU_ASSERT_EQUAL(totp_base32_decode("MZ1W", out, sizeof(out), &n), -1);
	CU_ASSERT_EQUAL(totp_base32_decode("MZXW6YTBOI", out, 3, &n), -1);
	buf_release(&b);
}

static void
test_uri(void)
{
	struct buf b = BUF_INIT;

	totp_uri(&b, "TrackR", "ann&bob@example.com", rfc_secret, 20);
	CU_ASSERT_STRING_EQUAL(b.ptr, "otpauth://totp/TrackR:ann%26bob%40example.com"
	    "?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=TrackR"
	    "&algorithm=SHA1&digits=6&period=30");
	buf_release(&b);
}

static void
test_recovery(void)
{
	char a[RECOVERY_CODE_LEN + 1], b[RECOVERY_CODE_LEN + 1], n[RECOVERY_CODE_LEN];
	size_t i;

	CU_ASSERT_EQUAL(totp_recovery_code(a), 0);
	CU_ASSERT_EQUAL(totp_recovery_code(b), 0);
	CU_ASSERT_EQUAL(strlen(a), RECOVERY_CODE_LEN);
	CU_ASSERT_EQUAL(a[5], '-');
	CU_ASSERT(strcmp(a, b) != 0);
	for (i = 0; i < RECOVERY_CODE_LEN; i++)
		if (i != 5)
			CU_ASSERT(strchr("abcdefghjkmnpqrstuvwxyz23456789", a[i]) != NULL);
	/* As typed: upper case, spaces, no dash. */
	CU_ASSERT_EQUAL(totp_recovery_normalise(" ABCDE fghjk ", n), 0);
	CU_ASSERT_STRING_EQUAL(n, "abcdefghjk");
	CU_ASSERT_EQUAL(totp_recovery_normalise(a, n), 0);
	CU_ASSERT_EQUAL(totp_recovery_normalise("abcde-fghj", n), -1);	/* short */
	CU_ASSERT_EQUAL(totp_recovery_normalise("abcde-fghjkm", n), -1);	/* long */
	CU_ASSERT_EQUAL(totp_recovery_normalise("abcde-fghj0", n), -1);	/* look-alike */
}

int
main(void)
{
	CU_pSuite s;
	unsigned failed;

	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	s = CU_add_suite("totp", NULL, NULL);
	if (s == NULL ||
	    CU_add_test(s, "RFC 6238 vectors", test_vectors) == NULL ||
	    CU_add_test(s, "verification window and replay", test_verify) == NULL ||
	    CU_add_test(s, "base32", test_base32) == NULL ||
	    CU_add_test(s, "otpauth URI", test_uri) == NULL ||
	    CU_add_test(s, "recovery codes", test_recovery) == NULL) {
		CU_cleanup_registry();
		return 1;
	}
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	failed = CU_get_number_of_failures();
	CU_cleanup_registry();
	return failed ? 1 : 0;
}
