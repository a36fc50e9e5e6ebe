/*
 * replay: run a libFuzzer harness's LLVMFuzzerTestOneInput over every
 * file of a corpus without libFuzzer, so `make check` replays the kept
 * corpus with the ordinary compiler (under ASan/UBSan when configured).
 * Usage: replay_<harness> [corpus-dir | file ...]; with no argument the
 * corpus REPLAY_CORPUS named at build time.  Each input is copied into a
 * buffer of exactly its size, so reading past it is caught.
 */
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"

#ifndef REPLAY_CORPUS
#error "REPLAY_CORPUS must name the default corpus directory"
#endif

#define REPLAY_MAX_INPUT	(1024 * 1024)

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* Run one file; 0, or -1 when it cannot be read. */
static int
replay_file(const char *path)
{
	struct buf in = BUF_INIT;
	char chunk[8192];
	unsigned char *exact;
	size_t n;
	FILE *f;

	if ((f = fopen(path, "rb")) == NULL) {
		fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
		return -1;
	}
	in.max = REPLAY_MAX_INPUT;
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		buf_add(&in, chunk, n);
	if (ferror(f) || in.err) {
		fprintf(stderr, "replay: %s: %s\n", path,
		    in.err ? "larger than 1 MiB" : "read error");
		fclose(f);
		buf_release(&in);
		return -1;
	}
	fclose(f);
	exact = xmalloc(in.len);
	memcpy(exact, in.ptr, in.len);
	LLVMFuzzerTestOneInput(exact, in.len);
	free(exact);
	buf_release(&in);
	return 0;
}

static int
cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Run every regular file of dir in name order; the count, or -1. */
static long
replay_dir(const char *dir)
{
	struct dirent *de;
	struct stat st;
	struct buf path = BUF_INIT;
	char **names = NULL;
	size_t n = 0, i;
	long count = 0;
	DIR *d;

	if ((d = opendir(dir)) == NULL) {
		fprintf(stderr, "replay: %s: %s\n", dir, strerror(errno));
		return -1;
	}
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		names = xrealloc(names, (n + 1) * sizeof(*names));
		names[n++] = xstrdup(de->d_name);
	}
	closedir(d);
	qsort(names, n, sizeof(*names), cmp_names);
	for (i = 0; i < n; i++) {
		buf_reset(&path);
		buf_addf(&path, "%s/%s", dir, names[i]);
		if (stat(path.ptr, &st) == -1 || !S_ISREG(st.st_mode))
			continue;
		if (count >= 0)
			count = replay_file(path.ptr) == -1 ? -1 : count + 1;
	}
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
	buf_release(&path);
	return count;
}

int
main(int argc, char **argv)
{
	struct stat st;
	long total = 0, count;
	int i;

	if (argc < 2) {
		count = replay_dir(REPLAY_CORPUS);
		if (count <= 0) {
			fprintf(stderr, "replay: no inputs in %s\n", REPLAY_CORPUS);
			return 1;
		}
		printf("replayed %ld inputs from %s\n", count, REPLAY_CORPUS);
		return 0;
	}
	for (i = 1; i < argc; i++) {
		if (stat(argv[i], &st) == 0 && S_ISDIR(st.st_mode))
			count = replay_dir(argv[i]);
		else
			count = replay_file(argv[i]) == 0 ? 1 : -1;
		if (count < 0)
			return 1;
		total += count;
	}
	printf("replayed %ld inputs\n", total);
	return 0;
}
