/* Responses: building, ordering, corking, writing; the engine's own answers; the Date header. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>

#include "covet.h"
#include "status.h"

#define S covet_server

typedef struct {
  uv_write_t req;
  size_t len;
  char data[];
} covet_write_req_t;

/* ------------------------------------------------------------ the engine's answers */

static const struct {
  int status;
  const char* detail;
} covet_errors[COVET_E_COUNT] = {
    [COVET_E_BAD_REQUEST] = {400, "Bad Request"},
    [COVET_E_NO_HOST] = {400, "Bad Request: missing Host header"},
    [COVET_E_TWO_HOSTS] = {400, "Bad Request: more than one Host header"},
    [COVET_E_BAD_HOST] = {400, "Bad Request: invalid Host header"},
    [COVET_E_TE_HTTP10] = {400, "Bad Request: Transfer-Encoding in an HTTP/1.0 request"},
    [COVET_E_TIMEOUT] = {408, "Request Timeout"},
    [COVET_E_TOO_LARGE] = {413, "Payload Too Large"},
    [COVET_E_URI_TOO_LONG] = {414, "URI Too Long"},
    [COVET_E_EXPECTATION] = {417, "Expectation Failed"},
    [COVET_E_HEADERS_TOO_BIG] = {431, "Request Header Fields Too Large"},
    [COVET_E_UNAVAILABLE] = {503, "Service Unavailable"},
    [COVET_E_VERSION] = {505, "HTTP Version Not Supported"},
};

/* Precomputed on first use: everything before the date, and everything after it. */
static char* covet_error_head[COVET_E_COUNT];
static char* covet_error_tail[COVET_E_COUNT];

/* Returns 0, or UV_ENOMEM (then nothing is kept, and the next answer tries again). */
static int covet_errors_init(void) {
  for (int i = 0; i < COVET_E_COUNT; i++) {
    char body[160];
    int blen = snprintf(body, sizeof body, "{\"detail\":\"%s\"}", covet_errors[i].detail);
    char head[256];
    snprintf(head, sizeof head,
             "%sserver: covet\r\ncontent-type: application/json\r\ncontent-length: %d\r\nconnection: close\r\ndate: ",
             covet_status_lines[covet_errors[i].status], blen);
    char tail[200];
    snprintf(tail, sizeof tail, "\r\n\r\n%s", body);
    covet_error_head[i] = strdup(head);
    covet_error_tail[i] = strdup(tail);
    if (covet_error_head[i] == NULL || covet_error_tail[i] == NULL) {
      for (int k = 0; k <= i; k++) {
        free(covet_error_head[k]);
        free(covet_error_tail[k]);
        covet_error_head[k] = covet_error_tail[k] = NULL;
      }
      return UV_ENOMEM;
    }
  }
  return 0;
}

/* ------------------------------------------------------------ buffers and the date */

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

void covet_update_date(void) {
  uint64_t now = uv_now(S->loop);
  if (now < S->date_until && S->date[0] != 0) return;
  static const char days[7][4] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static const char months[12][4] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                     "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  struct timeval tv;
  struct tm tm;
  gettimeofday(&tv, NULL);
  time_t t = tv.tv_sec;
  gmtime_r(&t, &tm);
  snprintf(S->date, sizeof S->date, "%s, %02d %s %04d %02d:%02d:%02d GMT", days[tm.tm_wday], tm.tm_mday,
           months[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
  S->date_until = now + (uint64_t)(1000 - tv.tv_usec / 1000);
}

/* ------------------------------------------------------------ writing */

int covet_conn_full(const covet_conn_t* c) {
  size_t unsent = c->queued + c->parked_bytes + (S->cork_conn == c ? S->cork.len : 0);
  return unsent > COVET_WRITE_HIGH_WATER;
}

/* During the connection's batch: tells JavaScript to stop handing out its requests once full. */
static void covet_note_fill(covet_conn_t* c) {
  if (S->cork_conn == c && S->control != NULL && covet_conn_full(c)) S->control[0] = 1;
}

static void covet_on_write(uv_write_t* req, int status) {
  covet_write_req_t* w = (covet_write_req_t*)req;
  covet_conn_t* c = (covet_conn_t*)req->handle;
  c->queued -= w->len;
  c->write_since = uv_now(S->loop); /* progress: the send timeout starts over */
  free(w);
  if (c->state == COVET_CLOSING) return;
  if (status < 0) {
    covet_conn_close(c);
    return;
  }
  if (c->queued == 0) covet_conn_maybe_resume(c);
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
  if (c->queued == 0) {
    int r = uv_try_write((uv_stream_t*)&c->tcp, bufs, nbufs);
    if (r >= 0) done = (size_t)r;
    else if (r != UV_EAGAIN) {
      covet_conn_close(c);
      return r;
    }
    if (done == total) return 0;
  }
  /* The rest waits in one request of its own. */
  covet_write_req_t* w = malloc(sizeof *w + (total - done));
  if (w == NULL) {
    covet_conn_close(c);
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
    covet_conn_close(c);
    return err;
  }
  c->queued += w->len;
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
  if (status < 0 || !c->reading) covet_conn_close(c);
  else c->idle_since = uv_now(S->loop);
}

void covet_conn_end_if_done(covet_conn_t* c) {
  if (c->state != COVET_ENDING || S->cork_conn == c) return;
  covet_conn_reach(c, COVET_SHUTDOWN);
  uv_shutdown_t* req = malloc(sizeof *req);
  if (req == NULL || uv_shutdown(req, (uv_stream_t*)&c->tcp, covet_on_shutdown) != 0) {
    free(req);
    covet_conn_close(c);
  }
}

void covet_free_parked(covet_conn_t* c) {
  covet_parked_t* p = c->parked;
  while (p != NULL) {
    covet_parked_t* next = p->next;
    free(p);
    p = next;
  }
  c->parked = NULL;
  c->parked_bytes = 0;
}

/* Response `seq` has been written: the connection may end, or parked ones follow (a parked
 * 100 Continue goes out in its request's place, and does not advance the order). */
static void covet_advance(covet_conn_t* c, int close) {
  c->next_write_seq++;
  for (;;) {
    c->idle_since = uv_now(S->loop);
    if (close) {
      covet_conn_reach(c, COVET_ENDING);
      covet_free_parked(c);
      covet_free_deferred(c);
      return;
    }
    covet_parked_t* p = c->parked;
    if (p == NULL || p->seq != c->next_write_seq) return;
    c->parked = p->next;
    c->parked_bytes -= p->len;
    close = p->close;
    int interim = p->interim;
    uv_buf_t b = uv_buf_init(p->data, (unsigned)p->len);
    covet_conn_write(c, &b, 1);
    free(p);
    if (c->state == COVET_CLOSING) return;
    if (!interim) c->next_write_seq++;
  }
}

static int covet_park(covet_conn_t* c, uint32_t seq, int close, int interim, const uv_buf_t* bufs, unsigned nbufs) {
  size_t total = 0;
  for (unsigned i = 0; i < nbufs; i++) total += bufs[i].len;
  covet_parked_t* p = malloc(sizeof *p + total);
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
  covet_parked_t** link = &c->parked;
  /* After those of the same seq: a final answer follows its request's 100 Continue. */
  while (*link != NULL && (int32_t)((*link)->seq - seq) <= 0) link = &(*link)->next;
  p->next = *link;
  *link = p;
  c->parked_bytes += total;
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
    covet_conn_maybe_resume(c);
  } else if (covet_park(c, seq, close, 0, bufs, nbufs) != 0) {
    covet_conn_close(c);
  }
}

/* ------------------------------------------------------------ responses */

static size_t covet_put_status(char* out, int status) {
  const char* line = status >= 0 && status < 512 ? covet_status_lines[status] : NULL;
  if (line != NULL) {
    size_t n = strlen(line);
    memcpy(out, line, n);
    return n;
  }
  return (size_t)sprintf(out, "HTTP/1.1 %d unknown\r\n", status);
}

/* `content-length: N\r\n` (what sprintf would write, without its cost on every response). */
static char* covet_put_content_length(char* w, size_t n) {
  static const char name[] = "content-length: ";
  memcpy(w, name, sizeof name - 1);
  w += sizeof name - 1;
  char digits[24];
  int k = 0;
  do {
    digits[k++] = (char)('0' + n % 10);
    n /= 10;
  } while (n != 0);
  while (k > 0) *w++ = digits[--k];
  *w++ = '\r';
  *w++ = '\n';
  return w;
}

int covet_respond(covet_conn_t* c, uint32_t seq, uint32_t flags, int status, const char* headers,
                  size_t headers_len, const char* body, size_t body_len) {
  if (c->state >= COVET_ENDING) return COVET_ERR_ENDING;
  /* Only a request that was handed out and not yet answered. */
  if ((int32_t)(seq - c->next_write_seq) < 0 || (int32_t)(seq - c->next_req_seq) >= 0) return COVET_ERR_NOT_OWED;
  for (covet_parked_t* p = c->parked; p != NULL; p = p->next)
    if (p->seq == seq && !p->interim) return COVET_ERR_NOT_OWED;
  covet_update_date();
  int close = (flags & COVET_F_CLOSE) || S->stopping;
  int no_body = status == 204 || status == 304;
  int send_body = !no_body && !(flags & COVET_F_HEAD) && body_len > 0;
  int in_cork = S->cork_conn == c && seq == c->next_write_seq;
  covet_buf_t* out = in_cork ? &S->cork : &S->scratch;
  if (!in_cork) out->len = 0;
  /* Bodies copied along with the head: corked ones, parked ones and small ones. */
  int copy_body = send_body && (in_cork || seq != c->next_write_seq || body_len <= 16384);
  if (covet_buf_reserve(out, 160 + 64 + headers_len + (copy_body ? body_len : 0)) != 0) {
    covet_conn_close(c);
    return UV_ENOMEM;
  }
  size_t start = out->len;
  char* w = out->data + out->len;
  w += covet_put_status(w, status);
  memcpy(w, "server: covet\r\ndate: ", 21);
  w += 21;
  memcpy(w, S->date, 29);
  w += 29;
  *w++ = '\r';
  *w++ = '\n';
  if (headers_len > 0) memcpy(w, headers, headers_len); /* an empty Buffer may have no data pointer */
  w += headers_len;
  if (!no_body) w = covet_put_content_length(w, body_len);
  /* Like node:http: keep-alive is said, with the idle timeout, so that clients (undici among
   * them) stop reusing a connection before the server closes it. */
  static const char ka[] = "connection: keep-alive\r\nkeep-alive: timeout=" COVET_STR(COVET_KEEP_ALIVE_S) "\r\n\r\n";
  static const char cl[] = "connection: close\r\n\r\n";
  if (close) {
    memcpy(w, cl, sizeof cl - 1);
    w += sizeof cl - 1;
  } else {
    memcpy(w, ka, sizeof ka - 1);
    w += sizeof ka - 1;
  }
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
  if (covet_error_head[COVET_E_COUNT - 1] == NULL && covet_errors_init() != 0) {
    covet_conn_close(c); /* out of memory: the client gets a close instead of an answer */
    return;
  }
  covet_update_date();
  uint32_t seq = c->next_req_seq++;
  uv_buf_t bufs[3] = {
      uv_buf_init(covet_error_head[err], (unsigned)strlen(covet_error_head[err])),
      uv_buf_init(S->date, 29),
      /* "\r\n\r\n" and the body, or the blank line alone */
      uv_buf_init(covet_error_tail[err], head ? 4 : (unsigned)strlen(covet_error_tail[err])),
  };
  covet_deliver(c, seq, 1, bufs, 3);
}

void covet_write_continue(covet_conn_t* c) {
  static char line[] = "HTTP/1.1 100 Continue\r\n\r\n";
  uv_buf_t b = uv_buf_init(line, sizeof line - 1);
  /* The request gets seq next_req_seq when complete; answers still owed before it go first. */
  if (c->next_req_seq == c->next_write_seq) covet_conn_write(c, &b, 1);
  else if (covet_park(c, c->next_req_seq, 0, 1, &b, 1) != 0) covet_conn_close(c);
}
