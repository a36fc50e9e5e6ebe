/*
 * writer: durable group commit for collected events.
 *
 * Request threads hand their events to writer_submit() and wait, or to
 * writer_submit_async() with a function to call when done.  Writer
 * threads take everything queued at that moment, store it in one
 * transaction (multi-row INSERTs, sessions stitched, client batch ids
 * claimed) and COMMIT with innodb_flush_log_at_trx_commit=1, then wake
 * the waiters (or call their functions).  So a request is answered 2xx only once its events are on
 * disk, and concurrent requests share the cost of each commit.
 */
#ifndef TRACKR_WRITER_H
#define TRACKR_WRITER_H

#include <stddef.h>
#include <stdint.h>

#include "conf.h"
#include "event.h"

enum write_result {
	WRITE_OK,		/* committed */
	WRITE_DUPLICATE,	/* this batch id was stored before: nothing done */
	WRITE_UNAVAILABLE,	/* database down or overloaded: nothing stored */
	WRITE_FAILED,		/* the database refused these events: nothing stored */
};

struct writer;

/*
 * Start nthreads writer threads with their own connections, taking at
 * most max_rows events per transaction and queueing at most max_queue.
 */
struct writer		*writer_new(const struct conf *, int nthreads, size_t max_rows,
			    size_t max_queue);
/*
 * Store ev[0..n) (all of site_id; batch_id may be NULL) and wait until
 * committed or failed.  The events must stay valid until it returns; their
 * session_id (and visitor_id, for sessions carried over from yesterday's
 * salt) are filled in.
 */
enum write_result	 writer_submit(struct writer *, struct event *ev, size_t n,
			    unsigned site_id, const char *batch_id);
/*
 * The same without waiting: done(arg, result) is called once, on a writer
 * thread, when the events are committed or have failed.  Returns 0 when
 * queued, or -1 when the writer refuses more now (database down, queue
 * full, stopping): done is then never called and the caller answers as
 * for WRITE_UNAVAILABLE.  The events must stay valid until done runs.
 */
typedef void	(*writer_done)(void *arg, enum write_result);
int			 writer_submit_async(struct writer *, struct event *ev,
			    size_t n, unsigned site_id, const char *batch_id,
			    writer_done done, void *arg);
/* Store what is queued, then stop the threads and free everything. */
void			 writer_free(struct writer *);

#endif
