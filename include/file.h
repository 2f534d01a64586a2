/*
 * file.h: the one place that reads a whole file into memory.
 */
#ifndef TFRUN_FILE_H
#define TFRUN_FILE_H

#include <stddef.h>

/*
 * Reads path into an allocated, NUL-terminated buffer stored in *data (the
 * caller frees it) with its length in *len. Returns 0, or -errno with
 * nothing allocated. Files over 16 MiB are refused with -EFBIG.
 */
int file_read(const char *path, char **data, size_t *len);

#endif
