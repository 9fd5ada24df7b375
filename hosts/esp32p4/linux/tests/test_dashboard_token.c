/* The local dashboard token: the bearer check against the stored SHA-256 and the state file. The
 * hash of TEST_DASHBOARD_TOKEN ("abc") and its base64 come from FIPS 180-2's example, not from the
 * code under test. */
#include "support.h"

#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dashboard_token.h"
#include "hb_hex.h"

#define ABC_SHA256_BASE64 "ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0="

static void abc_hash(uint8_t sha[HB_DASHBOARD_TOKEN_SHA256_LEN])
{
    assert_int_equal(hb_hex_decode(TEST_DASHBOARD_TOKEN_SHA256_HEX, sha, HB_DASHBOARD_TOKEN_SHA256_LEN), 0);
}

static void check_answers_not_set_before_provisioning(void **state)
{
    (void)state;
    hb_dashboard_token_reset();

    assert_int_equal(hb_dashboard_token_check("Bearer abc"), HB_DASHBOARD_TOKEN_NOT_SET);
    assert_int_equal(hb_dashboard_token_check(NULL), HB_DASHBOARD_TOKEN_NOT_SET);
    assert_int_equal(hb_dashboard_token_is_set(), 0);
}

static void check_accepts_only_the_provisioned_token(void **state)
{
    (void)state;
    test_set_dashboard_token();

    assert_int_equal(hb_dashboard_token_check("Bearer abc"), HB_DASHBOARD_TOKEN_OK);
    assert_int_equal(hb_dashboard_token_check("bearer abc"), HB_DASHBOARD_TOKEN_OK);
    assert_int_equal(hb_dashboard_token_check("Bearer abd"), HB_DASHBOARD_TOKEN_WRONG);
    assert_int_equal(hb_dashboard_token_check("Bearer ABC"), HB_DASHBOARD_TOKEN_WRONG);
    assert_int_equal(hb_dashboard_token_check("Bearer abc="), HB_DASHBOARD_TOKEN_WRONG);
}

static void check_rejects_malformed_headers(void **state)
{
    static const char *const headers[] = {
        "", "Bearer", "Bearer ", "Basic abc", "Bearer  abc", "Bearer abc ", "Bearer a b",
        "Bearer abc\r\nX: y", "Bearer =abc", "Bearer ab=c", "Bearer \"abc\"",
    };
    char too_long[HB_DASHBOARD_TOKEN_MAX_LEN + 16] = "Bearer ";
    char longest[HB_DASHBOARD_TOKEN_MAX_LEN + 16] = "Bearer ";

    (void)state;
    test_set_dashboard_token();
    assert_int_equal(hb_dashboard_token_check(NULL), HB_DASHBOARD_TOKEN_MISSING);
    for (size_t i = 0; i < sizeof headers / sizeof headers[0]; i++) {
        assert_int_equal(hb_dashboard_token_check(headers[i]), HB_DASHBOARD_TOKEN_MISSING);
    }

    /* The longest token is checked (and wrong); one character more is not a token at all. */
    memset(longest + 7, 'a', HB_DASHBOARD_TOKEN_MAX_LEN);
    memset(too_long + 7, 'a', HB_DASHBOARD_TOKEN_MAX_LEN + 1);
    assert_int_equal(hb_dashboard_token_check(longest), HB_DASHBOARD_TOKEN_WRONG);
    assert_int_equal(hb_dashboard_token_check(too_long), HB_DASHBOARD_TOKEN_MISSING);
}

static void read_text(const char *path, char *out, size_t cap)
{
    FILE *file = fopen(path, "rb");
    size_t len;

    assert_non_null(file);
    len = fread(out, 1, cap - 1, file);
    out[len] = '\0';
    fclose(file);
}

static void write_text(const char *path, const char *text)
{
    FILE *file = fopen(path, "wb");

    assert_non_null(file);
    fputs(text, file);
    fclose(file);
}

static void hash_survives_a_restart_in_its_file(void **state)
{
    uint8_t sha[HB_DASHBOARD_TOKEN_SHA256_LEN];
    char dir[256];
    char path[300];
    char text[128];
    struct stat info;

    (void)state;
    test_make_temp_dir(dir);
    snprintf(path, sizeof path, "%s/dashboard-token.sha256", dir);
    abc_hash(sha);

    assert_int_equal(hb_dashboard_token_open(path), 0);
    assert_int_equal(hb_dashboard_token_is_set(), 0);
    assert_int_equal(hb_dashboard_token_set_sha256(sha), 0);
    read_text(path, text, sizeof text);
    assert_string_equal(text, ABC_SHA256_BASE64 "\n");
    assert_int_equal(stat(path, &info), 0);
    assert_int_equal(info.st_mode & 0777, 0600);

    /* A restart: memory forgotten, the file read again. */
    hb_dashboard_token_reset();
    assert_int_equal(hb_dashboard_token_open(path), 0);
    assert_int_equal(hb_dashboard_token_check("Bearer abc"), HB_DASHBOARD_TOKEN_OK);

    hb_dashboard_token_reset();
    test_remove_dir(dir);
}

static void damaged_file_leaves_no_token(void **state)
{
    static const char *const contents[] = {
        "", ABC_SHA256_BASE64, ABC_SHA256_BASE64 "\n\n", "ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa!\n",
        "ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0\n",
    };
    char dir[256];
    char path[300];

    (void)state;
    test_make_temp_dir(dir);
    snprintf(path, sizeof path, "%s/dashboard-token.sha256", dir);
    for (size_t i = 0; i < sizeof contents / sizeof contents[0]; i++) {
        write_text(path, contents[i]);
        assert_int_equal(hb_dashboard_token_open(path), -1);
        assert_int_equal(hb_dashboard_token_check("Bearer abc"), HB_DASHBOARD_TOKEN_NOT_SET);
    }
    hb_dashboard_token_reset();
    test_remove_dir(dir);
}

/* A folder in the file's place reads as damaged, and a new hash cannot replace it: the rename of
 * write_state fails, so the token stays unset until a person removes the folder. */
static void folder_in_place_leaves_no_token(void **state)
{
    uint8_t sha[HB_DASHBOARD_TOKEN_SHA256_LEN] = { 0 };
    char dir[256];
    char path[300];

    (void)state;
    test_make_temp_dir(dir);
    snprintf(path, sizeof path, "%s/dashboard-token.sha256", dir);
    assert_int_equal(mkdir(path, 0700), 0);
    assert_int_equal(hb_dashboard_token_open(path), -1);
    assert_int_equal(hb_dashboard_token_check("Bearer abc"), HB_DASHBOARD_TOKEN_NOT_SET);
    assert_int_equal(hb_dashboard_token_set_sha256(sha), -1);
    assert_int_equal(hb_dashboard_token_check("Bearer abc"), HB_DASHBOARD_TOKEN_NOT_SET);
    hb_dashboard_token_reset();
    assert_int_equal(rmdir(path), 0);
    test_remove_dir(dir);
}

static void failed_write_keeps_the_old_hash(void **state)
{
    uint8_t sha[HB_DASHBOARD_TOKEN_SHA256_LEN] = { 0 };
    char dir[256];
    char path[300];

    (void)state;
    test_make_temp_dir(dir);
    snprintf(path, sizeof path, "%s/missing-folder/dashboard-token.sha256", dir);
    assert_int_equal(hb_dashboard_token_open(path), 0);
    assert_int_equal(hb_dashboard_token_set_sha256(sha), -1);
    assert_int_equal(hb_dashboard_token_is_set(), 0);
    hb_dashboard_token_reset();
    test_remove_dir(dir);
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(check_answers_not_set_before_provisioning),
        cmocka_unit_test(check_accepts_only_the_provisioned_token),
        cmocka_unit_test(check_rejects_malformed_headers),
        cmocka_unit_test(hash_survives_a_restart_in_its_file),
        cmocka_unit_test(damaged_file_leaves_no_token),
        cmocka_unit_test(folder_in_place_leaves_no_token),
        cmocka_unit_test(failed_write_keeps_the_old_hash),
    };

    test_select_engine(argc, argv);
    return cmocka_run_group_tests_name("dashboard_token", tests, NULL, NULL);
}
