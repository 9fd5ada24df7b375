/* Removes a test's folder tree, since the storage adapter's tests create nested folders. */
#ifndef REMOVE_TREE_H
#define REMOVE_TREE_H

/* Deletes `path` and everything below it; symbolic links are removed, never followed. */
void test_remove_tree(const char *path);

#endif
