/*
 * driver.c: replays fuzz inputs without libFuzzer, so each corpus runs as
 * an ordinary test under any compiler (libssh's tests/fuzz pattern). Each
 * argument is a file or a directory of files.
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>


int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Feeds one file to the target; returns the number of files run. */
static int
driver_run_file(const char *path)
{
	static char data[1 << 20];
	size_t len;
	FILE *f;

	if ((f = fopen(path, "rb")) == NULL) {
		perror(path);
		exit(1);
	}
	len = fread(data, 1, sizeof data, f);
	fclose(f);
	/* A private copy of the exact length lets ASan catch overreads. */
	{
		uint8_t *copy = malloc(len > 0 ? len : 1);
		memcpy(copy, data, len);
		LLVMFuzzerTestOneInput(copy, len);
		free(copy);
	}
	return 1;
}

/* Feeds every regular file of a directory. */
static int
driver_run_dir(const char *dir)
{
	struct dirent **names;
	char path[4096];
	int i, n, count = 0;

	if ((n = scandir(dir, &names, NULL, alphasort)) < 0) {
		perror(dir);
		exit(1);
	}
	for (i = 0; i < n; i++) {
		if (names[i]->d_name[0] != '.') {
			snprintf(path, sizeof path, "%s/%s", dir,
			    names[i]->d_name);
			count += driver_run_file(path);
		}
		free(names[i]);
	}
	free(names);
	return count;
}

int
main(int argc, char **argv)
{
	struct stat st;
	int i, count = 0;

	for (i = 1; i < argc; i++) {
		if (stat(argv[i], &st) == -1) {
			perror(argv[i]);
			return 1;
		}
		if (S_ISDIR(st.st_mode))
			count += driver_run_dir(argv[i]);
		else
			count += driver_run_file(argv[i]);
	}
	if (count == 0) {
		fprintf(stderr, "no inputs: an empty corpus tests nothing\n");
		return 1;
	}
	printf("%d inputs ran without a crash\n", count);
	return 0;
}
