/*
 * test_pass: password rules (lengths in characters, any Unicode, no
 * controls), argon2id PHC strings at OWASP's parameters, verification
 * of every byte (nothing truncated), and refusing foreign hashes.
 */
#include <stdio.h>
#include <string.h>

#include <CUnit/Basic.h>

#include "pass.h"

static void
test_rules(void)
{
	char pw[PASS_MAX_BYTES + 2];
	size_t i;

	CU_ASSERT_EQUAL(pass_check("elevenchars", 11), PASS_TOO_SHORT);
	CU_ASSERT_EQUAL(pass_check("twelve chars", 12), PASS_OK);
	/* Eleven code points in 33 bytes are still too short. */
	CU_ASSERT_EQUAL(pass_check("ééééééééééé", strlen("ééééééééééé")), PASS_TOO_SHORT);
	CU_ASSERT_EQUAL(pass_check("🔑🔑🔑🔑🔑🔑🔑🔑🔑🔑🔑🔑", strlen("🔑🔑🔑🔑🔑🔑🔑🔑🔑🔑🔑🔑")), PASS_OK);
	CU_ASSERT_EQUAL(pass_check("with a\nnewline!", 15), PASS_BAD_TEXT);
	CU_ASSERT_EQUAL(pass_check("with a nul\0byte!!", 17), PASS_BAD_TEXT);
	CU_ASSERT_EQUAL(pass_check("bad utf-8 \xc3\x28xxxx", 16), PASS_BAD_TEXT);
	memset(pw, 'a', sizeof(pw));
	CU_ASSERT_EQUAL(pass_check(pw, 128), PASS_OK);
	CU_ASSERT_EQUAL(pass_check(pw, PASS_MAX_CHARS), PASS_OK);
	CU_ASSERT_EQUAL(pass_check(pw, PASS_MAX_CHARS + 1), PASS_TOO_LONG);
	CU_ASSERT_EQUAL(pass_check(pw, PASS_MAX_BYTES + 1), PASS_TOO_LONG);
	for (i = 0; i < PASS_CHECK__MAX; i++)
		CU_ASSERT_PTR_NOT_NULL(pass_check_text((enum pass_check)i));
}

static void
test_hash_verify(void)
{
	char enc[PASS_ENCODED_MAX], enc2[PASS_ENCODED_MAX];
	const char *pw = "correct horse battery staple";
	unsigned m, t, p;

	CU_ASSERT_EQUAL_FATAL(pass_hash(pw, strlen(pw), enc), 0);
	CU_ASSERT_EQUAL(sscanf(enc, "$argon2id$v=19$m=%u,t=%u,p=%u$", &m, &t, &p), 3);
	CU_ASSERT(m >= 19456 && t >= 2 && p == 1);
	CU_ASSERT(pass_verify(enc, pw, strlen(pw)));
	CU_ASSERT(!pass_verify(enc, "correct horse battery stapl", strlen(pw) - 1));
	CU_ASSERT(!pass_verify(enc, "Correct horse battery staple", strlen(pw)));
	CU_ASSERT(!pass_needs_rehash(enc));
	/* A fresh salt every time. */
	CU_ASSERT_EQUAL_FATAL(pass_hash(pw, strlen(pw), enc2), 0);
	CU_ASSERT(strcmp(enc, enc2) != 0);
	/* Foreign or weaker hashes. */
	CU_ASSERT(!pass_verify("$argon2i$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaA", pw, strlen(pw)));
	CU_ASSERT(!pass_verify("", pw, strlen(pw)));
	CU_ASSERT(!pass_verify(NULL, pw, strlen(pw)));
	CU_ASSERT(pass_needs_rehash("$argon2id$v=19$m=4096,t=3,p=1$c2FsdHNhbHQ$aGFzaA"));
	CU_ASSERT(pass_needs_rehash("$2y$10$abcdefghijklmnopqrstuv"));
	pass_dummy_verify(pw, strlen(pw));
}

static void
test_no_truncation(void)
{
	char a[PASS_MAX_BYTES], b[PASS_MAX_BYTES], enc[PASS_ENCODED_MAX];

	/* 300 bytes differing only in the last one: bcrypt would cut at 72. */
	memset(a, 'x', 300);
	memcpy(b, a, 300);
	b[299] = 'y';
	CU_ASSERT_EQUAL_FATAL(pass_hash(a, 300, enc), 0);
	CU_ASSERT(pass_verify(enc, a, 300));
	CU_ASSERT(!pass_verify(enc, b, 300));
	CU_ASSERT(!pass_verify(enc, a, 299));
}

int
main(void)
{
	CU_pSuite s;
	unsigned failed;

	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	s = CU_add_suite("pass", NULL, NULL);
	if (s == NULL ||
	    CU_add_test(s, "length and text rules", test_rules) == NULL ||
	    CU_add_test(s, "argon2id hash and verify", test_hash_verify) == NULL ||
	    CU_add_test(s, "every byte counts", test_no_truncation) == NULL) {
		CU_cleanup_registry();
		return 1;
	}
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	failed = CU_get_number_of_failures();
	CU_cleanup_registry();
	return failed ? 1 : 0;
}
