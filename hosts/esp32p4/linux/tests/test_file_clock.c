/* The clock file of homebase-sim --clock-file: what it accepts, what it rejects with which reason,
 * and that the time changes only at a refresh. */
#include "support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "file_clock.h"

/* 2026-01-01T00:00:00Z, as `date -u -d @1767225600` prints it. */
#define NEW_YEAR_2026 1767225600u

typedef struct {
    char dir[256];
    char path[300];
    file_clock_t clock;
} clock_fixture_t;

static int clock_setup(void **state)
{
    clock_fixture_t *fixture = calloc(1, sizeof *fixture);

    assert_non_null(fixture);
    test_make_temp_dir(fixture->dir);
    snprintf(fixture->path, sizeof fixture->path, "%s/clock", fixture->dir);
    *state = fixture;
    return 0;
}

static int clock_teardown(void **state)
{
    clock_fixture_t *fixture = *state;

    test_remove_dir(fixture->dir);
    free(fixture);
    return 0;
}

/* Writes `text` to a temporary file and renames it over the clock file, as a test writer should. */
static void write_clock(const clock_fixture_t *fixture, const char *text)
{
    char temporary[320];
    FILE *file;

    snprintf(temporary, sizeof temporary, "%s.tmp", fixture->path);
    file = fopen(temporary, "w");
    assert_non_null(file);
    assert_int_equal(fwrite(text, 1, strlen(text), file), strlen(text));
    assert_int_equal(fclose(file), 0);
    assert_int_equal(rename(temporary, fixture->path), 0);
}

static void open_reads_seconds_and_newline(void **state)
{
    clock_fixture_t *fixture = *state;
    char error[FILE_CLOCK_ERROR_LEN] = "";

    write_clock(fixture, "1767225600\n");
    assert_int_equal(file_clock_open(&fixture->clock, fixture->path, error), 0);
    assert_int_equal(hb_clock_now(&fixture->clock.clock), NEW_YEAR_2026);
}

static void time_moves_only_at_refresh(void **state)
{
    clock_fixture_t *fixture = *state;
    char error[FILE_CLOCK_ERROR_LEN] = "";

    write_clock(fixture, "1767225600");
    assert_int_equal(file_clock_open(&fixture->clock, fixture->path, error), 0);
    write_clock(fixture, "1767225901\n");
    assert_int_equal(hb_clock_now(&fixture->clock.clock), NEW_YEAR_2026);

    assert_int_equal(file_clock_refresh(&fixture->clock, error), 0);
    assert_int_equal(hb_clock_now(&fixture->clock.clock), NEW_YEAR_2026 + 301);
}

static void refresh_takes_an_earlier_time(void **state)
{
    clock_fixture_t *fixture = *state;
    char error[FILE_CLOCK_ERROR_LEN] = "";

    write_clock(fixture, "1767225600");
    assert_int_equal(file_clock_open(&fixture->clock, fixture->path, error), 0);
    write_clock(fixture, "1767225000");
    assert_int_equal(file_clock_refresh(&fixture->clock, error), 0);
    assert_int_equal(hb_clock_now(&fixture->clock.clock), NEW_YEAR_2026 - 600);
}

static void open_rejects_missing_file(void **state)
{
    clock_fixture_t *fixture = *state;
    char error[FILE_CLOCK_ERROR_LEN] = "";

    assert_int_equal(file_clock_open(&fixture->clock, fixture->path, error), -1);
    assert_non_null(strstr(error, fixture->path));
    assert_non_null(strstr(error, "not readable: No such file or directory"));
}

static void open_rejects_malformed_text(void **state)
{
    static const struct {
        const char *text;
        const char *reason;
    } cases[] = {
        { "", "is empty" },
        { "\n", "is empty" },
        { "12ab", "contains \"12ab\"; expected Unix seconds as decimal digits" },
        { "-5", "contains \"-5\"" },
        { " 1767225600", "contains \" 1767225600\"" },
        { "1767225600.5", "contains \"1767225600.5\"" },
        { "0x10", "contains \"0x10\"" },
        { "0", "value 0 is outside 1 to 4294967295 Unix seconds" },
        { "4294967296", "value 4294967296 is outside 1 to 4294967295" },
        { "99999999999999999999", "value 99999999999999999999 is outside" },
        { "000000000000000000000000000000001", "is longer than 32 bytes" },
    };
    clock_fixture_t *fixture = *state;

    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char error[FILE_CLOCK_ERROR_LEN] = "";

        write_clock(fixture, cases[i].text);
        assert_int_equal(file_clock_open(&fixture->clock, fixture->path, error), -1);
        if (strstr(error, cases[i].reason) == NULL || strstr(error, fixture->path) == NULL) {
            fail_msg("text \"%s\": error \"%s\" does not name the file and \"%s\"", cases[i].text,
                     error, cases[i].reason);
        }
    }
}

static void open_accepts_the_largest_value(void **state)
{
    clock_fixture_t *fixture = *state;
    char error[FILE_CLOCK_ERROR_LEN] = "";

    write_clock(fixture, "4294967295 \r\n");
    assert_int_equal(file_clock_open(&fixture->clock, fixture->path, error), 0);
    assert_int_equal(hb_clock_now(&fixture->clock.clock), UINT32_MAX);
}

static void failed_refresh_keeps_last_time(void **state)
{
    clock_fixture_t *fixture = *state;
    char error[FILE_CLOCK_ERROR_LEN] = "";

    write_clock(fixture, "1767225600");
    assert_int_equal(file_clock_open(&fixture->clock, fixture->path, error), 0);

    write_clock(fixture, "soon");
    assert_int_equal(file_clock_refresh(&fixture->clock, error), -1);
    assert_non_null(strstr(error, "contains \"soon\""));
    assert_int_equal(hb_clock_now(&fixture->clock.clock), NEW_YEAR_2026);

    assert_int_equal(unlink(fixture->path), 0);
    assert_int_equal(file_clock_refresh(&fixture->clock, error), -1);
    assert_non_null(strstr(error, "not readable"));
    assert_int_equal(hb_clock_now(&fixture->clock.clock), NEW_YEAR_2026);

    write_clock(fixture, "1767225605");
    assert_int_equal(file_clock_refresh(&fixture->clock, error), 0);
    assert_int_equal(hb_clock_now(&fixture->clock.clock), NEW_YEAR_2026 + 5);
}

static void open_rejects_overlong_path(void **state)
{
    clock_fixture_t *fixture = *state;
    char error[FILE_CLOCK_ERROR_LEN] = "";
    char path[FILE_CLOCK_PATH_LEN + 8];

    memset(path, 'a', sizeof path - 1);
    path[sizeof path - 1] = '\0';
    assert_int_equal(file_clock_open(&fixture->clock, path, error), -1);
    assert_non_null(strstr(error, "clock file path is 519 bytes; max 511"));
}

#define CLOCK_TEST(name) cmocka_unit_test_setup_teardown(name, clock_setup, clock_teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        CLOCK_TEST(open_reads_seconds_and_newline),
        CLOCK_TEST(time_moves_only_at_refresh),
        CLOCK_TEST(refresh_takes_an_earlier_time),
        CLOCK_TEST(open_rejects_missing_file),
        CLOCK_TEST(open_rejects_malformed_text),
        CLOCK_TEST(open_accepts_the_largest_value),
        CLOCK_TEST(failed_refresh_keeps_last_time),
        CLOCK_TEST(open_rejects_overlong_path),
    };

    return cmocka_run_group_tests_name("file clock", tests, NULL, NULL);
}
