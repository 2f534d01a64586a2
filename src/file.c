/*
 * file.c: reads a whole file into memory.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "file.h"

#define FILE_MAX (16 * 1024 * 1024)

/* Reads path into *data and *len; see file.h. */
int
file_read(const char *path, char **data, size_t *len)
{
	struct buf b = BUF_INIT;
	char chunk[65536];
	struct stat st;
	ssize_t n;
	int fd, err;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return -errno;
	if (fstat(fd, &st) == -1 || S_ISDIR(st.st_mode)) {
		err = S_ISDIR(st.st_mode) ? -EISDIR : -errno;
		close(fd);
		return err;
	}
	for (;;) {
		n = read(fd, chunk, sizeof chunk);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			err = -errno;
			close(fd);
			buf_free(&b);
			return err;
		}
		if (n == 0)
			break;
		if (b.len + (size_t)n > FILE_MAX) {
			close(fd);
			buf_free(&b);
			return -EFBIG;
		}
		buf_add(&b, chunk, (size_t)n);
	}
	close(fd);
	*len = b.len;
	*data = buf_detach(&b);
	return 0;
}
