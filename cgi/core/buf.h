/*
 * buf: the one growable byte buffer of TrackR.
 *
 * Invariants (after git's strbuf and SQLite's sqlite3_str):
 *  - b->ptr is never NULL and always NUL-terminated, even when empty;
 *  - buf_reset() keeps the allocation, buf_detach() hands it to the caller;
 *  - a buffer may carry a maximum length; an append past it sets a sticky
 *    error (b->err) and is dropped whole, so callers check once at the end.
 *
 * Allocation-failure policy: abort.  Every allocation in TrackR goes
 * through xmalloc()/xrealloc(), which log and abort() on failure; the
 * process manager (systemd, spawn-fcgi, mod_fcgid) respawns the program.
 * Functions here therefore cannot fail except by the sticky length error.
 */
#ifndef TRACKR_BUF_H
#define TRACKR_BUF_H

#include <stdarg.h>
#include <stddef.h>

struct buf {
	char	*ptr;	/* never NULL, NUL-terminated */
	size_t	 len;	/* bytes used, not counting the NUL */
	size_t	 cap;	/* bytes allocated; 0 while ptr is the shared empty string */
	size_t	 max;	/* 0 for no limit */
	int	 err;	/* sticky: an append went past max */
};

#define BUF_INIT { buf_empty, 0, 0, 0, 0 }
extern char buf_empty[1];

/* Allocation helpers: never return NULL (abort on failure). */
void	*xmalloc(size_t);
void	*xcalloc(size_t, size_t);
void	*xrealloc(void *, size_t);
char	*xstrdup(const char *);
char	*xstrndup(const char *, size_t);

/* Set up an empty buffer that refuses to grow past max bytes (0: no limit). */
void	 buf_init(struct buf *, size_t max);
/* Free the allocation and leave the buffer empty and reusable. */
void	 buf_release(struct buf *);
/* Empty the buffer and clear its error; keep the allocation. */
void	 buf_reset(struct buf *);
/* Hand the string to the caller (free() it); the buffer is left empty. */
char	*buf_detach(struct buf *, size_t *lenp);
/* Make room for at least n more bytes. */
void	 buf_grow(struct buf *, size_t n);
void	 buf_setlen(struct buf *, size_t len);

void	 buf_add(struct buf *, const void *, size_t);
void	 buf_adds(struct buf *, const char *);
void	 buf_addch(struct buf *, int);
void	 buf_addf(struct buf *, const char *, ...)
	    __attribute__((format(printf, 2, 3)));
void	 buf_vaddf(struct buf *, const char *, va_list)
	    __attribute__((format(printf, 2, 0)));

/* Appends with escaping, one per output context. */
void	 buf_add_html(struct buf *, const char *, size_t);	/* text and attribute values */
void	 buf_add_url(struct buf *, const char *, size_t);	/* percent-encode a URL component */
void	 buf_add_json_str(struct buf *, const char *, size_t);	/* "..." safe inside <script> too */
void	 buf_add_hex(struct buf *, const unsigned char *, size_t);

#endif
