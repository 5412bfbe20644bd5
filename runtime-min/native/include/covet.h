/*
 * covet_runtime: Covet's native HTTP/1.1 engine, an N-API addon on Node's own
 * libuv loop and llhttp (strict mode).
 *
 * Shape (runtime-min/native-engine.ts is the JavaScript side):
 *
 *   - One server per process (module instance data). It owns the listening
 *     uv_tcp_t and every accepted connection.
 *   - Reads go into one shared read buffer (idle connections own no buffer and
 *     no parser). llhttp callbacks copy the parts of a request into the
 *     *staging* ArrayBuffer (url, lower-cased header names, values, body) and
 *     describe them in the *meta* Uint32Array (see COVET_R_* below). A request
 *     still incomplete at the end of a read moves into a per-connection
 *     covet_partial_t (parser + its staged bytes); later reads append to it
 *     there, and it is copied into staging once, when it completes.
 *   - After each read, JavaScript is called once with the requests completed
 *     by that read (a pipelined batch): onBatch(key, count, staging?, meta?).
 *     The staging and meta buffers are valid only during that call. A
 *     connection gets at most COVET_SHARE requests handed out per loop turn;
 *     the rest wait in C (deferred) for the next turns, so that one busy
 *     connection cannot hold the loop while the others wait.
 *   - Responses come back through send(); responses owed on a connection leave
 *     in request order (seq), out-of-order ones are parked. Responses written
 *     during a batch (and the microtasks it runs) are corked into one write.
 *
 * A connection is named to JavaScript by a *key*: slot + generation * 2^24.
 * A key whose connection has closed no longer matches its slot's generation,
 * so a late send() is dropped: JavaScript never holds a pointer.
 *
 * Layers, lowest first. A file calls only functions (and uses only data) defined in the files
 * above it in this list; layers.mjs checks it on the object files (nm), layers.test.ts runs it:
 *
 *   server.c  the state every layer shares (covet_server), made by the binding's init
 *   parse.c   parsing: llhttp callbacks into staging, the head scan, the Host rule
 *   head.c    response heads: status lines, Date, a handler's answer's head, the engine's answers
 *   write.c   output: answers in seq order (parking), corking, writes, shutdown
 *   conn.c    connections: slots, listen, accept, reads fed to the parser, partial and deferred
 *             requests, the turn queue, timers, close
 *   addon.c   the N-API binding, the only file that calls napi_*
 *
 * Where a lower layer must call a higher one (grow the JavaScript-owned staging, hand a batch
 * to JavaScript, a request awaits 100 Continue, a write failed, an answer went out, an answer
 * that closes was given), it calls a hook of covet_server->hooks (covet_hooks_t), which the
 * higher layer sets at init.
 *
 * Every symbol is prefixed covet_. Return codes: 0 is success, a negative
 * number is a libuv error (UV_ENOMEM, UV_EOVERFLOW, …) or one of Covet's own
 * (COVET_ERR_*, below libuv's range); covet_err_name / covet_strerror name both.
 * (llhttp callbacks keep llhttp's convention: nonzero ends the parse.)
 */
#ifndef COVET_H_
#define COVET_H_

#include <node_api.h>
#include <stddef.h>
#include <stdint.h>
#include <uv.h>

#include "llhttp.h"

/* ------------------------------------------------------------ limits */

#define COVET_MAX_HEAD 16384           /* default of covet_server_t.max_head (listen's maxHead): url + header names + values, like node's maxHeaderSize → 431 */
#define COVET_MAX_HEAD_LIMIT (1u << 30) /* the largest max_head listen takes (head_bytes is a uint32_t) */
#define COVET_MAX_URL 8192             /* request target → 414 */
#define COVET_READ_SIZE 65536          /* the shared read buffer */
#define COVET_WRITE_HIGH_WATER 65536   /* unsent bytes past which a connection stops being read */
#define COVET_MAX_OWED 128             /* responses owed past which a connection stops being read */
#define COVET_SHARE 32                 /* requests a connection has handed to JavaScript per loop turn */
#define COVET_TURN_NS 2000000          /* per loop turn, reads and then deferred requests are handed out for (ns) */
#define COVET_KEEP_ALIVE_S 5           /* default: idle keep-alive connections close after this (seconds) */
#define COVET_KEEP_ALIVE_MS (COVET_KEEP_ALIVE_S * 1000) /* default of covet_server_t.keep_alive (listen's keepAliveMs) */
#define COVET_KEEP_ALIVE_MIN_MS 1000   /* the range listen takes: `keep-alive: timeout=` says whole seconds, at least 1 */
#define COVET_KEEP_ALIVE_MAX_MS 3600000 /* (and at most 4 digits of them, which COVET_HEAD_FIXED has room for) */
#define COVET_STOP_QUIET_MS 250      /* stopping: a connection at rest this long closes (earlier, a request may be on its way) */
#define COVET_STOP_TICK_MS 50        /* stopping: how often the tick looks for connections gone quiet */
#define COVET_ENDING_MS 5000           /* a closing connection whose client does not read is cut */
#define COVET_SLOT_BITS 24             /* key = slot + generation << 24 */
#define COVET_SLAB 256                 /* connection records per slab (69,632 bytes) */

#define COVET_STR_(x) #x
#define COVET_STR(x) COVET_STR_(x)

/* ------------------------------------------------------------ result codes */

/* Covet's own results, below every libuv error (those are -1 … -4095). */
#define COVET_ERR_NAPI (-5001)    /* an N-API call failed */
#define COVET_ERR_ENDING (-5002)  /* the connection is ending or closed: the response is dropped */
#define COVET_ERR_NOT_OWED (-5003) /* no answer is owed for that seq (not handed out, or answered) */

/* ------------------------------------------------------------ the meta record of one request */

/* Words of a request record in the meta Uint32Array; header spans follow. */
enum {
  COVET_R_WORDS = 0,    /* words in this record: COVET_R_HEADERS + 4 * nheaders */
  COVET_R_BASE = 1,     /* offset of the request's bytes in staging */
  COVET_R_SIZE = 2,     /* bytes of the request in staging */
  COVET_R_SEQ = 3,      /* the request's number on its connection (echoed by send) */
  COVET_R_FLAGS = 4,    /* llhttp method | COVET_F_* */
  COVET_R_URL_LEN = 5,  /* the url starts at offset 0 (relative to BASE) */
  COVET_R_BODY_OFF = 6, /* relative to BASE */
  COVET_R_BODY_LEN = 7,
  COVET_R_NHEADERS = 8,
  COVET_R_HEADERS = 9 /* then per header: name offset, name length, value offset, value length */
};

/* Flags of a request, echoed back by send() (bits above the 8-bit method). */
#define COVET_F_HEAD 0x100     /* HEAD: headers only */
#define COVET_F_CLOSE 0x200    /* the connection closes after this response */
#define COVET_F_HAS_BODY 0x800 /* Content-Length or Transfer-Encoding was present */

/* What JavaScript reads the records and flags with, exported by the addon as layout() so that
 * runtime-min/native-engine.ts is checked against this file when it loads the addon:
 * X(name in JavaScript, value). */
#define COVET_LAYOUT(X)           \
  X(R_WORDS, COVET_R_WORDS)       \
  X(R_BASE, COVET_R_BASE)         \
  X(R_SIZE, COVET_R_SIZE)         \
  X(R_SEQ, COVET_R_SEQ)           \
  X(R_FLAGS, COVET_R_FLAGS)       \
  X(R_URL_LEN, COVET_R_URL_LEN)   \
  X(R_BODY_OFF, COVET_R_BODY_OFF) \
  X(R_BODY_LEN, COVET_R_BODY_LEN) \
  X(R_NHEADERS, COVET_R_NHEADERS) \
  X(R_HEADERS, COVET_R_HEADERS)   \
  X(F_METHOD, 0xff)               \
  X(F_HEAD, COVET_F_HEAD)         \
  X(F_CLOSE, COVET_F_CLOSE)       \
  X(F_HAS_BODY, COVET_F_HAS_BODY) \
  X(MAX_OWED, COVET_MAX_OWED)

/* ------------------------------------------------------------ engine answers (precomputed table) */

typedef enum {
  COVET_E_BAD_REQUEST = 0,
  COVET_E_NO_HOST,
  COVET_E_TWO_HOSTS,
  COVET_E_BAD_HOST,        /* Host is not uri-host [":" port] (RFC 9112 §3.2) */
  COVET_E_TE_HTTP10,
  COVET_E_TIMEOUT,         /* 408 */
  COVET_E_TOO_LARGE,       /* 413 */
  COVET_E_URI_TOO_LONG,    /* 414 */
  COVET_E_EXPECTATION,     /* 417 */
  COVET_E_HEADERS_TOO_BIG, /* 431 */
  COVET_E_UNAVAILABLE,     /* 503: unfinished bodies hold too much memory (covet_server_t.max_body_memory) */
  COVET_E_VERSION,         /* 505 */
  COVET_E_COUNT
} covet_error_t;

/* ------------------------------------------------------------ structs */

typedef struct covet_conn_s covet_conn_t;

/* A response that may not leave yet (an earlier one is still owed). */
typedef struct covet_parked_s {
  struct covet_parked_s* next;
  uint32_t seq;
  int close; /* the connection ends after it */
  int interim; /* a 100 Continue: written in seq's place, the final answer to seq follows it */
  size_t len;
  char data[];
} covet_parked_t;

/* Progress of the request being parsed. */
typedef struct {
  uint32_t rec;        /* its record's offset in meta (words) */
  uint32_t base;       /* its first byte in staging */
  uint32_t head_bytes; /* url + names + values so far */
  uint32_t nheaders;
  uint32_t url_len;
  uint32_t body_off;
  uint32_t body_len;
  uint32_t host_off; /* the (last) Host value, relative to base */
  uint32_t host_len;
  uint32_t total;    /* staged bytes once complete, when Content-Length says (0: not known) */
  uint32_t head_headers; /* headers in the header section; those after it are trailer fields */
  uint8_t started;   /* a request line has begun */
  uint8_t in_head;   /* before the end of its header section */
  uint8_t in_trailer; /* after the last chunk, before the end of the trailer section */
  uint8_t in_field;  /* inside a header name */
  uint8_t in_value;  /* inside a header value */
  uint8_t hosts;     /* Host headers seen */
  uint8_t expect;    /* 0 none, 1 100-continue, 2 another expectation */
  uint8_t has_body;  /* Content-Length or Transfer-Encoding present */
  uint8_t has_te;    /* Transfer-Encoding present */
  uint8_t has_cl;    /* Content-Length present */
  char last_byte;    /* the last two bytes of the previous read (the head scan's look-behind) */
  char last_byte2;
  int error;         /* a covet_error_t set by a callback, or -1 */
  uint64_t head_start; /* loop ms when its head began, 0 once the head is complete */
  uint64_t req_start;  /* loop ms when it began, 0 once complete */
} covet_msg_t;

/* The parse of one read (or of kept input) on one connection: on covet_feed's stack, in
 * llhttp_t.data while llhttp runs, and in the connection's `parsing` meanwhile (so that closing
 * it mid-parse detaches its partial from the parse). */
typedef struct covet_parse_s {
  covet_conn_t* conn;
  covet_msg_t* msg;                /* the message being parsed */
  struct covet_partial_s* into;    /* where it is staged when it began in an earlier read (its
                                    * partial's buffers); NULL: in staging and meta */
  uint32_t completed;              /* requests completed by this read */
  const char* read_start;          /* the bytes being parsed */
  const char* read_end;
  const char* head_from;           /* the current head's (or trailer section's) bytes not yet
                                    * scanned, in this read; NULL: none */
} covet_parse_t;

/* A request that straddles reads: its parser, and its bytes and record staged so far in buffers
 * of its own. Later reads append to them (capacity grows by half, never past msg.total:
 * amortised O(1) per byte received); the request is copied into staging once, when it
 * completes. A partial with body bytes is on the server's list of unfinished bodies. */
typedef struct covet_partial_s {
  llhttp_t parser;
  covet_msg_t msg; /* msg.last_byte, last_byte2: the last two bytes of the previous read */
  covet_conn_t* conn;
  char* data; /* staged bytes (msg.base is 0 here) */
  uint32_t data_len;
  uint32_t data_cap;
  uint32_t* meta; /* its record so far (msg.rec is 0 here) */
  uint32_t meta_len;
  uint32_t meta_cap;
  uint32_t counted; /* body bytes counted in covet_server_t.body_bytes */
  struct covet_partial_s* older; /* the list of unfinished bodies, by when the body began */
  struct covet_partial_s* newer;
} covet_partial_t;

/* What a connection has received and not handed to JavaScript yet, oldest first:
 *   - parsed requests not handed out: its answers backed up mid-share, or a read came after
 *     this turn's time for reads of more than a share was spent. Their staged bytes and records,
 *     as in staging and meta, rebased to 0 (`rec`: the first not handed out);
 *   - input not parsed yet: a read held more than its share (COVET_SHARE requests), and the
 *     parser paused there; `parser` goes on from `input + input_at`.
 * While the connection may be given more (it is not backed up) it waits in the turn queue. The
 * connection is not read until all of this has been handed out. */
typedef struct covet_deferred_s {
  struct covet_deferred_s* prev; /* the turn queue (S->turn_head … S->turn_tail) */
  struct covet_deferred_s* next;
  covet_conn_t* conn;
  char* data;
  uint32_t data_len;
  uint32_t* meta;
  uint32_t meta_len;
  uint32_t count; /* parsed requests not handed out yet */
  uint32_t rec;   /* the first of them: its record's offset in meta (words) */
  char* input;    /* NULL when everything received is parsed */
  uint32_t input_len;
  uint32_t input_at;
  llhttp_t parser;
  uint32_t turn; /* the loop turn in which the connection last had its share */
  uint8_t in_queue;
} covet_deferred_t;

/* What a connection holds only while it is busy: a request straddling reads, answers parked or in
 * libuv's write queue, requests not handed out yet. In its tcp.data, NULL while it is idle
 * (covet_busy_get makes it, covet_busy_trim gives it back once it is empty again), so that an idle
 * keep-alive connection costs its record alone. */
typedef struct {
  covet_partial_t* partial;   /* NULL when no request is part-received */
  covet_parked_t* parked;     /* sorted by seq */
  covet_deferred_t* deferred; /* requests not handed to JavaScript yet, or NULL */
  size_t parked_bytes;        /* bytes in parked */
  size_t queued;              /* bytes handed to uv_write and not yet written */
  size_t write_seen;          /* libuv's write queue size at the last tick */
  uint64_t write_since;       /* loop ms of the last write progress (or when nothing was unsent) */
} covet_busy_t;

/* A connection's record: what an idle keep-alive connection needs, and nothing else (272 bytes,
 * 248 of them libuv's). Records live in slabs of COVET_SLAB (covet_conn_at), never move, and
 * are reused once libuv has closed their handle; the slot is the record's index. */
struct covet_conn_s {
  uv_tcp_t tcp; /* first: (covet_conn_t*)handle works both ways; tcp.data is its covet_busy_t */
  uint64_t slot : COVET_SLOT_BITS;
  uint64_t gen : 28; /* moves on when it closes: a key names slot + gen */
  uint64_t used : 1; /* the record holds a connection (until libuv's close callback) */
  uint32_t idle_since;     /* loop ms (its low 32 bits) of the last activity; when unused, the next free slot */
  uint32_t next_req_seq;   /* seq of the next request (or engine answer) */
  uint32_t next_write_seq; /* seq of the next response to write */
  uint8_t state;           /* a covet_state_t (bytes of their own, not bits: read on every request) */
  uint8_t reading;         /* uv_read_start is on (in any state before COVET_CLOSING) */
};

/* Where a connection's life is at. It only moves forward (covet_conn_reach), so each state
 * implies the ones before it; only COVET_CLOSING is reached from any of them (an error, a
 * timeout, the client's reset). */
typedef enum {
  COVET_OPEN = 0, /* requests are read, parsed and handed out */
  COVET_NO_MORE,  /* no further request is read (one asked to close, a parse error, stop()); what
                   * is owed is still answered, with `connection: close`. Requests read before
                   * and not handed out yet (deferred) still go to JavaScript. */
  COVET_LAST,     /* an answer that closes the connection was given (it may wait for earlier
                   * ones): no request after it reaches JavaScript, what was not handed out yet
                   * is dropped (covet_conn_last_answer) */
  COVET_ENDING,   /* the last response is out: the connection shuts down once it is written */
  COVET_SHUTDOWN, /* uv_shutdown started: lingering, what the client still sends is read and
                   * dropped until its end, or COVET_ENDING_MS */
  COVET_CLOSING   /* uv_close started: the slot is free and the key names nothing */
} covet_state_t;

static inline void covet_conn_reach(covet_conn_t* c, covet_state_t s) {
  if (c->state < s) c->state = (uint8_t)s;
}

/* Growable byte buffer. */
typedef struct {
  char* data;
  size_t len;
  size_t cap;
} covet_buf_t;

/* Calls up the layers (see the top of this file): set once at init, never NULL afterwards. */
typedef struct {
  /* Set by the binding (addon.c's init). */
  int (*grow_staging)(size_t need); /* parse: staging must hold `need` bytes; 0 or COVET_ERR_NAPI */
  int (*grow_meta)(size_t need);    /* parse: meta must hold `need` words; 0 or COVET_ERR_NAPI */
  /* conn: hands the first `count` records of meta to JavaScript (count <= COVET_SHARE) in one
   * call; returns how many were handed out: fewer than `count` when the connection's answers
   * backed up (covet_conn_full) or too many are owed, none when no handle scope could be opened
   * (the caller defers the rest). Each hook that makes JavaScript values opens its own scope. */
  uint32_t (*js_batch)(covet_conn_t* conn, uint32_t count);
  void (*js_closed)(double key); /* conn: a connection with answers still owed has closed */
  /* output: the engine answers `err` on its own (covet_respond_error), the connection still open;
   * tells the answer observation (runtime-min/observe.ts). Calls no JS that could answer. */
  void (*js_refused)(covet_conn_t* conn, covet_error_t err);
  void (*js_drained)(void);      /* conn: a stopping server has no connection left */
  /* Set by the connections (covet_conn_init). */
  void (*expect_continue)(covet_conn_t* conn); /* parse: the request being parsed awaits 100 Continue */
  void (*close)(covet_conn_t* conn);       /* output: a write or shutdown failed (or memory ran out) */
  void (*may_resume)(covet_conn_t* conn);  /* output: answers went out; it may be read again */
  void (*last_answer)(covet_conn_t* conn); /* output: an answer that closes it was given */
} covet_hooks_t;

enum { COVET_CLOCK_BATCH = 0, COVET_CLOCK_SENT = 1, COVET_CLOCK_BYTES = 2, COVET_CLOCK_ON = 3, COVET_CLOCK_SLOTS = 4 };

typedef struct {
  covet_hooks_t hooks;
  napi_env env;
  uv_loop_t* loop;
  uv_tcp_t* listener; /* NULL when not listening (closed handles are nulled) */
  uv_timer_t* timer;
  napi_ref on_batch;
  napi_ref on_close;
  napi_ref on_refused; /* init's third function: told of the engine's own answers */
  napi_ref on_drained; /* set by stop(): called once every connection has closed */
  napi_async_context actx;
  /* Staging and meta: JS ArrayBuffers, replaced when they must grow. */
  napi_ref staging_ref;
  char* staging;
  size_t staging_cap;
  size_t staging_len;
  napi_ref meta_ref;
  uint32_t* meta;
  /* control[0]: set by C during a batch when the connection's unsent answers pass the
   * high-water mark; JavaScript then stops handing out the batch's requests. */
  napi_ref control_ref;
  int32_t* control;
  /* The answer observation's clock (runtime-min/observe.ts), a Float64Array of COVET_CLOCK_SLOTS:
   * while JavaScript sets [COVET_CLOCK_ON] to 1, C writes uv_hrtime() (ns) into [COVET_CLOCK_BATCH]
   * before each batch and into [COVET_CLOCK_SENT] after each send, with the body's bytes in
   * [COVET_CLOCK_BYTES]; JavaScript reads them instead of a clock of its own (cheaper). */
  napi_ref clock_ref;
  double* clock;
  /* Deferred requests are handed out one share per connection per loop turn, in the order the
   * connections queued: `check` runs after each poll while there is something to hand out (and
   * counts the turns), `idle` keeps the poll from blocking meanwhile (an answer written at once
   * leaves libuv nothing to report). */
  uv_check_t* check;
  uv_idle_t* idle;
  covet_deferred_t* turn_head;
  covet_deferred_t* turn_tail;
  uint32_t turn_len;
  uint32_t turn;    /* loop turns, counted by the check */
  uint64_t read_ns; /* time this turn's reads with more than a share spent in JavaScript */
  size_t meta_cap; /* words */
  size_t meta_len;
  int buffers_changed;
  /* Connections: records in slabs of COVET_SLAB (covet_conn_at); free ones are chained through
   * idle_since from free_slot. */
  covet_conn_t** slabs;
  uint32_t nslots;    /* records in the slabs */
  uint32_t free_slot; /* UINT32_MAX: none */
  uint32_t nconns;    /* open (used and not closing) */
  covet_parse_t* parsing; /* the parse in progress (on parsing->conn), or NULL */
  /* Unfinished request bodies (partials with body bytes), oldest first, and their body bytes
   * together: past max_body_memory, the oldest is answered 503 and its connection closed. */
  covet_partial_t* bodies_oldest;
  covet_partial_t* bodies_newest;
  uint64_t body_bytes;
  /* Options. */
  uint64_t max_body;
  uint64_t max_body_memory;
  uint64_t headers_timeout;
  uint64_t request_timeout;
  uint64_t send_timeout; /* ms without write progress after which a connection with unsent answers is closed */
  uint32_t max_head;     /* bytes of a request head (url, header names and values) past which it is answered 431 */
  uint64_t keep_alive;   /* ms an idle keep-alive connection is kept (covet_head_keep_alive sets it) */
  char keep_alive_head[64]; /* the connection and keep-alive headers and the blank line, said with it */
  uint32_t keep_alive_head_len;
  int stopping;
  /* Writes. */
  covet_conn_t* cork_conn; /* the connection whose batch is running: its writes are corked */
  covet_buf_t cork;
  covet_buf_t scratch;
  /* The date header, formatted once a second. */
  char date[40];
  uint64_t date_until; /* loop ms */
  char read_buf[COVET_READ_SIZE];
  int read_busy;
  /* The parser and message of connections without a partial request (one read at a time). */
  llhttp_t parser;
  covet_msg_t msg;
} covet_server_t;

/* ------------------------------------------------------------ server.c: the shared state */

extern covet_server_t* covet_server;

/* The record of a slot (< covet_server->nslots). */
static inline covet_conn_t* covet_conn_at(uint32_t slot) {
  return &covet_server->slabs[slot / COVET_SLAB][slot % COVET_SLAB];
}
/* An open connection's busy state, NULL while it is idle. */
static inline covet_busy_t* covet_busy(const covet_conn_t* c) {
  return (covet_busy_t*)c->tcp.data;
}
static inline covet_partial_t* covet_conn_partial(const covet_conn_t* c) {
  return c->tcp.data != NULL ? covet_busy(c)->partial : NULL;
}
static inline covet_deferred_t* covet_conn_deferred(const covet_conn_t* c) {
  return c->tcp.data != NULL ? covet_busy(c)->deferred : NULL;
}
static inline size_t covet_conn_queued(const covet_conn_t* c) {
  return c->tcp.data != NULL ? covet_busy(c)->queued : 0;
}
/* The loop's ms as idle_since keeps them (elapsed: (uint32_t)(covet_ms() - since), < 49 days). */
static inline uint32_t covet_ms(void) {
  return (uint32_t)uv_now(covet_server->loop);
}
/* The connection's busy state, made (empty) when it has none; NULL when memory ran out. */
covet_busy_t* covet_busy_get(covet_conn_t* c);
/* Gives the busy state back once it holds nothing (no partial, parked answer, deferred request
 * or queued byte). */
void covet_busy_trim(covet_conn_t* c);

/* ------------------------------------------------------------ parse.c: llhttp callbacks into staging */

/* llhttp's settings with Covet's callbacks (made on first use); llhttp_t.data is a covet_parse_t. */
const llhttp_settings_t* covet_parse_settings(void);
/* Scans what this read holds of the current head or trailer section (RFC 9112 §2.2, §5.2): 1 when
 * its empty line was reached, 0 when the bytes end inside it, -1 on a bare LF or obs-fold. */
int covet_scan_head_part(covet_parse_t* x, const char* end);
/* Grows a partial's buffer of `*cap` elements of `elem` bytes to hold `need`, by half at least
 * and not past `limit` (0: none) when that is enough; returns 0, UV_EOVERFLOW or UV_ENOMEM. */
int covet_partial_grow(void** data, uint32_t* cap, size_t elem, uint64_t need, uint64_t limit);
/* Counts `n` more body bytes held by a partial (on the server's list of unfinished bodies). */
void covet_count_body(covet_partial_t* pa, uint32_t n);
/* Gives a partial's buffers back and takes its body off the list. */
void covet_partial_release(covet_partial_t* pa);
/* Puts saved bytes and records (rebased to 0) at the start of staging and meta; returns 0 or
 * COVET_ERR_NAPI. */
int covet_restore_staged(const char* data, uint32_t data_len, const uint32_t* meta, uint32_t meta_len);

/* ------------------------------------------------------------ head.c: response heads */

/* Refreshes the Date header text when its second has passed. */
void covet_update_date(void);
/* Sets how long idle keep-alive connections are kept (covet_server_t.keep_alive), clamped to
 * COVET_KEEP_ALIVE_MIN_MS … COVET_KEEP_ALIVE_MAX_MS, and the `keep-alive: timeout=` (whole
 * seconds, as node:http says it) that answers then carry. */
void covet_head_keep_alive(uint64_t ms);
/* Bytes of a handler's answer's head besides its prepared headers, at most (status line, server,
 * date, content-length, connection, keep-alive). */
#define COVET_HEAD_FIXED 224
/* Writes a handler's answer's head at `w` (room: COVET_HEAD_FIXED + headers_len): status line,
 * server and date, the prepared headers, content-length (unless body_len < 0: 204, 304) and the
 * connection header; returns its end. The date is the one covet_update_date made last. */
char* covet_head_put(char* w, int status, const char* headers, size_t headers_len, int64_t body_len, int close);
/* The engine's answer `err` (precomputed on first use) as three buffers: head, date, blank line
 * and body (`head`: without the body). Returns 0 or UV_ENOMEM. */
int covet_head_error(covet_error_t err, int head, uv_buf_t out[3]);

/* ------------------------------------------------------------ write.c: output */

/* Grows a buffer to hold `extra` more bytes; returns 0 or UV_ENOMEM. */
int covet_buf_reserve(covet_buf_t* b, size_t extra);
/* True when the connection's unsent answers (queued, parked, and corked during its batch)
 * are past COVET_WRITE_HIGH_WATER: no more of its requests go to JavaScript for now. */
int covet_conn_full(const covet_conn_t* conn);
/* Writes bytes in order (corked during the connection's batch); returns 0 or a libuv error. */
int covet_conn_write(covet_conn_t* conn, const uv_buf_t* bufs, unsigned nbufs);
/* Answers request `seq`: status, prepared header block, body (NULL for none).
 * Returns 0, or when the response was dropped COVET_ERR_ENDING (the connection is
 * ending), COVET_ERR_NOT_OWED (`seq` was not handed out or already answered) or
 * UV_ENOMEM (the connection is closed). HEAD and 204/304 send no body. An answer that closes
 * the connection calls the last_answer hook as soon as it is given. */
int covet_respond(covet_conn_t* conn, uint32_t seq, uint32_t flags, int status, const char* headers,
                  size_t headers_len, const char* body, size_t body_len);
/* Queues an engine answer (table) with the next seq; the connection closes after it.
 * `head`: it refuses a HEAD request whose head was parsed, and goes without its body (what
 * node:http's ServerResponse does). Parse errors (COVET_E_BAD_REQUEST, 431, 408) keep the
 * body, as the node engine writes those on the raw socket. */
void covet_respond_error(covet_conn_t* conn, covet_error_t err, int head);
/* Writes `HTTP/1.1 100 Continue` for the request being parsed (seq `next_req_seq`): now when
 * nothing is owed before it, else parked until the answers before it are out. */
void covet_write_continue(covet_conn_t* conn);
/* Flushes the cork buffer of the current batch. */
void covet_uncork(void);
/* Starts the shutdown of an ending connection once nothing more is owed. */
void covet_conn_end_if_done(covet_conn_t* conn);
void covet_free_parked(covet_conn_t* conn);

/* ------------------------------------------------------------ conn.c: connections */

/* Sets the hooks of the layers below that the connections answer (expect_continue, close,
 * may_resume, last_answer). */
void covet_conn_init(void);
/* Binds and listens on host:port (IPv4 or IPv6 literal, or a name resolved
 * synchronously), or, with fd >= 0, accepts from that listening socket (host, port and
 * reuseport unused). Returns 0 and the bound port in *port_out, or a libuv error. */
int covet_listen(const char* host, int port, int backlog, int reuseport, int fd, int* port_out);
/* A listening socket on host:port that no loop watches (the supervisor's, handed to its
 * workers): 0 with its descriptor in *fd_out and the bound port in *port_out, or a libuv error. */
int covet_bind(const char* host, int port, int backlog, int reuseport, int* fd_out, int* port_out);
/* Stops accepting and closes connections at rest and quiet for COVET_STOP_QUIET_MS (the
 * tick closes the others at rest once they are); later responses say `connection: close`.
 * Returns the number of connections still open. */
uint32_t covet_stop(void);
/* Closes every connection now (the shutdown deadline). */
void covet_close_all(void);
/* The connection a key names, or NULL when it has closed. */
covet_conn_t* covet_conn_from_key(double key);
double covet_conn_key(const covet_conn_t* conn);
/* Ends a connection now; pending handlers are told through onClose. */
void covet_conn_close(covet_conn_t* conn);
/* An answer after which the connection closes was given (it may wait for earlier ones): what
 * it has not handed to JavaScript (deferred requests and input) is dropped, never to be served;
 * a request still arriving is not read further (COVET_LAST is past COVET_NO_MORE). */
void covet_conn_last_answer(covet_conn_t* conn);
/* Resumes reading when the connection is below its write and owed limits and has no
 * deferred requests; with deferred requests and below those limits, queues it for its next
 * share instead. */
void covet_conn_maybe_resume(covet_conn_t* conn);

/* ------------------------------------------------------------ addon.c: the N-API binding */

/* The name and text of a result code: libuv's, or Covet's own. */
const char* covet_err_name(int err);
const char* covet_strerror(int err);

#endif /* COVET_H_ */
