/* nftw is an X/Open function, hidden by the strict POSIX level the build sets. */
#define _XOPEN_SOURCE 700

#include "remove_tree.h"

#include <ftw.h>
#include <stdio.h>

/* File descriptors nftw may hold open at once, one per folder level. */
#define WALK_OPEN_FDS_MAX 16

static int remove_entry(const char *path, const struct stat *info, int flag, struct FTW *walk)
{
    (void)info;
    (void)flag;
    (void)walk;
    return remove(path);
}

void test_remove_tree(const char *path)
{
    nftw(path, remove_entry, WALK_OPEN_FDS_MAX, FTW_DEPTH | FTW_PHYS);
}
