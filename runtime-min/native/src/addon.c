/* The N-API binding, the only file that calls napi_*: init, listen, bind, send, sendWith, stop, closeAll, peer, stats,
 * methods, layout; the calls into JavaScript and the JavaScript-owned buffers they need. */
#include <stdlib.h>
#include <string.h>

#include "covet.h"

#define S covet_server

static napi_ref covet_on_drained_once;
static covet_buf_t covet_body; /* a string body as UTF-8 */
static covet_buf_t covet_extra; /* sendWith's headers and extra lines together */

#define COVET_CHECK(call)                                                  \
  do {                                                                     \
    if ((call) != napi_ok) {                                               \
      napi_throw_error(env, "ECOVET", "covet: internal N-API call failed"); \
      return NULL;                                                         \
    }                                                                      \
  } while (0)

/* Covet's own results must not be read as libuv's. */
_Static_assert(COVET_ERR_NAPI < UV_ERRNO_MAX && COVET_ERR_ENDING < UV_ERRNO_MAX && COVET_ERR_NOT_OWED < UV_ERRNO_MAX,
               "COVET_ERR_* overlap libuv's error codes");

const char* covet_err_name(int err) {
  switch (err) {
    case COVET_ERR_NAPI: return "ECOVET_NAPI";
    case COVET_ERR_ENDING: return "ECOVET_ENDING";
    case COVET_ERR_NOT_OWED: return "ECOVET_NOT_OWED";
    default: return uv_err_name(err);
  }
}

const char* covet_strerror(int err) {
  switch (err) {
    case COVET_ERR_NAPI: return "an N-API call failed";
    case COVET_ERR_ENDING: return "the connection is ending";
    case COVET_ERR_NOT_OWED: return "no answer is owed for that request";
    default: return uv_strerror(err);
  }
}

static napi_value covet_throw_uv(napi_env env, int err) {
  napi_throw_error(env, covet_err_name(err), covet_strerror(err));
  return NULL;
}

static int covet_require_init(napi_env env) {
  if (S == NULL || S->on_batch == NULL) {
    napi_throw_error(env, "ECOVET", "covet: the native engine was not initialised (call init() first)");
    return 0;
  }
  return 1;
}

/* ------------------------------------------------------------ growing the shared buffers */

/* An ArrayBuffer held by `*ref` (in a handle scope of its own: growing is called from the parse,
 * outside any JavaScript call). */
static int covet_new_arraybuffer(size_t bytes, void** data, napi_ref* ref) {
  napi_handle_scope scope;
  if (napi_open_handle_scope(S->env, &scope) != napi_ok) return COVET_ERR_NAPI;
  napi_value ab;
  int err = COVET_ERR_NAPI;
  if (napi_create_arraybuffer(S->env, bytes, data, &ab) == napi_ok) {
    if (*ref != NULL) napi_delete_reference(S->env, *ref);
    if (napi_create_reference(S->env, ab, 1, ref) == napi_ok) err = 0;
  }
  napi_close_handle_scope(S->env, scope);
  return err;
}

/* The grow_staging and grow_meta hooks (covet.h): staging and meta are JavaScript ArrayBuffers. */

static int covet_grow_staging(size_t need) {
  size_t cap = S->staging_cap * 2;
  while (cap < need) cap *= 2;
  void* data;
  napi_ref old = S->staging_ref;
  char* old_data = S->staging;
  napi_ref ref = NULL;
  if (covet_new_arraybuffer(cap, &data, &ref) != 0) return COVET_ERR_NAPI;
  memcpy(data, old_data, S->staging_len);
  napi_delete_reference(S->env, old);
  S->staging_ref = ref;
  S->staging = data;
  S->staging_cap = cap;
  S->buffers_changed = 1;
  return 0;
}

static int covet_grow_meta(size_t need) {
  size_t cap = S->meta_cap * 2;
  while (cap < need) cap *= 2;
  void* data;
  napi_ref old = S->meta_ref;
  uint32_t* old_data = S->meta;
  napi_ref ref = NULL;
  if (covet_new_arraybuffer(cap * sizeof(uint32_t), &data, &ref) != 0) return COVET_ERR_NAPI;
  memcpy(data, old_data, S->meta_len * sizeof(uint32_t));
  napi_delete_reference(S->env, old);
  S->meta_ref = ref;
  S->meta = data;
  S->meta_cap = cap;
  S->buffers_changed = 1;
  return 0;
}

/* ------------------------------------------------------------ calls into JavaScript */

/* The js_* hooks (covet.h), through which the connections call JavaScript; called from libuv's
 * callbacks, each opens a handle scope for the values it makes. */

/* Calls a JS callback through node's MakeCallback (microtasks run when it returns). When
 * `result` is not NULL, the callback's return value is stored there if it is a uint32 (left
 * as is otherwise, or when the callback threw). */
static void covet_call(napi_ref ref, size_t argc, napi_value* argv, uint32_t* result) {
  napi_env env = S->env;
  napi_value fn, recv, value = NULL;
  if (napi_get_reference_value(env, ref, &fn) != napi_ok || fn == NULL) return;
  napi_get_global(env, &recv); /* napi_make_callback needs an object as `this` */
  napi_status st = napi_make_callback(env, S->actx, recv, fn, argc, argv, result != NULL ? &value : NULL);
  if (st == napi_pending_exception) {
    napi_value err;
    napi_get_and_clear_last_exception(env, &err);
    napi_fatal_exception(env, err);
    return;
  }
  if (result != NULL && st == napi_ok && value != NULL) napi_get_value_uint32(env, value, result);
}

/* onBatch's staging and meta arguments: the ArrayBuffers when they were replaced (grown) since
 * the last call, undefined otherwise. */
static void covet_buffer_args(napi_value* out) {
  napi_env env = S->env;
  if (S->buffers_changed) {
    napi_get_reference_value(env, S->staging_ref, &out[0]);
    napi_get_reference_value(env, S->meta_ref, &out[1]);
    S->buffers_changed = 0;
  } else {
    napi_get_undefined(env, &out[0]);
    out[1] = out[0];
  }
}

/* onBatch(key, count, staging?, meta?) once per read; it returns how many requests it handed
 * out (it stops early when control[0] is set or too many are owed). The one boundary: a call
 * per request (spans, or every part made a JS value by C) lost to it, README.md says by how much. */
static uint32_t covet_js_batch(covet_conn_t* c, uint32_t count) {
  napi_env env = S->env;
  napi_handle_scope scope;
  if (napi_open_handle_scope(env, &scope) != napi_ok) return 0; /* none handed out: deferred */
  napi_value argv[4];
  napi_create_double(env, covet_conn_key(c), &argv[0]);
  napi_create_uint32(env, count, &argv[1]);
  covet_buffer_args(&argv[2]);
  uint32_t taken = count;
  if (S->clock[COVET_CLOCK_ON] != 0) S->clock[COVET_CLOCK_BATCH] = (double)uv_hrtime();
  covet_call(S->on_batch, 4, argv, count > 1 ? &taken : NULL); /* a lone request is always taken */
  napi_close_handle_scope(env, scope);
  return taken == 0 || taken > count ? count : taken;
}

static void covet_js_closed(double key) {
  napi_env env = S->env;
  napi_handle_scope scope;
  if (napi_open_handle_scope(env, &scope) != napi_ok) return;
  napi_value argv[1];
  napi_create_double(env, key, &argv[0]);
  covet_call(S->on_close, 1, argv, NULL);
  napi_close_handle_scope(env, scope);
}

/* onRefused(key, error): called with napi_call_function, not through MakeCallback, so that no
 * microtask (an async handler's answer) runs in the middle of a parse; the listener is synchronous. */
static void covet_js_refused(covet_conn_t* c, covet_error_t err) {
  napi_env env = S->env;
  napi_handle_scope scope;
  if (napi_open_handle_scope(env, &scope) != napi_ok) return;
  napi_value fn, recv, argv[2];
  if (napi_get_reference_value(env, S->on_refused, &fn) == napi_ok && fn != NULL) {
    napi_create_double(env, covet_conn_key(c), &argv[0]);
    napi_create_uint32(env, (uint32_t)err, &argv[1]);
    napi_get_global(env, &recv);
    if (napi_call_function(env, recv, fn, 2, argv, NULL) == napi_pending_exception) {
      napi_value e;
      napi_get_and_clear_last_exception(env, &e);
      napi_fatal_exception(env, e);
    }
  }
  napi_close_handle_scope(env, scope);
}

static void covet_js_drained(void) {
  if (covet_on_drained_once == NULL) return;
  napi_env env = S->env;
  napi_ref ref = covet_on_drained_once;
  covet_on_drained_once = NULL;
  napi_handle_scope scope;
  if (napi_open_handle_scope(env, &scope) != napi_ok) return;
  covet_call(ref, 0, NULL, NULL);
  napi_delete_reference(env, ref);
  napi_close_handle_scope(env, scope);
}

/* ------------------------------------------------------------ exported functions */

/* init(onBatch, onClose, onRefused) → [staging, meta, control, clock] (ArrayBuffers) */
static napi_value covet_init_js(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value argv[3];
  COVET_CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  napi_valuetype t0, t1, t2;
  if (argc < 3 || napi_typeof(env, argv[0], &t0) != napi_ok || napi_typeof(env, argv[1], &t1) != napi_ok ||
      napi_typeof(env, argv[2], &t2) != napi_ok || t0 != napi_function || t1 != napi_function || t2 != napi_function) {
    napi_throw_type_error(env, NULL, "covet: init(onBatch, onClose, onRefused) takes three functions");
    return NULL;
  }
  if (S != NULL && S->on_batch != NULL) {
    napi_throw_error(env, "ECOVET", "covet: the native engine is already initialised in this process");
    return NULL;
  }
  if (S == NULL) {
    S = calloc(1, sizeof *S);
    if (S == NULL) return covet_throw_uv(env, UV_ENOMEM);
    S->free_slot = UINT32_MAX;
    S->max_head = COVET_MAX_HEAD;
    covet_head_keep_alive(COVET_KEEP_ALIVE_MS);
  }
  /* The hooks the layers below call this one and the connections with (covet.h). */
  S->hooks.grow_staging = covet_grow_staging;
  S->hooks.grow_meta = covet_grow_meta;
  S->hooks.js_batch = covet_js_batch;
  S->hooks.js_closed = covet_js_closed;
  S->hooks.js_refused = covet_js_refused;
  S->hooks.js_drained = covet_js_drained;
  covet_conn_init();
  S->env = env;
  COVET_CHECK(napi_get_uv_event_loop(env, &S->loop));
  COVET_CHECK(napi_create_reference(env, argv[0], 1, &S->on_batch));
  COVET_CHECK(napi_create_reference(env, argv[1], 1, &S->on_close));
  COVET_CHECK(napi_create_reference(env, argv[2], 1, &S->on_refused));
  napi_value resource, name;
  COVET_CHECK(napi_create_object(env, &resource));
  COVET_CHECK(napi_create_string_utf8(env, "covet:http", NAPI_AUTO_LENGTH, &name));
  COVET_CHECK(napi_async_init(env, resource, name, &S->actx));
  void* data;
  S->staging_cap = 65536;
  S->meta_cap = 8192;
  if (covet_new_arraybuffer(S->staging_cap, &data, &S->staging_ref) != 0) return covet_throw_uv(env, UV_ENOMEM);
  S->staging = data;
  if (covet_new_arraybuffer(S->meta_cap * sizeof(uint32_t), &data, &S->meta_ref) != 0)
    return covet_throw_uv(env, UV_ENOMEM);
  S->meta = data;
  if (covet_new_arraybuffer(sizeof(int32_t), &data, &S->control_ref) != 0) return covet_throw_uv(env, UV_ENOMEM);
  S->control = data;
  if (covet_new_arraybuffer(COVET_CLOCK_SLOTS * sizeof(double), &data, &S->clock_ref) != 0) return covet_throw_uv(env, UV_ENOMEM);
  S->clock = data;
  memset(S->clock, 0, COVET_CLOCK_SLOTS * sizeof(double));
  napi_value result, staging, meta, control, clock;
  COVET_CHECK(napi_create_array_with_length(env, 4, &result));
  COVET_CHECK(napi_get_reference_value(env, S->clock_ref, &clock));
  COVET_CHECK(napi_get_reference_value(env, S->staging_ref, &staging));
  COVET_CHECK(napi_get_reference_value(env, S->meta_ref, &meta));
  COVET_CHECK(napi_get_reference_value(env, S->control_ref, &control));
  COVET_CHECK(napi_set_element(env, result, 0, staging));
  COVET_CHECK(napi_set_element(env, result, 1, meta));
  COVET_CHECK(napi_set_element(env, result, 2, control));
  COVET_CHECK(napi_set_element(env, result, 3, clock));
  return result;
}

/* listen(host, port, maxBody, headersTimeoutMs, requestTimeoutMs, reusePort, maxBodyMemory, sendTimeoutMs, maxHead, keepAliveMs, fd)
 * → bound port. fd: a listening socket to accept from (bind's, inherited from the supervisor), or -1 to bind host:port. */
static napi_value covet_listen_js(napi_env env, napi_callback_info info) {
  if (!covet_require_init(env)) return NULL;
  size_t argc = 11;
  napi_value argv[11];
  COVET_CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  char host[256];
  size_t host_len;
  int32_t port;
  double max_body, headers_timeout, request_timeout, max_body_memory, send_timeout, max_head, keep_alive;
  bool reuse = false;
  int32_t fd = -1;
  if (argc < 11 || napi_get_value_string_utf8(env, argv[0], host, sizeof host, &host_len) != napi_ok ||
      napi_get_value_int32(env, argv[1], &port) != napi_ok ||
      napi_get_value_double(env, argv[2], &max_body) != napi_ok ||
      napi_get_value_double(env, argv[3], &headers_timeout) != napi_ok ||
      napi_get_value_double(env, argv[4], &request_timeout) != napi_ok ||
      napi_get_value_bool(env, argv[5], &reuse) != napi_ok ||
      napi_get_value_double(env, argv[6], &max_body_memory) != napi_ok ||
      napi_get_value_double(env, argv[7], &send_timeout) != napi_ok ||
      napi_get_value_double(env, argv[8], &max_head) != napi_ok ||
      napi_get_value_double(env, argv[9], &keep_alive) != napi_ok ||
      napi_get_value_int32(env, argv[10], &fd) != napi_ok) {
    napi_throw_type_error(env, NULL,
                          "covet: listen(host, port, maxBody, headersTimeoutMs, requestTimeoutMs, reusePort, maxBodyMemory, "
                          "sendTimeoutMs, maxHead, keepAliveMs, fd)");
    return NULL;
  }
  if (S->listener != NULL) {
    napi_throw_error(env, "ECOVET", "covet: the native engine is already listening");
    return NULL;
  }
  S->max_body = max_body < 0 ? 0 : (uint64_t)max_body;
  S->max_body_memory = max_body_memory < 0 ? 0 : max_body_memory >= 1.8e19 ? UINT64_MAX : (uint64_t)max_body_memory;
  S->headers_timeout = headers_timeout < 1 ? 1 : (uint64_t)headers_timeout;
  S->request_timeout = request_timeout < 1 ? 1 : (uint64_t)request_timeout;
  S->send_timeout = send_timeout < 1 ? 1 : send_timeout > 1e15 ? (uint64_t)1e15 : (uint64_t)send_timeout;
  /* head_bytes is a uint32_t: the limit stays well inside it (the JS side allows up to 1 MiB). */
  S->max_head = max_head < 1 ? 1 : max_head > COVET_MAX_HEAD_LIMIT ? COVET_MAX_HEAD_LIMIT : (uint32_t)max_head;
  covet_head_keep_alive(keep_alive < 0 ? 0 : keep_alive > 1e15 ? (uint64_t)1e15 : (uint64_t)keep_alive);
  S->stopping = 0;
  int bound = 0;
  int err = covet_listen(host, port, 511, reuse, fd, &bound);
  if (err != 0) return covet_throw_uv(env, err);
  napi_value result;
  COVET_CHECK(napi_create_int32(env, bound, &result));
  return result;
}

/* bind(host, port, reusePort) → [fd, bound port]: a listening socket no loop watches, for the
 * supervisor to hold and hand to its workers (needs no init: the supervisor serves nothing). */
static napi_value covet_bind_js(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value argv[3];
  COVET_CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  char host[256];
  size_t host_len;
  int32_t port;
  bool reuse = false;
  if (argc < 3 || napi_get_value_string_utf8(env, argv[0], host, sizeof host, &host_len) != napi_ok ||
      napi_get_value_int32(env, argv[1], &port) != napi_ok || napi_get_value_bool(env, argv[2], &reuse) != napi_ok) {
    napi_throw_type_error(env, NULL, "covet: bind(host, port, reusePort)");
    return NULL;
  }
  int fd = -1, bound = 0;
  int err = covet_bind(host, port, 511, reuse, &fd, &bound);
  if (err != 0) return covet_throw_uv(env, err);
  napi_value result, v;
  COVET_CHECK(napi_create_array_with_length(env, 2, &result));
  COVET_CHECK(napi_create_int32(env, fd, &v));
  COVET_CHECK(napi_set_element(env, result, 0, v));
  COVET_CHECK(napi_create_int32(env, bound, &v));
  COVET_CHECK(napi_set_element(env, result, 1, v));
  return result;
}

/* send's and sendWith's work: argv is send's six arguments; `extra` (sendWith's) is a latin1
 * string of header lines written after the headers, or NULL. */
static napi_value covet_send_args(napi_env env, size_t argc, napi_value* argv, napi_value extra) {
  double key;
  uint32_t seq, flags;
  int32_t status;
  if (argc < 6 || napi_get_value_double(env, argv[0], &key) != napi_ok ||
      napi_get_value_uint32(env, argv[1], &seq) != napi_ok || napi_get_value_uint32(env, argv[2], &flags) != napi_ok ||
      napi_get_value_int32(env, argv[3], &status) != napi_ok) {
    napi_throw_type_error(env, NULL, "covet: send(key, seq, flags, status, headers, body)");
    return NULL;
  }
  if (status < 100 || status > 999) {
    napi_throw_range_error(env, "ERR_HTTP_INVALID_STATUS_CODE", "covet: invalid status code");
    return NULL;
  }
  void* headers;
  size_t headers_len;
  if (napi_get_buffer_info(env, argv[4], &headers, &headers_len) != napi_ok) {
    napi_throw_type_error(env, NULL, "covet: response headers must be prepared with engine.headers()");
    return NULL;
  }
  if (extra != NULL) {
    /* The prepared block, then the request's lines, in one scratch block that the head copies. */
    size_t extra_len;
    if (napi_get_value_string_latin1(env, extra, NULL, 0, &extra_len) != napi_ok) {
      napi_throw_type_error(env, NULL, "covet: sendWith's extra header lines are a string");
      return NULL;
    }
    covet_extra.len = 0;
    if (covet_buf_reserve(&covet_extra, headers_len + extra_len + 1) != 0) return covet_throw_uv(env, UV_ENOMEM);
    if (headers_len > 0) memcpy(covet_extra.data, headers, headers_len);
    size_t copied;
    COVET_CHECK(napi_get_value_string_latin1(env, extra, covet_extra.data + headers_len, extra_len + 1, &copied));
    headers = covet_extra.data;
    headers_len += copied;
  }
  const char* body = NULL;
  size_t body_len = 0;
  napi_valuetype bt;
  COVET_CHECK(napi_typeof(env, argv[5], &bt));
  if (bt == napi_string) {
    size_t units;
    COVET_CHECK(napi_get_value_string_utf16(env, argv[5], NULL, 0, &units));
    covet_body.len = 0;
    if (covet_buf_reserve(&covet_body, units * 3 + 1) != 0) return covet_throw_uv(env, UV_ENOMEM);
    COVET_CHECK(napi_get_value_string_utf8(env, argv[5], covet_body.data, units * 3 + 1, &body_len));
    body = covet_body.data;
  } else if (bt == napi_object) {
    void* data;
    if (napi_get_buffer_info(env, argv[5], &data, &body_len) != napi_ok) {
      napi_throw_type_error(env, NULL, "covet: a response body is a string, a Buffer or null");
      return NULL;
    }
    body = data;
  } else if (bt != napi_null && bt != napi_undefined) {
    napi_throw_type_error(env, NULL, "covet: a response body is a string, a Buffer or null");
    return NULL;
  }
  int sent = 0;
  covet_conn_t* c = covet_conn_from_key(key);
  if (c != NULL) sent = covet_respond(c, seq, flags, status, headers, headers_len, body, body_len) == 0;
  if (S->clock[COVET_CLOCK_ON] != 0) {
    S->clock[COVET_CLOCK_SENT] = (double)uv_hrtime();
    S->clock[COVET_CLOCK_BYTES] = (double)body_len;
  }
  if (covet_body.cap > (1u << 20)) {
    free(covet_body.data);
    covet_body.data = NULL;
    covet_body.cap = 0;
  }
  napi_value result;
  COVET_CHECK(napi_get_boolean(env, sent, &result));
  return result;
}

/* send(key, seq, flags, status, headers: Buffer, body: string | Buffer | null) → sent? */
static napi_value covet_send_js(napi_env env, napi_callback_info info) {
  size_t argc = 6;
  napi_value argv[6];
  COVET_CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  return covet_send_args(env, argc, argv, NULL);
}

/* sendWith(key, seq, flags, status, headers: Buffer, extra: string, body) → sent?: send, with
 * `extra` (header lines, latin1, checked by the caller) after the prepared headers. */
static napi_value covet_send_with_js(napi_env env, napi_callback_info info) {
  size_t argc = 7;
  napi_value argv[7];
  COVET_CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc < 7) {
    napi_throw_type_error(env, NULL, "covet: sendWith(key, seq, flags, status, headers, extra, body)");
    return NULL;
  }
  napi_value args[6] = {argv[0], argv[1], argv[2], argv[3], argv[4], argv[6]};
  return covet_send_args(env, 6, args, argv[5]);
}

/* stop(onDrained) → connections still open (onDrained is called once they have all closed) */
static napi_value covet_stop_js(napi_env env, napi_callback_info info) {
  if (!covet_require_init(env)) return NULL;
  size_t argc = 1;
  napi_value argv[1];
  COVET_CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  napi_valuetype t;
  if (argc < 1 || napi_typeof(env, argv[0], &t) != napi_ok || t != napi_function) {
    napi_throw_type_error(env, NULL, "covet: stop(onDrained) takes a function");
    return NULL;
  }
  if (covet_on_drained_once != NULL) napi_delete_reference(env, covet_on_drained_once);
  COVET_CHECK(napi_create_reference(env, argv[0], 1, &covet_on_drained_once));
  uint32_t left = covet_stop();
  if (left == 0 && covet_on_drained_once != NULL) {
    napi_delete_reference(env, covet_on_drained_once);
    covet_on_drained_once = NULL;
  }
  napi_value result;
  COVET_CHECK(napi_create_uint32(env, left, &result));
  return result;
}

static napi_value covet_close_all_js(napi_env env, napi_callback_info info) {
  (void)info;
  if (!covet_require_init(env)) return NULL;
  covet_close_all();
  return NULL;
}

/* peer(key) → the client's address, or '' once the connection has closed */
static napi_value covet_peer_js(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  COVET_CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  double key = -1;
  if (argc >= 1) napi_get_value_double(env, argv[0], &key);
  char name[64] = "";
  covet_conn_t* c = covet_conn_from_key(key);
  if (c != NULL) {
    struct sockaddr_storage addr;
    int len = sizeof addr;
    if (uv_tcp_getpeername(&c->tcp, (struct sockaddr*)&addr, &len) == 0) {
      if (addr.ss_family == AF_INET) uv_ip4_name((struct sockaddr_in*)&addr, name, sizeof name);
      else if (addr.ss_family == AF_INET6) uv_ip6_name((struct sockaddr_in6*)&addr, name, sizeof name);
    }
  }
  napi_value result;
  COVET_CHECK(napi_create_string_utf8(env, name, NAPI_AUTO_LENGTH, &result));
  return result;
}

/* stats() → { connections, partial, connBytes } (for tests and memory measurements) */
static napi_value covet_stats_js(napi_env env, napi_callback_info info) {
  (void)info;
  uint32_t conns = 0, partial = 0;
  if (S != NULL) {
    for (uint32_t slot = 0; slot < S->nslots; slot++) {
      covet_conn_t* c = covet_conn_at(slot);
      if (!c->used || c->state == COVET_CLOSING) continue;
      conns++;
      if (covet_conn_partial(c) != NULL) partial++;
    }
  }
  napi_value result, v;
  COVET_CHECK(napi_create_object(env, &result));
  COVET_CHECK(napi_create_uint32(env, conns, &v));
  COVET_CHECK(napi_set_named_property(env, result, "connections", v));
  COVET_CHECK(napi_create_uint32(env, partial, &v));
  COVET_CHECK(napi_set_named_property(env, result, "partial", v));
  COVET_CHECK(napi_create_uint32(env, (uint32_t)sizeof(covet_conn_t), &v));
  COVET_CHECK(napi_set_named_property(env, result, "connBytes", v));
  return result;
}

/* methods() → llhttp's method names indexed by method number */
static napi_value covet_methods_js(napi_env env, napi_callback_info info) {
  (void)info;
  napi_value result, v;
  COVET_CHECK(napi_create_array(env, &result));
#define COVET_METHOD(num, name, string)                                 \
  COVET_CHECK(napi_create_string_utf8(env, #string, NAPI_AUTO_LENGTH, &v)); \
  COVET_CHECK(napi_set_element(env, result, num, v));
  HTTP_METHOD_MAP(COVET_METHOD)
#undef COVET_METHOD
  return result;
}

/* layout() → the record layout, flags and limits JavaScript reads records with (COVET_LAYOUT) */
static napi_value covet_layout_js(napi_env env, napi_callback_info info) {
  (void)info;
  napi_value result, v;
  COVET_CHECK(napi_create_object(env, &result));
#define COVET_LAYOUT_ENTRY(name, value)                  \
  COVET_CHECK(napi_create_uint32(env, (uint32_t)(value), &v)); \
  COVET_CHECK(napi_set_named_property(env, result, #name, v));
  COVET_LAYOUT(COVET_LAYOUT_ENTRY)
#undef COVET_LAYOUT_ENTRY
  return result;
}

NAPI_MODULE_INIT() {
  napi_property_descriptor props[] = {
      {"init", NULL, covet_init_js, NULL, NULL, NULL, napi_enumerable, NULL},
      {"listen", NULL, covet_listen_js, NULL, NULL, NULL, napi_enumerable, NULL},
      {"bind", NULL, covet_bind_js, NULL, NULL, NULL, napi_enumerable, NULL},
      {"send", NULL, covet_send_js, NULL, NULL, NULL, napi_enumerable, NULL},
      {"sendWith", NULL, covet_send_with_js, NULL, NULL, NULL, napi_enumerable, NULL},
      {"stop", NULL, covet_stop_js, NULL, NULL, NULL, napi_enumerable, NULL},
      {"closeAll", NULL, covet_close_all_js, NULL, NULL, NULL, napi_enumerable, NULL},
      {"peer", NULL, covet_peer_js, NULL, NULL, NULL, napi_enumerable, NULL},
      {"stats", NULL, covet_stats_js, NULL, NULL, NULL, napi_enumerable, NULL},
      {"methods", NULL, covet_methods_js, NULL, NULL, NULL, napi_enumerable, NULL},
      {"layout", NULL, covet_layout_js, NULL, NULL, NULL, napi_enumerable, NULL},
  };
  if (napi_define_properties(env, exports, sizeof props / sizeof props[0], props) != napi_ok) return NULL;
  return exports;
}
