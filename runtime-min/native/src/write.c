/* Output: responses in request order (parking the early ones), corking a batch's writes,
 * uv_try_write then uv_write, shutdown; heads come from head.c. */
#include <stdlib.h>
#include <string.h>

#include "covet.h"

#define S covet_server

typedef struct {
  uv_write_t req;
  size_t len;
  char data[];
} covet_write_req_t;

/* ------------------------------------------------------------ buffers */

int covet_buf_reserve(covet_buf_t* b, size_t extra) {
  if (b->len + extra <= b->cap) return 0;
  size_t cap = b->cap ? b->cap : 4096;
  while (cap < b->len + extra) cap *= 2;
  char* d = realloc(b->data, cap);
  if (d == NULL) return UV_ENOMEM;
  b->data = d;
  b->cap = cap;
  return 0;
}

static void covet_buf_put(covet_buf_t* b, const char* s, size_t n) {
  memcpy(b->data + b->len, s, n);
  b->len += n;
}

/* A buffer that grew for one large response gives the memory back. */
static void covet_buf_trim(covet_buf_t* b) {
  b->len = 0;
  if (b->cap > (1u << 20)) {
    free(b->data);
    b->data = NULL;
    b->cap = 0;
  }
}

/* ------------------------------------------------------------ writing */

int covet_conn_full(const covet_conn_t* c) {
  const covet_busy_t* b = covet_busy(c);
  size_t unsent = (b != NULL ? b->queued + b->parked_bytes : 0) + (S->cork_conn == c ? S->cork.len : 0);
  return unsent > COVET_WRITE_HIGH_WATER;
}

/* During the connection's batch: tells JavaScript to stop handing out its requests once full. */
static void covet_note_fill(covet_conn_t* c) {
  if (S->cork_conn == c && S->control != NULL && covet_conn_full(c)) S->control[0] = 1;
}

static void covet_on_write(uv_write_t* req, int status) {
  covet_write_req_t* w = (covet_write_req_t*)req;
  covet_conn_t* c = (covet_conn_t*)req->handle;
  size_t len = w->len;
  free(w);
  if (c->state == COVET_CLOSING) return; /* its busy state is gone (covet_conn_close) */
  covet_busy_t* b = covet_busy(c);
  b->queued -= len;
  b->write_since = uv_now(S->loop); /* progress: the send timeout starts over */
  if (status < 0) {
    S->hooks.close(c);
    return;
  }
  if (b->queued == 0) {
    S->hooks.may_resume(c);
    if (c->state != COVET_CLOSING) covet_busy_trim(c);
  }
}

int covet_conn_write(covet_conn_t* c, const uv_buf_t* bufs, unsigned nbufs) {
  if (c->state == COVET_CLOSING) return UV_ECANCELED;
  size_t total = 0;
  for (unsigned i = 0; i < nbufs; i++) total += bufs[i].len;
  if (S->cork_conn == c) {
    if (covet_buf_reserve(&S->cork, total) != 0) return UV_ENOMEM;
    for (unsigned i = 0; i < nbufs; i++) covet_buf_put(&S->cork, bufs[i].base, bufs[i].len);
    covet_note_fill(c);
    return 0;
  }
  size_t done = 0;
  if (covet_conn_queued(c) == 0) {
    int r = uv_try_write((uv_stream_t*)&c->tcp, bufs, nbufs);
    if (r >= 0) done = (size_t)r;
    else if (r != UV_EAGAIN) {
      S->hooks.close(c);
      return r;
    }
    if (done == total) return 0;
  }
  /* The rest waits in one request of its own. */
  covet_busy_t* bz = covet_busy_get(c);
  covet_write_req_t* w = bz != NULL ? malloc(sizeof *w + (total - done)) : NULL;
  if (w == NULL) {
    S->hooks.close(c);
    return UV_ENOMEM;
  }
  w->len = total - done;
  size_t at = 0, skip = done;
  for (unsigned i = 0; i < nbufs; i++) {
    size_t n = bufs[i].len;
    if (skip >= n) {
      skip -= n;
      continue;
    }
    memcpy(w->data + at, bufs[i].base + skip, n - skip);
    at += n - skip;
    skip = 0;
  }
  uv_buf_t b = uv_buf_init(w->data, (unsigned)w->len);
  int err = uv_write(&w->req, (uv_stream_t*)&c->tcp, &b, 1, covet_on_write);
  if (err != 0) {
    free(w);
    S->hooks.close(c);
    return err;
  }
  bz->queued += w->len;
  return 0;
}

void covet_uncork(void) {
  covet_conn_t* c = S->cork_conn;
  S->cork_conn = NULL;
  if (c != NULL && S->cork.len > 0) {
    uv_buf_t b = uv_buf_init(S->cork.data, (unsigned)S->cork.len);
    covet_conn_write(c, &b, 1);
  }
  covet_buf_trim(&S->cork);
}

static void covet_on_shutdown(uv_shutdown_t* req, int status) {
  covet_conn_t* c = (covet_conn_t*)req->handle;
  free(req);
  if (c->state == COVET_CLOSING) return;
  /* Lingering close: wait for the client's end (read and discarded) so that unread
   * bytes do not turn the close into a reset; the tick cuts it after COVET_ENDING_MS. */
  if (status < 0 || !c->reading) S->hooks.close(c);
  else c->idle_since = covet_ms();
}

void covet_conn_end_if_done(covet_conn_t* c) {
  if (c->state != COVET_ENDING || S->cork_conn == c) return;
  covet_conn_reach(c, COVET_SHUTDOWN);
  uv_shutdown_t* req = malloc(sizeof *req);
  if (req == NULL || uv_shutdown(req, (uv_stream_t*)&c->tcp, covet_on_shutdown) != 0) {
    free(req);
    S->hooks.close(c);
  }
}

void covet_free_parked(covet_conn_t* c) {
  covet_busy_t* b = covet_busy(c);
  if (b == NULL) return;
  covet_parked_t* p = b->parked;
  while (p != NULL) {
    covet_parked_t* next = p->next;
    free(p);
    p = next;
  }
  b->parked = NULL;
  b->parked_bytes = 0;
}

/* Response `seq` has been written: the connection may end, or parked ones follow (a parked
 * 100 Continue goes out in its request's place, and does not advance the order). */
static void covet_advance(covet_conn_t* c, int close) {
  c->next_write_seq++;
  for (;;) {
    c->idle_since = covet_ms();
    if (close) {
      S->hooks.last_answer(c); /* what it has not handed out is never served */
      covet_conn_reach(c, COVET_ENDING);
      covet_free_parked(c);
      return;
    }
    covet_busy_t* b = covet_busy(c);
    covet_parked_t* p = b != NULL ? b->parked : NULL;
    if (p == NULL || p->seq != c->next_write_seq) return;
    b->parked = p->next;
    b->parked_bytes -= p->len;
    close = p->close;
    int interim = p->interim;
    uv_buf_t buf = uv_buf_init(p->data, (unsigned)p->len);
    covet_conn_write(c, &buf, 1);
    free(p);
    if (c->state == COVET_CLOSING) return;
    if (!interim) c->next_write_seq++;
  }
}

static int covet_park(covet_conn_t* c, uint32_t seq, int close, int interim, const uv_buf_t* bufs, unsigned nbufs) {
  size_t total = 0;
  for (unsigned i = 0; i < nbufs; i++) total += bufs[i].len;
  covet_busy_t* b = covet_busy_get(c);
  covet_parked_t* p = b != NULL ? malloc(sizeof *p + total) : NULL;
  if (p == NULL) return UV_ENOMEM;
  p->seq = seq;
  p->close = close;
  p->interim = interim;
  p->len = total;
  size_t at = 0;
  for (unsigned i = 0; i < nbufs; i++) {
    memcpy(p->data + at, bufs[i].base, bufs[i].len);
    at += bufs[i].len;
  }
  covet_parked_t** link = &b->parked;
  /* After those of the same seq: a final answer follows its request's 100 Continue. */
  while (*link != NULL && (int32_t)((*link)->seq - seq) <= 0) link = &(*link)->next;
  p->next = *link;
  *link = p;
  b->parked_bytes += total;
  covet_note_fill(c);
  return 0;
}

/* Hands a complete response to the connection: now if it is next, else parked. */
static void covet_deliver(covet_conn_t* c, uint32_t seq, int close, const uv_buf_t* bufs, unsigned nbufs) {
  if (seq == c->next_write_seq) {
    covet_conn_write(c, bufs, nbufs);
    if (c->state == COVET_CLOSING) return;
    covet_advance(c, close);
    covet_conn_end_if_done(c);
    S->hooks.may_resume(c);
    if (c->state != COVET_CLOSING && S->cork_conn != c) covet_busy_trim(c);
  } else if (covet_park(c, seq, close, 0, bufs, nbufs) != 0) {
    S->hooks.close(c);
  }
}

/* ------------------------------------------------------------ responses */

int covet_respond(covet_conn_t* c, uint32_t seq, uint32_t flags, int status, const char* headers,
                  size_t headers_len, const char* body, size_t body_len) {
  if (c->state >= COVET_ENDING) return COVET_ERR_ENDING;
  /* Only a request that was handed out and not yet answered. */
  if ((int32_t)(seq - c->next_write_seq) < 0 || (int32_t)(seq - c->next_req_seq) >= 0) return COVET_ERR_NOT_OWED;
  for (covet_parked_t* p = covet_busy(c) != NULL ? covet_busy(c)->parked : NULL; p != NULL; p = p->next)
    if (p->seq == seq && !p->interim) return COVET_ERR_NOT_OWED;
  covet_update_date();
  int close = (flags & COVET_F_CLOSE) || S->stopping;
  /* Whether it goes out now or waits for earlier answers, nothing after it is served. */
  if (close) S->hooks.last_answer(c);
  int no_body = status == 204 || status == 304;
  int send_body = !no_body && !(flags & COVET_F_HEAD) && body_len > 0;
  int in_cork = S->cork_conn == c && seq == c->next_write_seq;
  covet_buf_t* out = in_cork ? &S->cork : &S->scratch;
  if (!in_cork) out->len = 0;
  /* Bodies copied along with the head: corked ones, parked ones and small ones. */
  int copy_body = send_body && (in_cork || seq != c->next_write_seq || body_len <= 16384);
  if (covet_buf_reserve(out, COVET_HEAD_FIXED + headers_len + (copy_body ? body_len : 0)) != 0) {
    S->hooks.close(c);
    return UV_ENOMEM;
  }
  size_t start = out->len;
  char* w = covet_head_put(out->data + out->len, status, headers, headers_len, no_body ? -1 : (int64_t)body_len, close);
  if (copy_body) {
    memcpy(w, body, body_len);
    w += body_len;
  }
  out->len = (size_t)(w - out->data);
  if (in_cork) {
    /* Already in place in the batch's write. */
    covet_note_fill(c);
    covet_advance(c, close);
    return 0;
  }
  uv_buf_t bufs[2];
  bufs[0] = uv_buf_init(out->data + start, (unsigned)(out->len - start));
  unsigned nbufs = 1;
  if (send_body && !copy_body) bufs[nbufs++] = uv_buf_init((char*)body, (unsigned)body_len);
  covet_deliver(c, seq, close, bufs, nbufs);
  covet_buf_trim(&S->scratch);
  return 0;
}

void covet_respond_error(covet_conn_t* c, covet_error_t err, int head) {
  if (c->state >= COVET_ENDING) return;
  uv_buf_t bufs[3];
  if (covet_head_error(err, head, bufs) != 0) {
    S->hooks.close(c); /* out of memory: the client gets a close instead of an answer */
    return;
  }
  S->hooks.js_refused(c, err);
  uint32_t seq = c->next_req_seq++;
  covet_deliver(c, seq, 1, bufs, 3);
}

void covet_write_continue(covet_conn_t* c) {
  static char line[] = "HTTP/1.1 100 Continue\r\n\r\n";
  uv_buf_t b = uv_buf_init(line, sizeof line - 1);
  /* The request gets seq next_req_seq when complete; answers still owed before it go first. */
  if (c->next_req_seq == c->next_write_seq) covet_conn_write(c, &b, 1);
  else if (covet_park(c, c->next_req_seq, 0, 1, &b, 1) != 0) S->hooks.close(c);
}
