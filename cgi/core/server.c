/*
 * server: a pool of threads, each looping on FCGX_Accept_r().
 *
 * Shutdown: the main thread waits for SIGTERM/SIGINT with sigwait(), sets
 * libfcgi's shutdown flag and then pokes every idle thread with SIGUSR1
 * until all have left the loop.  A thread blocks SIGUSR1 while it serves
 * a request, so the poke can only interrupt the accept(2) or the wait for
 * (poll) or read of the next request on a kept-alive connection, never a
 * handler.
 */
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <semaphore.h>
#include <signal.h>
#include <stddef.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <fcgiapp.h>

#include "db.h"
#include "log.h"
#include "server.h"

#define SERVER_BACKLOG		1024
#define SERVER_MAX_THREADS	1024
#define STOP_GRACE_MS		30000

struct worker {
	pthread_t		 tid;
	const struct server_opts *opts;
	int			 sock;
	atomic_int		 done;
	FCGX_Request		 fr;
	struct req		 req;
	struct resp		 resp;
	struct buf		 out;
	int			 may_defer;	/* server_can_defer() said yes */
	int			 deferred;	/* answer due from server_answer() */
	sem_t			 answered;	/* posted by server_answer() */
};

static atomic_int stopping;
static pthread_t main_thread;

static const char *const method_names[METHOD__MAX] = {
	"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "OTHER"
};

static void
on_usr1(int sig)
{
	(void)sig;
}

void
server_stop(void)
{
	atomic_store(&stopping, 1);
	pthread_kill(main_thread, SIGTERM);
}

int
server_stopping(void)
{
	return atomic_load(&stopping);
}

static enum req_method
parse_method(const char *m)
{
	int i;

	if (m == NULL)
		return METHOD_OTHER;
	for (i = 0; i < METHOD_OTHER; i++)
		if (strcmp(m, method_names[i]) == 0)
			return (enum req_method)i;
	return METHOD_OTHER;
}

/* Forget everything about the previous request. */
static void
reset(struct worker *w)
{
	struct req *r = &w->req;
	struct resp *s = &w->resp;

	free(r->path);
	r->path = NULL;
	/* Keep modest allocations for the next request, drop big ones. */
	if (r->body.cap > 256 * 1024)
		buf_release(&r->body);
	buf_reset(&r->body);
	kvlist_reset(&r->args);
	r->query = "";
	r->content_type = "";
	r->ctype[0] = '\0';
	s->status = 0;
	s->ctype = NULL;
	s->no_default_csp = 0;
	s->head = 0;
	s->stream_status = 0;
	s->stream_err = 0;
	buf_reset(&s->headers);
	if (s->body.cap > 1024 * 1024)
		buf_release(&s->body);
	buf_reset(&s->body);
}

static void
fill_req(struct worker *w)
{
	struct req *r = &w->req;
	const char *uri, *q, *ct;
	size_t i, n;

	r->fcgi = &w->fr;
	r->method_name = req_param(r, "REQUEST_METHOD");
	r->method = parse_method(r->method_name);
	if ((uri = req_param(r, "REQUEST_URI")) == NULL || *uri != '/')
		uri = (q = req_param(r, "DOCUMENT_URI")) ? q : "/";
	n = strcspn(uri, "?#");
	r->path = xstrndup(uri, n);
	if ((q = req_param(r, "QUERY_STRING")) != NULL)
		r->query = q;
	if ((ct = req_param(r, "CONTENT_TYPE")) != NULL) {
		n = strcspn(ct, ";");
		while (n > 0 && (ct[n - 1] == ' ' || ct[n - 1] == '\t'))
			n--;
		if (n >= sizeof(r->ctype))
			n = sizeof(r->ctype) - 1;
		for (i = 0; i < n; i++)
			r->ctype[i] = (ct[i] >= 'A' && ct[i] <= 'Z') ?
			    ct[i] + 32 : ct[i];
		r->ctype[n] = '\0';
		r->content_type = r->ctype;
	}
}

static void
write_resp(struct worker *w)
{
	struct resp *s = &w->resp;
	struct buf *o = &w->out;
	int body;

	buf_reset(o);
	body = s->status != 204 && s->status != 304 && w->req.method != METHOD_HEAD;
	resp_head(s, o, 1);
	if (body)
		buf_add(o, s->body.ptr, s->body.len);
	FCGX_PutStr(o->ptr, (int)o->len, w->fr.out);
}

/* resp->write for streamed answers: out now, so a gone client shows at once. */
static int
stream_write(void *ctx, const char *p, size_t n)
{
	FCGX_Request *fr = ctx;
	int k;

	while (n > 0) {
		k = n > INT_MAX ? INT_MAX : (int)n;
		if (FCGX_PutStr(p, k, fr->out) != k)
			return -1;
		p += k;
		n -= (size_t)k;
	}
	if (FCGX_FFlush(fr->out) != 0 || FCGX_GetError(fr->out) != 0)
		return -1;
	return 0;
}

/*
 * The handler of a streamed answer returned: send the rest, or, when it
 * failed after the headers went, drop the connection so the client sees
 * an error instead of a short file (FCGX_Finish_r then closes it).
 */
static void
end_stream(struct worker *w, int status)
{
	struct resp *s = &w->resp;

	if (status != s->stream_status) {
		log_err("handler for %s failed with %d after streaming %d; "
		    "dropping the connection", w->req.path, status,
		    s->stream_status);
		if (w->fr.ipcFd >= 0)
			shutdown(w->fr.ipcFd, SHUT_RDWR);
		return;
	}
	(void)resp_stream_flush(s);
}

/* Send the buffered answer with status; one outside 100-599 is a bug, answered 500. */
static void
answer(struct worker *w, int status)
{
	struct resp *s = &w->resp;

	if (status < 100 || status > 599) {
		log_err("handler for %s returned %d", w->req.path, status);
		status = resp_error(s, 500, "internal error");
	}
	s->status = status;
	write_resp(w);
}

/* The worker whose member (req or resp) p is. */
#define WORKER_OF(p, member) \
	((struct worker *)((char *)(p) - offsetof(struct worker, member)))

static void
serve(struct worker *w)
{
	const struct server_opts *o = w->opts;
	struct resp *s = &w->resp;
	int status;

	reset(w);
	fill_req(w);
	s->head = w->req.method == METHOD_HEAD;
	w->may_defer = 0;
	status = route_dispatch(o->routes, o->nroutes, &w->req, s);
	/* Only a handler that asked may defer: any other 1 is a bug, answered 500. */
	if (status == SERVER_DEFERRED && w->may_defer && s->stream_status == 0) {
		w->deferred = 1;
		return;
	}
	if (s->stream_status != 0) {
		end_stream(w, status);
		return;
	}
	answer(w, status);
}

int
server_can_defer(struct req *r)
{
	struct worker *w = WORKER_OF(r, req);

	/*
	 * Only on a kept-alive connection: its thread then waits in poll(2)
	 * on the socket, which server_answer() leaves open.  Closing it
	 * there, under a thread asleep on it, would be a race.
	 */
	w->may_defer = w->fr.keepConnection && w->fr.ipcFd >= 0 &&
	    w->resp.stream_status == 0;
	return w->may_defer;
}

void
server_answer(struct resp *s, int status)
{
	struct worker *w = WORKER_OF(s, resp);

	answer(w, status);
	/*
	 * Closing both output streams sends the end of the answer (the
	 * END_REQUEST record follows the last one); FCGX_Finish_r() on the
	 * request's own thread does the rest and finds them closed.
	 */
	FCGX_FClose(w->fr.err);
	FCGX_FClose(w->fr.out);
	sem_post(&w->answered);
}

/* Wait until a deferred answer went out, so the request can be finished. */
static void
settle(struct worker *w)
{
	if (!w->deferred)
		return;
	while (sem_wait(&w->answered) == -1 && errno == EINTR)
		;
	w->deferred = 0;
}

/*
 * On a kept-alive connection, wait in poll(2) until the next request is
 * there, before libfcgi read(2)s it.  A thread asleep in read(2) on a unix
 * socket is also woken each time the web server reads our answer (the
 * socket became writable), finds nothing and sleeps again: a needless
 * context switch per request.  poll(2) only wakes for input.  -1 when a
 * signal interrupted the wait.
 */
static int
wait_request(const FCGX_Request *fr)
{
	struct pollfd p;

	/* ipcFd is libfcgi's: read here, never changed. */
	if (fr->ipcFd < 0)
		return 0;
	p.fd = fr->ipcFd;
	p.events = POLLIN;
	p.revents = 0;
	if (poll(&p, 1, -1) == -1 && errno == EINTR)
		return -1;
	return 0;
}

static void *
worker_main(void *arg)
{
	struct worker *w = arg;
	const struct server_opts *o = w->opts;
	sigset_t usr1;
	int rc;

	sigemptyset(&usr1);
	sigaddset(&usr1, SIGUSR1);
	if (FCGX_InitRequest(&w->fr, w->sock, FCGI_FAIL_ACCEPT_ON_INTR) != 0) {
		log_err("FCGX_InitRequest failed");
		goto out;
	}
	sem_init(&w->answered, 0, 0);
	buf_init(&w->req.body, 0);
	buf_init(&w->resp.body, 0);
	buf_init(&w->resp.headers, 0);
	buf_init(&w->out, 0);
	w->resp.write = stream_write;
	w->resp.write_ctx = &w->fr;
	w->req.app = o->app;
	w->req.thread = o->thread_init ? o->thread_init(o->app) : NULL;
	while (!atomic_load(&stopping)) {
		pthread_sigmask(SIG_UNBLOCK, &usr1, NULL);
		if (wait_request(&w->fr) == -1)
			continue;	/* poked: see whether we stop */
		/* The web server asks again only once it has the answer. */
		settle(w);
		rc = FCGX_Accept_r(&w->fr);
		pthread_sigmask(SIG_BLOCK, &usr1, NULL);
		if (rc < 0) {
			if (atomic_load(&stopping))
				break;
			if (rc != -EINTR) {
				log_warn("accept: %s", strerror(-rc));
				usleep(10000);
			}
			continue;
		}
		serve(w);
		if (!w->deferred)
			FCGX_Finish_r(&w->fr);
	}
	settle(w);
	FCGX_Finish_r(&w->fr);
	if (o->thread_free)
		o->thread_free(w->req.thread);
	reset(w);
	buf_release(&w->req.body);
	kvlist_free(&w->req.args);
	buf_release(&w->resp.body);
	buf_release(&w->resp.headers);
	buf_release(&w->out);
	sem_destroy(&w->answered);
out:
	atomic_store(&w->done, 1);
	return NULL;
}

static int
open_socket(const struct server_opts *o)
{
	int sock;

	if (o->socket_path == NULL) {
		if (FCGX_IsCGI()) {
			log_err("not started by a FastCGI server and no socket "
			    "configured (set collect_socket or pass -s)");
			return -1;
		}
		/*
		 * Spawned by a process manager (mod_fcgid): if it dies without
		 * telling us, stop too rather than linger on its socket.
		 */
		if (prctl(PR_SET_PDEATHSIG, SIGTERM) == -1)
			log_warn("prctl: %s", strerror(errno));
		if (getppid() == 1)
			raise(SIGTERM);	/* the parent was already gone */
		return 0;
	}
	/* A stale socket from a crash would make bind fail. */
	if (unlink(o->socket_path) == -1 && errno != ENOENT) {
		log_err("unlink %s: %s", o->socket_path, strerror(errno));
		return -1;
	}
	if ((sock = FCGX_OpenSocket(o->socket_path, SERVER_BACKLOG)) < 0) {
		log_err("listen on %s failed", o->socket_path);
		return -1;
	}
	/* The web server's workers may run as another user. */
	if (chmod(o->socket_path, 0666) == -1)
		log_warn("chmod %s: %s", o->socket_path, strerror(errno));
	return sock;
}

int
server_run(const struct server_opts *o)
{
	struct worker *ws;
	struct sigaction sa;
	sigset_t set;
	struct timespec nap = { 0, 20 * 1000 * 1000 };
	int i, n, sig, sock, left, waited = 0;

	if (o->threads < 1 || o->threads > SERVER_MAX_THREADS) {
		log_err("threads must be in [1, %d]", SERVER_MAX_THREADS);
		return -1;
	}
	main_thread = pthread_self();
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_usr1;	/* no SA_RESTART: interrupt accept(2) */
	sigaction(SIGUSR1, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	/* Threads inherit this mask: only the main thread takes TERM/INT. */
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGUSR1);
	pthread_sigmask(SIG_BLOCK, &set, NULL);

	if (FCGX_Init() != 0) {
		log_err("FCGX_Init failed");
		return -1;
	}
	if ((sock = open_socket(o)) < 0)
		return -1;
	n = o->threads;
	ws = xcalloc((size_t)n, sizeof(*ws));
	for (i = 0; i < n; i++) {
		ws[i].opts = o;
		ws[i].sock = sock;
		if (pthread_create(&ws[i].tid, NULL, worker_main, &ws[i]) != 0) {
			log_err("pthread_create failed");
			n = i;
			atomic_store(&stopping, 1);
			break;
		}
	}
	if (!atomic_load(&stopping)) {
		log_info("serving on %s with %d threads",
		    o->socket_path ? o->socket_path : "fd 0", n);
		sigdelset(&set, SIGUSR1);
		do {
			if (sigwait(&set, &sig) != 0)
				sig = SIGTERM;
		} while (sig == SIGHUP && !atomic_load(&stopping));
		log_info("signal %d: finishing requests in flight", sig);
	}
	atomic_store(&stopping, 1);
	FCGX_ShutdownPending();
	for (;;) {
		left = 0;
		for (i = 0; i < n; i++)
			if (!atomic_load(&ws[i].done)) {
				left++;
				pthread_kill(ws[i].tid, SIGUSR1);
			}
		if (left == 0)
			break;
		if (waited >= STOP_GRACE_MS) {
			log_err("%d threads still busy after %d ms; exiting",
			    left, STOP_GRACE_MS);
			return 0;
		}
		nanosleep(&nap, NULL);
		waited += 20;
	}
	for (i = 0; i < n; i++)
		pthread_join(ws[i].tid, NULL);
	free(ws);
	if (o->socket_path != NULL) {
		close(sock);
		unlink(o->socket_path);
	}
	log_info("stopped");
	return 0;
}

int
server_conf(struct conf *conf, const char *prog, const char *path)
{
	int level;

	log_init(prog, LOGL_INFO);
	if (conf_load(conf, path) == -1)
		return -1;
	if (db_conf_check(conf) == -1)
		goto fail;
	if ((level = log_level_parse(conf_str(conf, "log_level", "info"))) == -1) {
		log_err("log_level must be error, warn, info or debug");
		goto fail;
	}
	log_init(prog, (enum log_level)level);
	return 0;
fail:
	conf_free(conf);
	return -1;
}
