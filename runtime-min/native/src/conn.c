/* Connections: slots, listening, accepting (EMFILE), reads fed to the parser (parse.c), partial and
 * deferred requests, the turn queue, timeouts, closing. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <fcntl.h>
#include <sys/socket.h>
#include <errno.h>

#include "covet.h"

#define S covet_server

static int covet_reserve_fd = -1;   /* spare descriptor for accepting past EMFILE */

/* ------------------------------------------------------------ connections */

static covet_conn_t* covet_conn_new(void) {
  uint32_t slot = S->free_slot;
  if (slot == UINT32_MAX) {
    /* A new slab of records, chained onto the free list in slot order. */
    if (S->nslots + COVET_SLAB > (1u << COVET_SLOT_BITS)) return NULL;
    uint32_t n = S->nslots / COVET_SLAB;
    covet_conn_t** slabs = realloc(S->slabs, (n + 1) * sizeof *slabs);
    if (slabs == NULL) return NULL;
    S->slabs = slabs;
    covet_conn_t* slab = calloc(COVET_SLAB, sizeof *slab);
    if (slab == NULL) return NULL;
    slabs[n] = slab;
    for (uint32_t i = 0; i < COVET_SLAB; i++) {
      slab[i].slot = S->nslots + i;
      slab[i].idle_since = i + 1 < COVET_SLAB ? S->nslots + i + 1 : UINT32_MAX;
    }
    S->free_slot = S->nslots;
    S->nslots += COVET_SLAB;
    slot = S->free_slot;
  }
  covet_conn_t* c = covet_conn_at(slot);
  S->free_slot = c->idle_since;
  uint32_t gen = (uint32_t)c->gen;
  memset(c, 0, sizeof *c);
  c->slot = slot;
  c->gen = gen;
  c->used = 1;
  S->nconns++;
  return c;
}

double covet_conn_key(const covet_conn_t* c) {
  return (double)c->slot + (double)c->gen * (double)(1u << COVET_SLOT_BITS);
}

covet_conn_t* covet_conn_from_key(double key) {
  if (!(key >= 0) || key > 9007199254740991.0 || S == NULL) return NULL;
  uint64_t k = (uint64_t)key;
  uint32_t slot = (uint32_t)(k & ((1u << COVET_SLOT_BITS) - 1));
  uint32_t gen = (uint32_t)(k >> COVET_SLOT_BITS);
  if (slot >= S->nslots) return NULL;
  covet_conn_t* c = covet_conn_at(slot);
  return c->used && c->state != COVET_CLOSING && c->gen == gen ? c : NULL;
}

static void covet_free_partial(covet_conn_t* c) {
  covet_partial_t* pa = covet_conn_partial(c);
  if (pa == NULL) return;
  if (S->parsing != NULL && S->parsing->into == pa) S->parsing->into = NULL;
  covet_partial_release(pa);
  free(pa);
  covet_busy(c)->partial = NULL;
}

/* ------------------------------------------------------------ the turn queue */

static void covet_on_check(uv_check_t* h);

static void covet_on_idle(uv_idle_t* h) {
  (void)h; /* only there so that the poll does not block while deferred requests can go out */
}

/* Queues a connection's deferred requests for a share in a coming turn (once). */
static void covet_turn_push(covet_deferred_t* d) {
  if (d->in_queue) return;
  d->in_queue = 1;
  d->next = NULL;
  d->prev = S->turn_tail;
  if (S->turn_tail != NULL) S->turn_tail->next = d;
  else S->turn_head = d;
  S->turn_tail = d;
  S->turn_len++;
  uv_check_start(S->check, covet_on_check);
  uv_idle_start(S->idle, covet_on_idle);
}

static void covet_turn_remove(covet_deferred_t* d) {
  if (!d->in_queue) return;
  d->in_queue = 0;
  if (d->prev != NULL) d->prev->next = d->next;
  else S->turn_head = d->next;
  if (d->next != NULL) d->next->prev = d->prev;
  else S->turn_tail = d->prev;
  d->prev = d->next = NULL;
  S->turn_len--;
}

static void covet_free_deferred(covet_conn_t* c) {
  covet_deferred_t* d = covet_conn_deferred(c);
  if (d == NULL) return;
  covet_turn_remove(d);
  free(d->data);
  free(d->meta);
  free(d->input);
  free(d);
  covet_busy(c)->deferred = NULL;
}

void covet_conn_last_answer(covet_conn_t* c) {
  covet_conn_reach(c, COVET_LAST);
  covet_free_deferred(c);
}

/* The record is free for another connection once libuv is done with its handle. */
static void covet_conn_release(covet_conn_t* c) {
  c->used = 0;
  c->idle_since = S->free_slot;
  S->free_slot = (uint32_t)c->slot;
}

static void covet_on_conn_closed(uv_handle_t* h) {
  covet_conn_release((covet_conn_t*)h);
}

/* Unlinks a connection: its generation moves on, so its key no longer names anything. */
static void covet_conn_forget(covet_conn_t* c) {
  c->gen = (c->gen + 1) & ((1u << 28) - 1);
  S->nconns--;
}

void covet_conn_close(covet_conn_t* c) {
  if (c->state == COVET_CLOSING) return;
  c->state = COVET_CLOSING;
  uint32_t owed = c->next_req_seq - c->next_write_seq;
  double key = covet_conn_key(c);
  covet_conn_forget(c);
  if (S->cork_conn == c) S->cork_conn = NULL;
  covet_free_partial(c);
  covet_free_parked(c);
  covet_free_deferred(c);
  free(c->tcp.data); /* what is still queued is cancelled: covet_on_write sees COVET_CLOSING */
  c->tcp.data = NULL;
  uv_close((uv_handle_t*)&c->tcp, covet_on_conn_closed);
  if (owed) S->hooks.js_closed(key);
  if (S->stopping && S->nconns == 0) S->hooks.js_drained();
}

static void covet_alloc(uv_handle_t* h, size_t suggested, uv_buf_t* buf) {
  (void)h;
  (void)suggested;
  if (S->read_busy) { /* never expected: reads are delivered one at a time */
    buf->base = NULL;
    buf->len = 0;
    return;
  }
  S->read_busy = 1;
  buf->base = S->read_buf;
  buf->len = COVET_READ_SIZE;
}

static void covet_stop_reading(covet_conn_t* c) {
  if (c->reading) {
    uv_read_stop((uv_stream_t*)&c->tcp);
    c->reading = 0;
  }
}

static void covet_on_read(uv_stream_t* stream, ssize_t nread, const uv_buf_t* buf);

/* Not to be read for now: requests wait in C, its unsent answers are past the high-water
 * mark, or it owes as many answers as a connection may. */
static int covet_conn_backed_up(const covet_conn_t* c) {
  return covet_conn_deferred(c) != NULL || covet_conn_full(c) || c->next_req_seq - c->next_write_seq >= COVET_MAX_OWED;
}

static int covet_deferred_ready(const covet_conn_t* c);

void covet_conn_maybe_resume(covet_conn_t* c) {
  if (c->state == COVET_CLOSING) return;
  covet_deferred_t* d = covet_conn_deferred(c);
  if (d != NULL) {
    if (covet_deferred_ready(c)) covet_turn_push(d);
    return;
  }
  if (c->reading || c->state >= COVET_NO_MORE || covet_conn_backed_up(c)) return;
  if (uv_read_start((uv_stream_t*)&c->tcp, covet_alloc, covet_on_read) != 0) return;
  c->reading = 1;
  /* A request cut by the pause gets its whole headers/request timeout again from now. */
  covet_partial_t* pa = covet_conn_partial(c);
  if (pa != NULL) {
    uint64_t now = uv_now(S->loop);
    if (pa->msg.head_start != 0) pa->msg.head_start = now;
    if (pa->msg.req_start != 0) pa->msg.req_start = now;
  }
}

/* The client has half-closed (sent its FIN) while responses are still being written: like
 * node:http, the handlers still running are aborted (onClose) and their answers dropped, but
 * what was already answered is written out in full before the connection shuts down. */
static void covet_conn_finish_writing(covet_conn_t* c) {
  uint32_t owed = c->next_req_seq - c->next_write_seq;
  covet_stop_reading(c);
  covet_free_partial(c);
  covet_free_parked(c);
  covet_free_deferred(c);
  covet_conn_reach(c, COVET_ENDING);
  c->idle_since = covet_ms();
  if (owed) {
    c->next_write_seq = c->next_req_seq; /* nothing owed is written any more */
    S->hooks.js_closed(covet_conn_key(c));
  }
  covet_conn_end_if_done(c);
}

/* Ends the request being received with an engine answer, after which the connection closes
 * (lingering: what the client still sends is read and dropped until it stops or the tick cuts it).
 * `head`: as covet_respond_error's. */
static void covet_conn_refuse(covet_conn_t* c, covet_error_t err, int head) {
  covet_free_partial(c);
  covet_conn_reach(c, COVET_NO_MORE);
  covet_respond_error(c, err, head);
  covet_conn_end_if_done(c);
}

/* While unfinished bodies hold more than max_body_memory together, the oldest one is answered
 * 503 and its connection closed (a slow body is what holds memory longest). */
static void covet_limit_body_memory(void) {
  while (S->body_bytes > S->max_body_memory && S->bodies_oldest != NULL) {
    covet_partial_t* pa = S->bodies_oldest; /* its head is complete: a HEAD gets no body */
    covet_conn_refuse(pa->conn, COVET_E_UNAVAILABLE, pa->parser.method == HTTP_HEAD);
  }
}

static covet_error_t covet_error_of(const covet_msg_t* m) {
  return m->error >= 0 ? (covet_error_t)m->error : COVET_E_BAD_REQUEST;
}

/* A request begun by this read is unfinished: its bytes and record (from `bytes` and `rec` on in
 * staging and meta) move to the connection's partial, its parser too unless it is already the
 * partial's (the partial's earlier request completed in this read). Returns 0, UV_ENOMEM or
 * UV_EOVERFLOW. */
static int covet_keep_partial(covet_conn_t* c, llhttp_t* p, const covet_msg_t* m, size_t bytes, size_t rec) {
  covet_busy_t* b = covet_busy_get(c);
  if (b == NULL) return UV_ENOMEM;
  covet_partial_t* pa = b->partial;
  if (pa == NULL) {
    pa = calloc(1, sizeof *pa);
    if (pa == NULL) return UV_ENOMEM;
    b->partial = pa;
    pa->conn = c;
    pa->parser = *p;
    pa->msg = *m;
  } else {
    covet_partial_release(pa); /* already given back when its earlier request completed */
  }
  uint32_t dlen = (uint32_t)(S->staging_len - bytes);
  uint32_t mlen = (uint32_t)(S->meta_len - rec);
  int err = covet_partial_grow((void**)&pa->data, &pa->data_cap, 1, dlen, pa->msg.total);
  if (err == 0) err = covet_partial_grow((void**)&pa->meta, &pa->meta_cap, sizeof(uint32_t), mlen, 0);
  if (err != 0) return err;
  if (dlen > 0) memcpy(pa->data, S->staging + bytes, dlen);
  memcpy(pa->meta, S->meta + rec, mlen * sizeof(uint32_t));
  pa->data_len = dlen;
  pa->meta_len = mlen;
  pa->msg.base = 0;
  pa->msg.rec = 0;
  covet_count_body(pa, pa->msg.body_len);
  return 0;
}

/* ------------------------------------------------------------ handing requests to JavaScript */

/* The connection's deferred requests, created empty when it has none. */
static covet_deferred_t* covet_deferred_of(covet_conn_t* c) {
  covet_busy_t* b = covet_busy_get(c);
  if (b == NULL) return NULL;
  if (b->deferred == NULL) {
    b->deferred = calloc(1, sizeof *b->deferred);
    if (b->deferred == NULL) return NULL;
    b->deferred->conn = c;
    b->deferred->turn = S->turn;
  }
  return b->deferred;
}

/* Frees the deferred requests once nothing is left in them, and the busy state once it is empty. */
static void covet_deferred_trim(covet_conn_t* c) {
  covet_deferred_t* d = covet_conn_deferred(c);
  if (d != NULL && d->count == 0 && d->input == NULL) covet_free_deferred(c);
  covet_busy_trim(c);
}

/* Keeps records [rec, done_meta) and their bytes (up to done_bytes) of the current batch for
 * later turns: the connection's answers backed up before JavaScript had them all, or its read
 * came when this turn had no time left for it. Returns 0 or UV_ENOMEM. */
static int covet_defer(covet_conn_t* c, size_t rec, size_t done_meta, size_t done_bytes, uint32_t count) {
  uint32_t base0 = S->meta[rec + COVET_R_BASE];
  covet_deferred_t* d = covet_deferred_of(c);
  if (d == NULL) return UV_ENOMEM;
  /* Parsed ones are deferred only once the earlier ones are all out (count is 0). */
  d->data_len = (uint32_t)(done_bytes - base0);
  d->meta_len = (uint32_t)(done_meta - rec);
  d->count = count;
  d->rec = 0;
  d->data = malloc(d->data_len ? d->data_len : 1);
  d->meta = malloc(d->meta_len * sizeof(uint32_t));
  if (d->data == NULL || d->meta == NULL) return UV_ENOMEM; /* the caller closes the connection */
  memcpy(d->data, S->staging + base0, d->data_len);
  memcpy(d->meta, S->meta + rec, d->meta_len * sizeof(uint32_t));
  for (uint32_t r = 0; r < d->meta_len; r += d->meta[r + COVET_R_WORDS]) d->meta[r + COVET_R_BASE] -= base0;
  return 0;
}

/* Keeps the input after a share, with its parser, for later turns. Input from a read is copied
 * (the read buffer is shared); input that was kept already only moves its start. Returns 0 or
 * UV_ENOMEM. */
static int covet_keep_input(covet_conn_t* c, const llhttp_t* p, const char* rest, size_t len, int kept) {
  covet_deferred_t* d = covet_deferred_of(c);
  if (d == NULL) return UV_ENOMEM;
  d->parser = *p;
  if (kept) {
    d->input_at = (uint32_t)(rest - d->input);
    return 0;
  }
  d->input = malloc(len);
  if (d->input == NULL) return UV_ENOMEM;
  memcpy(d->input, rest, len);
  d->input_len = (uint32_t)len;
  d->input_at = 0;
  return 0;
}

static void covet_drop_input(covet_conn_t* c) {
  covet_deferred_t* d = covet_conn_deferred(c);
  if (d == NULL) return;
  free(d->input);
  d->input = NULL;
  d->input_len = d->input_at = 0;
}

/* Hands the batch's `count` records to JavaScript; what it did not take is deferred. */
static void covet_batch(covet_conn_t* c, uint32_t count, size_t done_bytes, size_t done_meta) {
  S->control[0] = 0;
  uint32_t taken = S->hooks.js_batch(c, count);
  if (taken >= count || c->state >= COVET_LAST) return; /* all taken, or the rest is never served */
  size_t rec = 0;
  for (uint32_t i = 0; i < taken; i++) rec += S->meta[rec + COVET_R_WORDS];
  if (covet_defer(c, rec, done_meta, done_bytes, count - taken) != 0) covet_conn_close(c);
}

/* Parses a connection's input (a read, or what an earlier one left: `resume` is then the parser
 * to go on with) and hands the requests it completes to JavaScript. At most COVET_SHARE are
 * completed (the parser pauses there); the input after them is kept for the next turns, so a
 * read of ~1,400 pipelined requests costs this turn only the parsing of its share. */
static void covet_feed(covet_conn_t* c, const char* at, size_t len, const llhttp_t* resume) {
  S->staging_len = 0;
  S->meta_len = 0;
  S->cork_conn = c;
  S->cork.len = 0;

  const char* end = at + len;
  const char* rest = end; /* the input not parsed: [rest, end) */
  covet_parse_t x = {.conn = c, .read_start = at, .read_end = end};
  llhttp_t* p;
  covet_partial_t* pa = covet_conn_partial(c);
  if (pa != NULL) {
    /* The request begun by an earlier read goes on in its partial's buffers. */
    p = &pa->parser;
    x.msg = &pa->msg;
    x.into = pa;
  } else {
    p = &S->parser;
    if (resume != NULL) *p = *resume;
    else llhttp_init(p, HTTP_REQUEST, covet_parse_settings());
    x.msg = &S->msg;
    x.msg->started = 0;
  }
  covet_msg_t* m = x.msg;
  p->data = &x;
  S->parsing = &x;
  x.head_from = m->started && (m->in_head || m->in_trailer) ? at : NULL;
  llhttp_errno_t err = llhttp_execute(p, at, len);
  while (err != HPE_OK) {
    const char* pos = llhttp_get_error_pos(p);
    if (err == HPE_PAUSED_UPGRADE) {
      /* An Upgrade request is answered as a plain request (there is no upgrade handler); keep parsing. */
      llhttp_resume_after_upgrade(p);
    } else if (err == HPE_PAUSED && m->started && m->in_trailer) {
      /* Paused by on_chunk_header (a share's pause comes after its request completed): the
       * trailer section begins at pos. */
      llhttp_resume(p);
      x.head_from = pos;
    } else {
      break;
    }
    err = pos != NULL && pos < end ? llhttp_execute(p, pos, (size_t)(end - pos)) : HPE_OK;
  }
  /* A head or trailer section still arriving: scan what this read brought of it. */
  if (err == HPE_OK && m->started && (m->in_head || m->in_trailer) && covet_scan_head_part(&x, end) != 0) {
    m->error = COVET_E_BAD_REQUEST;
    err = HPE_USER;
  }
  if (err == HPE_PAUSED) {
    if (c->state < COVET_NO_MORE) { /* its share is parsed: the rest waits */
      rest = llhttp_get_error_pos(p);
      llhttp_resume(p);
    } /* else a request that closes the connection: what follows it is not read */
  } else if (err != HPE_OK) {
    covet_error_t e = covet_error_of(m);
    int head = m->started && !m->in_head && p->method == HTTP_HEAD && e != COVET_E_BAD_REQUEST && e != COVET_E_HEADERS_TOO_BIG;
    m->started = 0;
    covet_conn_reach(c, COVET_NO_MORE);
    covet_respond_error(c, e, head);
  }
  if (rest < end && covet_keep_input(c, p, rest, (size_t)(end - rest), resume != NULL) != 0) goto fail;

  /* Where the completed requests' bytes and records end in staging (an unfinished request begun
   * by this read follows them; one begun earlier is still in its partial). */
  int began_here = m->started && x.into == NULL;
  size_t done_bytes = began_here ? m->base : S->staging_len;
  size_t done_meta = began_here ? m->rec : S->meta_len;
  S->parsing = NULL; /* the parse is over: what follows works on the connection */
  if (m->started && c->state < COVET_NO_MORE) {
    /* Keep the unfinished request (parser and bytes) until the next read. */
    if (began_here && covet_keep_partial(c, p, m, done_bytes, done_meta) != 0) goto fail;
    covet_msg_t* kept = &covet_conn_partial(c)->msg;
    kept->last_byte2 = len >= 2 ? end[-2] : kept->last_byte;
    kept->last_byte = end[-1];
  } else {
    covet_free_partial(c);
  }
  if (rest == end && resume != NULL) covet_drop_input(c); /* the kept input is all parsed */

  if (x.completed > 0) {
    if (resume == NULL && rest < end && S->read_ns >= COVET_TURN_NS) {
      /* A read with more than its share, when such reads have had their time in this turn:
       * even its first share waits for the check, so that a burst of them (hundreds of clients
       * that pipeline, all at once) cannot hold up the reads of the others, which go first. */
      if (covet_defer(c, 0, done_meta, done_bytes, x.completed) != 0) goto fail;
    } else if (resume == NULL && rest < end) {
      uint64_t t0 = uv_hrtime();
      covet_batch(c, x.completed, done_bytes, done_meta);
      S->read_ns += uv_hrtime() - t0;
      uv_check_start(S->check, covet_on_check); /* which starts the next turn's count */
    } else {
      covet_batch(c, x.completed, done_bytes, done_meta);
    }
  }
  covet_uncork();
  covet_limit_body_memory(); /* the callers look at whether c is closing */
  return;

fail:
  S->parsing = NULL;
  S->cork_conn = NULL;
  covet_conn_close(c);
}

/* Answers owed for requests already handed to JavaScript (deferred ones are not counted). */
static uint32_t covet_owed_taken(const covet_conn_t* c) {
  const covet_deferred_t* d = covet_conn_deferred(c);
  uint32_t next = d != NULL && d->count > 0 ? d->meta[d->rec + COVET_R_SEQ] : c->next_req_seq;
  return next - c->next_write_seq;
}

/* A connection with deferred requests that may be handed more now. */
static int covet_deferred_ready(const covet_conn_t* c) {
  return c->state != COVET_CLOSING && !covet_conn_full(c) && covet_owed_taken(c) < COVET_MAX_OWED;
}

/* Hands out parsed requests that were deferred, as if just read: up to a share of them go back
 * into staging and meta (each is copied out once, however many turns it waits). */
static void covet_hand_out_parsed(covet_conn_t* c) {
  covet_deferred_t* d = covet_conn_deferred(c);
  uint32_t n = d->count < COVET_SHARE ? d->count : COVET_SHARE;
  uint32_t end = d->rec;
  for (uint32_t i = 0; i < n; i++) end += d->meta[end + COVET_R_WORDS];
  uint32_t from = d->meta[d->rec + COVET_R_BASE];
  uint32_t to = end < d->meta_len ? d->meta[end + COVET_R_BASE] : d->data_len;
  if (covet_restore_staged(d->data + from, to - from, d->meta + d->rec, end - d->rec) != 0) {
    covet_conn_close(c);
    return;
  }
  for (uint32_t r = 0; r < S->meta_len; r += S->meta[r + COVET_R_WORDS]) S->meta[r + COVET_R_BASE] -= from;
  S->cork_conn = c;
  S->cork.len = 0;
  S->control[0] = 0;
  uint32_t taken = S->hooks.js_batch(c, n);
  covet_uncork();
  if (c->state == COVET_CLOSING || covet_conn_deferred(c) != d) return; /* closed, or ended (its deferred dropped) meanwhile */
  if (taken < d->count) {
    for (uint32_t i = 0; i < taken; i++) d->rec += d->meta[d->rec + COVET_R_WORDS];
    d->count -= taken;
    return;
  }
  d->count = 0;
  free(d->data);
  free(d->meta);
  d->data = NULL;
  d->meta = NULL;
}

/* A connection's share of this turn from its deferred requests: parsed ones first, then input. */
static void covet_dispatch_deferred(covet_conn_t* c) {
  covet_deferred_t* d = covet_conn_deferred(c);
  d->turn = S->turn;
  if (d->count > 0) covet_hand_out_parsed(c);
  else covet_feed(c, d->input + d->input_at, d->input_len - d->input_at, &d->parser);
  if (c->state == COVET_CLOSING) return;
  covet_deferred_trim(c);
  covet_conn_end_if_done(c);
  covet_conn_maybe_resume(c); /* its next share in the next turn, or reading again */
}

/* After each poll while connections are queued or reads had more than their share: the queued
 * connections get one share each, in queue order, for at most
 * COVET_TURN_NS (the rest keep their places for the next turn), except those that had theirs
 * from a read in this turn. One that backed up leaves the queue until its answers drain
 * (covet_conn_maybe_resume queues it again). Then the next turn begins. */
static void covet_on_check(uv_check_t* h) {
  uint32_t turn = S->turn;
  uint64_t until = uv_hrtime() + COVET_TURN_NS;
  for (uint32_t n = S->turn_len; n > 0 && S->turn_head != NULL; n--) {
    covet_deferred_t* d = S->turn_head;
    covet_conn_t* c = d->conn;
    covet_turn_remove(d);
    if (d->turn == turn) {
      covet_turn_push(d);
    } else if (covet_deferred_ready(c)) {
      covet_dispatch_deferred(c);
      if (uv_hrtime() >= until) break;
    }
  }
  S->turn++;
  S->read_ns = 0;
  if (S->turn_head == NULL) {
    uv_check_stop(h);
    uv_idle_stop(S->idle);
  }
}

static void covet_on_read(uv_stream_t* stream, ssize_t nread, const uv_buf_t* buf) {
  covet_conn_t* c = (covet_conn_t*)stream;
  S->read_busy = 0;
  if (nread < 0) {
    if (nread == UV_EOF && covet_conn_queued(c) > 0) covet_conn_finish_writing(c);
    else covet_conn_close(c);
    return;
  }
  if (nread == 0 || c->state >= COVET_NO_MORE) return;
  c->idle_since = covet_ms();
  covet_feed(c, buf->base, (size_t)nread, NULL);
  if (c->state == COVET_CLOSING) return;
  covet_deferred_trim(c);
  covet_conn_end_if_done(c);
  if (covet_conn_backed_up(c)) covet_stop_reading(c);
  covet_conn_maybe_resume(c); /* with deferred requests: into the turn queue */
}

/* ------------------------------------------------------------ accepting */

static void covet_on_connection(uv_stream_t* server, int status) {
  if (status < 0) {
    if ((status == UV_EMFILE || status == UV_ENFILE) && covet_reserve_fd >= 0) {
      /* Out of descriptors: free the spare, accept and drop one connection, take the spare back.
       * The client sees a close instead of waiting, and the loop does not spin on it. */
      uv_os_fd_t lfd;
      if (uv_fileno((uv_handle_t*)server, &lfd) == 0) {
        close(covet_reserve_fd);
        int fd = accept(lfd, NULL, NULL);
        if (fd >= 0) close(fd);
        covet_reserve_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
      }
    }
    return;
  }
  covet_conn_t* c = covet_conn_new();
  if (c == NULL) return;
  if (uv_tcp_init(S->loop, &c->tcp) != 0) { /* not a handle yet: nothing for uv_close */
    covet_conn_forget(c);
    covet_conn_release(c);
    return;
  }
  if (uv_accept(server, (uv_stream_t*)&c->tcp) != 0) {
    covet_conn_close(c);
    return;
  }
  uv_tcp_nodelay(&c->tcp, 1);
  /* The headers timeout runs from a request's first byte; a connection that sends
   * nothing is idle and closes after the keep-alive timeout. (Timing from accept would
   * answer 408 to a request already waiting in the socket whenever the loop was busy.) */
  c->idle_since = covet_ms();
  covet_conn_maybe_resume(c);
}

/* Owes nothing, holds no part of a request, has nothing waiting: what a stopping server may close
 * once it has been quiet for COVET_STOP_QUIET_MS (before that, a request may be on its way). */
static int covet_conn_at_rest(const covet_conn_t* c) {
  return c->state < COVET_NO_MORE && c->next_req_seq == c->next_write_seq && covet_conn_queued(c) == 0 &&
         covet_conn_deferred(c) == NULL && covet_conn_partial(c) == NULL;
}

/* True when answers wait in libuv's write queue and none of their bytes has left for the send
 * timeout (the client does not read). Progress: a write completed (covet_on_write sets
 * write_since) or the queue shrank since the last tick (part of a write went out). */
static int covet_send_stalled(covet_conn_t* c, uint64_t now) {
  covet_busy_t* b = covet_busy(c);
  if (b == NULL) return 0; /* nothing queued: libuv's write queue is empty */
  size_t unsent = uv_stream_get_write_queue_size((uv_stream_t*)&c->tcp);
  if (unsent == 0 || unsent < b->write_seen) b->write_since = now;
  b->write_seen = unsent;
  return now - b->write_since >= S->send_timeout;
}

static void covet_on_tick(uv_timer_t* t) {
  (void)t;
  covet_update_date();
  uint64_t now = uv_now(S->loop);
  uint32_t ms = covet_ms();
  for (uint32_t slot = 0; slot < S->nslots; slot++) {
    covet_conn_t* c = covet_conn_at(slot);
    if (!c->used || c->state == COVET_CLOSING) continue;
    covet_busy_trim(c);
    if (covet_send_stalled(c, now)) {
      covet_conn_close(c);
      continue;
    }
    if (c->state >= COVET_ENDING) {
      if ((uint32_t)(ms - c->idle_since) >= COVET_ENDING_MS) covet_conn_close(c);
      continue;
    }
    if (S->stopping && covet_conn_at_rest(c) && (uint32_t)(ms - c->idle_since) >= COVET_STOP_QUIET_MS) {
      covet_conn_close(c);
      continue;
    }
    /* Not reading (the client has not read its answers): its request clocks are stopped,
     * and restart when reading resumes. */
    if (c->state >= COVET_NO_MORE || !c->reading) continue;
    const covet_partial_t* pa = covet_conn_partial(c); /* a request in progress between reads */
    int late_head = pa != NULL && pa->msg.head_start != 0 && now - pa->msg.head_start >= S->headers_timeout;
    int late_request = pa != NULL && pa->msg.req_start != 0 && now - pa->msg.req_start >= S->request_timeout;
    if (late_head || late_request) {
      covet_stop_reading(c);
      covet_conn_refuse(c, COVET_E_TIMEOUT, 0);
    } else if (c->next_req_seq == c->next_write_seq && pa == NULL && covet_conn_queued(c) == 0 &&
               (uint32_t)(ms - c->idle_since) >= S->keep_alive) {
      covet_conn_close(c);
    }
  }
}

static void covet_on_handle_freed(uv_handle_t* h) {
  free(h);
}

/* host:port as a socket address: an IPv4 or IPv6 literal, or a name resolved synchronously. */
static int covet_resolve(const char* host, int port, struct sockaddr_storage* addr) {
  memset(addr, 0, sizeof *addr);
  if (uv_ip4_addr(host, port, (struct sockaddr_in*)addr) == 0) return 0;
  if (uv_ip6_addr(host, port, (struct sockaddr_in6*)addr) == 0) return 0;
  uv_getaddrinfo_t req;
  struct addrinfo hints;
  memset(&hints, 0, sizeof hints);
  hints.ai_socktype = SOCK_STREAM;
  /* Synchronous (no callback); the supervisor's bind has no server, hence no S->loop. */
  int err = uv_getaddrinfo(S != NULL && S->loop != NULL ? S->loop : uv_default_loop(), &req, NULL, host, NULL, &hints);
  if (err != 0) return err;
  memcpy(addr, req.addrinfo->ai_addr, req.addrinfo->ai_addrlen);
  if (addr->ss_family == AF_INET) ((struct sockaddr_in*)addr)->sin_port = htons((uint16_t)port);
  else ((struct sockaddr_in6*)addr)->sin6_port = htons((uint16_t)port);
  uv_freeaddrinfo(req.addrinfo);
  return 0;
}

static int covet_bound_port(int fd) {
  struct sockaddr_storage bound;
  socklen_t len = sizeof bound;
  if (getsockname(fd, (struct sockaddr*)&bound, &len) != 0) return -1;
  return ntohs(bound.ss_family == AF_INET ? ((struct sockaddr_in*)&bound)->sin_port : ((struct sockaddr_in6*)&bound)->sin6_port);
}

int covet_bind(const char* host, int port, int backlog, int reuseport, int* fd_out, int* port_out) {
  struct sockaddr_storage addr;
  int err = covet_resolve(host, port, &addr);
  if (err != 0) return err;
  int fd = socket(addr.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return uv_translate_sys_error(errno);
  int one = 1;
  /* As libuv's uv_tcp_bind: SO_REUSEADDR (a restarted server binds past TIME_WAIT), dual-stack IPv6. */
  if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) != 0 ||
      (reuseport && setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof one) != 0) ||
      bind(fd, (const struct sockaddr*)&addr, addr.ss_family == AF_INET ? sizeof(struct sockaddr_in) : sizeof(struct sockaddr_in6)) != 0 ||
      listen(fd, backlog) != 0) {
    err = uv_translate_sys_error(errno);
    close(fd);
    return err;
  }
  *fd_out = fd;
  *port_out = covet_bound_port(fd);
  return 0;
}

int covet_listen(const char* host, int port, int backlog, int reuseport, int fd, int* port_out) {
  if (covet_reserve_fd < 0) covet_reserve_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
  struct sockaddr_storage addr;
  int err = fd >= 0 ? 0 : covet_resolve(host, port, &addr);
  if (err != 0) return err;
  uv_tcp_t* tcp = malloc(sizeof *tcp);
  if (tcp == NULL) return UV_ENOMEM;
  if (fd >= 0) {
    /* A socket the supervisor bound and holds (workers.ts): accepting from it, the queue is the
     * supervisor's, and outlives this process. */
    err = uv_tcp_init(S->loop, tcp);
    if (err != 0) {
      free(tcp);
      return err;
    }
    err = uv_tcp_open(tcp, fd);
  } else {
    err = uv_tcp_init_ex(S->loop, tcp, addr.ss_family);
    if (err != 0) {
      free(tcp);
      return err;
    }
    if (reuseport) {
      uv_os_fd_t own;
      int one = 1;
      if (uv_fileno((uv_handle_t*)tcp, &own) == 0) setsockopt(own, SOL_SOCKET, SO_REUSEPORT, &one, sizeof one);
    }
    err = uv_tcp_bind(tcp, (const struct sockaddr*)&addr, 0);
  }
  if (err == 0) err = uv_listen((uv_stream_t*)tcp, backlog, covet_on_connection);
  if (err != 0) {
    uv_close((uv_handle_t*)tcp, covet_on_handle_freed);
    return err;
  }
  struct sockaddr_storage bound;
  int len = sizeof bound;
  uv_tcp_getsockname(tcp, (struct sockaddr*)&bound, &len);
  *port_out = ntohs(bound.ss_family == AF_INET ? ((struct sockaddr_in*)&bound)->sin_port
                                               : ((struct sockaddr_in6*)&bound)->sin6_port);
  S->listener = tcp;
  /* The loop's helpers, made once per process (a failed listen may be retried). */
  if (S->check == NULL) {
    uv_check_t* check = malloc(sizeof *check);
    uv_idle_t* idle = malloc(sizeof *idle);
    if (check == NULL || idle == NULL) {
      free(check);
      free(idle);
      covet_stop();
      return UV_ENOMEM;
    }
    uv_check_init(S->loop, check);
    uv_idle_init(S->loop, idle);
    uv_unref((uv_handle_t*)check);
    uv_unref((uv_handle_t*)idle);
    S->check = check;
    S->idle = idle;
  }
  if (S->timer == NULL) {
    S->timer = malloc(sizeof *S->timer);
    if (S->timer == NULL) {
      covet_stop();
      return UV_ENOMEM;
    }
    uv_timer_init(S->loop, S->timer);
    uint64_t shortest = S->headers_timeout < S->send_timeout ? S->headers_timeout : S->send_timeout;
    uint64_t every = shortest / 4;
    if (every < 50) every = 50;
    if (every > 1000) every = 1000;
    uv_timer_start(S->timer, covet_on_tick, every, every);
    uv_unref((uv_handle_t*)S->timer);
  }
  covet_update_date();
  return 0;
}

uint32_t covet_stop(void) {
  if (S->listener != NULL) {
    uv_close((uv_handle_t*)S->listener, covet_on_handle_freed);
    S->listener = NULL;
  }
  /* Connections at rest and quiet for COVET_STOP_QUIET_MS close now (no drain callback from
   * inside this loop: the caller learns from the count); those at rest but active more recently
   * may have a request on its way: the tick closes them once they are quiet, and a request that
   * comes first is served. Busy ones answer what they owe with `connection: close`, and input
   * behind their answers is not read (a pipelining client sends it again on a new connection); a
   * request partly received is read to its end and answered. */
  S->stopping = 0;
  uint32_t ms = covet_ms();
  for (uint32_t slot = 0; slot < S->nslots; slot++) {
    covet_conn_t* c = covet_conn_at(slot);
    if (!c->used || c->state == COVET_CLOSING) continue;
    if (covet_conn_at_rest(c)) {
      if ((uint32_t)(ms - c->idle_since) >= COVET_STOP_QUIET_MS) covet_conn_close(c);
      continue;
    }
    if (c->next_req_seq == c->next_write_seq && covet_conn_deferred(c) == NULL) continue; /* a request on its way in */
    covet_drop_input(c);
    covet_deferred_trim(c);
    covet_conn_reach(c, COVET_NO_MORE);
  }
  S->stopping = 1;
  /* Looks for connections that went quiet often enough that the drain ends soon after the last. */
  if (S->timer != NULL) uv_timer_start(S->timer, covet_on_tick, COVET_STOP_TICK_MS, COVET_STOP_TICK_MS);
  return S->nconns;
}

void covet_close_all(void) {
  if (S->listener != NULL) {
    uv_close((uv_handle_t*)S->listener, covet_on_handle_freed);
    S->listener = NULL;
  }
  for (uint32_t slot = 0; slot < S->nslots; slot++) {
    covet_conn_t* c = covet_conn_at(slot);
    if (c->used) covet_conn_close(c); /* (a closing one returns at once) */
  }
}

void covet_conn_init(void) {
  S->hooks.expect_continue = covet_write_continue; /* at once, once its head is accepted (as the node engine) */
  S->hooks.close = covet_conn_close;
  S->hooks.may_resume = covet_conn_maybe_resume;
  S->hooks.last_answer = covet_conn_last_answer;
}
