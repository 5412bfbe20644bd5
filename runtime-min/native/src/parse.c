/* Parsing: llhttp's callbacks copy a request's parts into staging (or its partial's buffers) and
 * describe them in its record; the raw scan of heads and trailer sections; the Host rule. The
 * parse in progress is a covet_parse_t that travels in llhttp_t.data. */
#include <stdlib.h>
#include <string.h>

#include "covet.h"

#define S covet_server

/* ------------------------------------------------------------ staging */

/* Growing staging and meta is the binding's (hooks); rare, and kept out of line so that the
 * staging of each part stays small enough to be inlined into the callbacks. */
static __attribute__((noinline, cold)) int covet_grow_staging(size_t need) {
  return S->hooks.grow_staging(need);
}

static __attribute__((noinline, cold)) int covet_grow_meta(size_t need) {
  return S->hooks.grow_meta(need);
}

/* Grows a partial's buffer (`size` bytes of `elem` each, `cap` of them) to hold `need`: by half
 * at least (amortised O(1) per append), but never past `limit` (0: none) when that is enough,
 * so a body whose Content-Length is known holds about what it has received. Returns 0,
 * UV_EOVERFLOW (past 2^32 elements) or UV_ENOMEM. */
int covet_partial_grow(void** data, uint32_t* cap, size_t elem, uint64_t need, uint64_t limit) {
  if (need <= *cap) return 0;
  uint64_t n = (uint64_t)*cap + *cap / 2;
  if (n < 64) n = 64;
  if (n < need) n = need;
  if (limit >= need && n > limit) n = limit;
  if (n > UINT32_MAX) return UV_EOVERFLOW;
  void* d = realloc(*data, (size_t)n * elem);
  if (d == NULL) return UV_ENOMEM;
  *data = d;
  *cap = (uint32_t)n;
  return 0;
}

/* Appends to the current request's bytes; returns where they went, or NULL (out of memory). */
static char* covet_stage(covet_parse_t* x, const char* at, size_t len) {
  covet_partial_t* pa = x->into;
  char* to;
  if (pa != NULL) {
    if (covet_partial_grow((void**)&pa->data, &pa->data_cap, 1, (uint64_t)pa->data_len + len, pa->msg.total) != 0)
      return NULL;
    to = pa->data + pa->data_len;
    pa->data_len += (uint32_t)len;
  } else {
    if (S->staging_len + len > S->staging_cap && covet_grow_staging(S->staging_len + len) != 0) return NULL;
    to = S->staging + S->staging_len;
    S->staging_len += len;
  }
  if (len > 0) memcpy(to, at, len);
  return to;
}

/* Appends `n` zero words to the current request's record; returns them, or NULL. */
static uint32_t* covet_stage_words(covet_parse_t* x, uint32_t n) {
  covet_partial_t* pa = x->into;
  uint32_t* to;
  if (pa != NULL) {
    if (covet_partial_grow((void**)&pa->meta, &pa->meta_cap, sizeof(uint32_t), (uint64_t)pa->meta_len + n, 0) != 0)
      return NULL;
    to = pa->meta + pa->meta_len;
    pa->meta_len += n;
  } else {
    if (S->meta_len + n > S->meta_cap && covet_grow_meta(S->meta_len + n) != 0) return NULL;
    to = S->meta + S->meta_len;
    S->meta_len += n;
  }
  memset(to, 0, n * sizeof(uint32_t));
  return to;
}

/* The current request's bytes, how many are staged so far, and its record. */
static char* covet_req(covet_parse_t* x) {
  return x->into != NULL ? x->into->data : S->staging + x->msg->base;
}

static uint32_t covet_req_len(covet_parse_t* x) {
  return x->into != NULL ? x->into->data_len : (uint32_t)(S->staging_len - x->msg->base);
}

static uint32_t* covet_rec(covet_parse_t* x) {
  return x->into != NULL ? x->into->meta : S->meta + x->msg->rec;
}

static uint32_t* covet_header_span(covet_parse_t* x) {
  return covet_rec(x) + COVET_R_HEADERS + 4 * (x->msg->nheaders - 1);
}

static int covet_fail(covet_parse_t* x, covet_error_t err) {
  x->msg->error = (int)err;
  return -1;
}

static int covet_count_head(covet_parse_t* x, size_t len) {
  x->msg->head_bytes += (uint32_t)len;
  return x->msg->head_bytes >= S->max_head ? covet_fail(x, COVET_E_HEADERS_TOO_BIG) : 0;
}

/* Puts saved bytes and records (a completed partial request or deferred requests, rebased to 0)
 * at the start of staging and meta, growing them when needed; returns 0 or COVET_ERR_NAPI. */
int covet_restore_staged(const char* data, uint32_t data_len, const uint32_t* meta, uint32_t meta_len) {
  if ((data_len > S->staging_cap && covet_grow_staging(data_len) != 0) ||
      (meta_len > S->meta_cap && covet_grow_meta(meta_len) != 0))
    return COVET_ERR_NAPI;
  if (data_len > 0) memcpy(S->staging, data, data_len);
  if (meta_len > 0) memcpy(S->meta, meta, meta_len * sizeof(uint32_t));
  S->staging_len = data_len;
  S->meta_len = meta_len;
  return 0;
}

/* ------------------------------------------------------------ unfinished bodies */

/* Counts `n` more body bytes held by a partial; the first ones put it on the list (newest). */
void covet_count_body(covet_partial_t* pa, uint32_t n) {
  if (n == 0) return;
  if (pa->counted == 0) {
    pa->older = S->bodies_newest;
    pa->newer = NULL;
    if (S->bodies_newest != NULL) S->bodies_newest->newer = pa;
    else S->bodies_oldest = pa;
    S->bodies_newest = pa;
  }
  pa->counted += n;
  S->body_bytes += n;
}

/* Gives a partial's buffers back and takes its body off the list. */
void covet_partial_release(covet_partial_t* pa) {
  if (pa->counted > 0) {
    if (pa->older != NULL) pa->older->newer = pa->newer;
    else S->bodies_oldest = pa->newer;
    if (pa->newer != NULL) pa->newer->older = pa->older;
    else S->bodies_newest = pa->older;
    pa->older = pa->newer = NULL;
    S->body_bytes -= pa->counted;
    pa->counted = 0;
  }
  free(pa->data);
  free(pa->meta);
  pa->data = NULL;
  pa->meta = NULL;
  pa->data_len = pa->data_cap = pa->meta_len = pa->meta_cap = 0;
}

/* ------------------------------------------------------------ llhttp callbacks */

static int covet_on_message_begin(llhttp_t* p) {
  covet_parse_t* x = p->data;
  covet_msg_t* m = x->msg;
  memset(m, 0, sizeof *m);
  m->error = -1;
  m->started = 1;
  m->in_head = 1;
  x->head_from = NULL;
  /* A request begins in staging (x->into is NULL: a partial's request has completed). */
  m->base = (uint32_t)S->staging_len;
  m->rec = (uint32_t)S->meta_len;
  if (covet_stage_words(x, COVET_R_HEADERS) == NULL) return covet_fail(x, COVET_E_BAD_REQUEST);
  m->head_start = m->req_start = uv_now(S->loop);
  return 0;
}

static int covet_on_url(llhttp_t* p, const char* at, size_t len) {
  covet_parse_t* x = p->data;
  if (x->head_from == NULL) x->head_from = at; /* the method before it is a token llhttp checked */
  if (covet_count_head(x, len) != 0) return -1;
  x->msg->url_len += (uint32_t)len;
  return covet_stage(x, at, len) != NULL ? 0 : covet_fail(x, COVET_E_BAD_REQUEST);
}

static int covet_on_header_field(llhttp_t* p, const char* at, size_t len) {
  covet_parse_t* x = p->data;
  covet_msg_t* m = x->msg;
  if (covet_count_head(x, len) != 0) return -1;
  if (!m->in_field) {
    uint32_t* h = covet_stage_words(x, 4);
    if (h == NULL) return covet_fail(x, COVET_E_BAD_REQUEST);
    h[0] = covet_req_len(x);
    m->nheaders++;
    m->in_field = 1;
  }
  char* name = covet_stage(x, at, len);
  if (name == NULL) return covet_fail(x, COVET_E_BAD_REQUEST);
  for (char* s = name; s < name + len; s++)
    if (*s >= 'A' && *s <= 'Z') *s += 32;
  covet_header_span(x)[1] += (uint32_t)len;
  return 0;
}

static int covet_on_header_field_complete(llhttp_t* p) {
  covet_parse_t* x = p->data;
  covet_msg_t* m = x->msg;
  /* `: value`: llhttp 8 takes an empty name. It is refused here, at its colon: the end of its
   * value can wait for the next byte (llhttp looks ahead for a fold), which may never come. */
  int empty = !m->in_field || covet_header_span(x)[1] == 0;
  m->in_field = 0;
  return empty ? covet_fail(x, COVET_E_BAD_REQUEST) : 0;
}

static int covet_on_header_value(llhttp_t* p, const char* at, size_t len) {
  covet_parse_t* x = p->data;
  covet_msg_t* m = x->msg;
  if (covet_count_head(x, len) != 0) return -1;
  if (m->nheaders == 0 || len == 0) return 0; /* an empty value is an empty span after the line */
  if (!m->in_value) {
    covet_header_span(x)[2] = covet_req_len(x);
    m->in_value = 1;
  }
  if (covet_stage(x, at, len) == NULL) return covet_fail(x, COVET_E_BAD_REQUEST);
  covet_header_span(x)[3] += (uint32_t)len;
  return 0;
}

static int covet_name_is(const char* name, uint32_t len, const char* lit, uint32_t lit_len) {
  return len == lit_len && memcmp(name, lit, len) == 0;
}

/* node:http's /(?:^|\W)100-continue(?:$|\W)/i */
static int covet_is_continue(const char* v, uint32_t len) {
  static const char token[] = "100-continue";
  for (uint32_t i = 0; i + 12 <= len; i++) {
    uint32_t k = 0;
    while (k < 12) {
      char ch = v[i + k];
      if (ch >= 'A' && ch <= 'Z') ch += 32;
      if (ch != token[k]) break;
      k++;
    }
    if (k < 12) continue;
#define COVET_WORD(ch) (((ch) >= '0' && (ch) <= '9') || ((ch) >= 'a' && (ch) <= 'z') || ((ch) >= 'A' && (ch) <= 'Z') || (ch) == '_')
    if ((i == 0 || !COVET_WORD(v[i - 1])) && (i + 12 == len || !COVET_WORD(v[i + 12]))) return 1;
  }
  return 0;
}

static int covet_on_header_value_complete(llhttp_t* p) {
  covet_parse_t* x = p->data;
  covet_msg_t* m = x->msg;
  if (m->nheaders == 0) return 0;
  uint32_t* h = covet_header_span(x);
  if (!m->in_value) h[2] = covet_req_len(x);
  m->in_value = 0;
  const char* base = covet_req(x);
  while (h[3] > 0 && (base[h[2] + h[3] - 1] == ' ' || base[h[2] + h[3] - 1] == '\t')) h[3]--;
  const char* name = base + h[0];
  if (!m->in_head) {
    /* A trailer field: not handed out (see on_message_complete). An empty name is refused as in
     * the head, and so is Content-Length (RFC 9110 §6.5.1: a framing field may not be a trailer;
     * node's llhttp 9 refuses it there, llhttp 8 does not). */
    return h[1] == 0 || covet_name_is(name, h[1], "content-length", 14) ? covet_fail(x, COVET_E_BAD_REQUEST) : 0;
  }
  switch (h[1]) {
    case 0: /* `: value` — llhttp 8 reports an empty name */
      return covet_fail(x, COVET_E_BAD_REQUEST);
    case 4:
      if (covet_name_is(name, h[1], "host", 4)) {
        m->hosts++;
        m->host_off = h[2];
        m->host_len = h[3];
      }
      break;
    case 6:
      if (covet_name_is(name, h[1], "expect", 6) && m->expect == 0) m->expect = covet_is_continue(base + h[2], h[3]) ? 1 : 2;
      break;
    case 14:
      if (covet_name_is(name, h[1], "content-length", 14)) m->has_body = m->has_cl = 1;
      break;
    case 17:
      if (covet_name_is(name, h[1], "transfer-encoding", 17)) m->has_body = m->has_te = 1;
      break;
  }
  /* Both framings (RFC 9112 §6.1) are refused when the second one's line ends, as node's llhttp 9
   * does, not when the head does: a client that stops there gets its 400 instead of a wait. */
  if (m->has_te && m->has_cl) return covet_fail(x, COVET_E_BAD_REQUEST);
  return 0;
}

/* RFC 9112 §2.2 and §5.2 on the raw bytes of a request head, where llhttp 8 is lenient: every line
 * ends in CRLF (a bare LF is 400) and no line begins with a space or a tab (obs-fold is 400, on every
 * header: a folded Transfer-Encoding or Content-Length would frame the body differently from a proxy
 * that unfolds it). Scans [s, e), where `prev1` and `prev2` are the two bytes before `s` (from the
 * previous read when `s` starts one), up to the empty line that ends the head. Returns 1 when that
 * line was reached, 0 when the bytes end inside the head, -1 on a bare LF or a folded line. */
static int covet_scan_head(const char* s, const char* e, char prev2, char prev1) {
  if (s < e && prev1 == '\n' && (*s == ' ' || *s == '\t')) return -1;
  for (const char* p = s; p < e;) {
    const char* lf = memchr(p, '\n', (size_t)(e - p));
    if (lf == NULL) return 0;
    size_t at = (size_t)(lf - s);
    char before = at >= 1 ? lf[-1] : prev1;
    if (before != '\r') return -1;
    char line_start = at >= 2 ? lf[-2] : at == 1 ? prev1 : prev2;
    if (line_start == '\n') return 1; /* an empty line: the head ends here */
    if (lf + 1 < e && (lf[1] == ' ' || lf[1] == '\t')) return -1;
    p = lf + 1;
  }
  return 0;
}

/* Scans what this read holds of the current head (or trailer section), from x->head_from to `end`. */
int covet_scan_head_part(covet_parse_t* x, const char* end) {
  const char* from = x->head_from;
  x->head_from = NULL;
  if (from == NULL || from >= end) return 0;
  char prev1 = from > x->read_start ? from[-1] : x->msg->last_byte;
  char prev2 = from - 1 > x->read_start ? from[-2] : from > x->read_start ? x->msg->last_byte : x->msg->last_byte2;
  return covet_scan_head(from, end, prev2, prev1);
}

/* Classes of the bytes of a Host value (RFC 3986 §3.2.2): 1 for unreserved and sub-delims, 2 for
 * '%' (then two hex digits), 3 for ':' (then the port), 0 for anything else. */
static uint8_t covet_host_chars[256];

static void covet_host_chars_init(void) {
  for (int ch = 1; ch < 256; ch++)
    covet_host_chars[ch] = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
                           strchr("-._~!$&'()*+,;=", ch) != NULL;
  covet_host_chars['%'] = 2;
  covet_host_chars[':'] = 3;
}

static int covet_is_hex(unsigned char ch) {
  return (ch >= '0' && ch <= '9') || ((ch | 32) >= 'a' && (ch | 32) <= 'f');
}

/* Four dec-octets, 0 to 255 without leading zeros, separated by dots: all of [s, s + n). */
static int covet_ipv4_ok(const unsigned char* s, uint32_t n) {
  uint32_t i = 0;
  for (int octet = 0; octet < 4; octet++) {
    if (octet > 0 && (i >= n || s[i++] != '.')) return 0;
    uint32_t start = i, v = 0;
    while (i < n && s[i] >= '0' && s[i] <= '9' && i - start < 3) v = v * 10 + (uint32_t)(s[i++] - '0');
    if (i == start || v > 255 || (i - start > 1 && s[start] == '0')) return 0;
  }
  return i == n;
}

/* RFC 3986's IPv6address: eight groups of 1 to 4 hex digits separated by ':', one '::' standing
 * for one or more groups of zeros (then at most seven are written), the last two groups possibly
 * written as an IPv4 address. No zone identifier. All of [s, s + n). */
static int covet_ipv6_ok(const unsigned char* s, uint32_t n) {
  uint32_t i = 0, groups = 0;
  int gap = 0;
  if (n >= 2 && s[0] == ':' && s[1] == ':') {
    gap = 1;
    i = 2;
  }
  while (i < n) {
    uint32_t start = i;
    while (i < n && covet_is_hex(s[i]) && i - start < 4) i++;
    if (i < n && s[i] == '.') { /* the IPv4 form: the last piece */
      if (!covet_ipv4_ok(s + start, n - start)) return 0;
      groups += 2;
      break;
    }
    if (i == start) return 0;
    groups++;
    if (i == n) break;
    if (s[i++] != ':' || i == n) return 0; /* a fifth digit, another byte, or a trailing ':' */
    if (s[i] == ':') {
      if (gap) return 0;
      gap = 1;
      i++;
    }
  }
  return gap ? groups <= 7 : groups == 8;
}

/* What is between the brackets of an IP-literal: IPv6address, or IPvFuture
 * ("v" 1*HEXDIG "." 1*( unreserved / sub-delims / ":" )). */
static int covet_ip_literal_ok(const unsigned char* s, uint32_t n) {
  if (n == 0 || (s[0] | 32) != 'v') return covet_ipv6_ok(s, n);
  uint32_t i = 1;
  while (i < n && covet_is_hex(s[i])) i++;
  if (i == 1 || i >= n || s[i] != '.' || i + 1 == n) return 0;
  for (i++; i < n; i++)
    if (covet_host_chars[s[i]] != 1 && s[i] != ':') return 0;
  return 1;
}

/* Host = uri-host [":" port] (RFC 9112 §3.2, RFC 3986 §3.2.2): an IP-literal in brackets, or a
 * reg-name (an IPv4 address is one) of unreserved characters, sub-delims and %HH; the port is
 * digits, possibly none. An empty value is valid (a target without authority). The same rule as
 * isValidHost in runtime-min/http-syntax.ts; cases/host.md holds both engines to it. Returns 1
 * when `v` is one. */
static int covet_host_ok(const unsigned char* v, uint32_t len) {
  uint32_t i = 0;
  if (len > 0 && v[0] == '[') {
    const unsigned char* close = memchr(v, ']', len);
    if (close == NULL || !covet_ip_literal_ok(v + 1, (uint32_t)(close - v - 1))) return 0;
    i = (uint32_t)(close - v) + 1;
  } else {
    for (;;) {
      while (i < len && covet_host_chars[v[i]] == 1) i++;
      if (i == len || covet_host_chars[v[i]] != 2) break;
      if (i + 2 >= len || !covet_is_hex(v[i + 1]) || !covet_is_hex(v[i + 2])) return 0;
      i += 3;
    }
  }
  if (i == len) return 1;
  if (v[i] != ':') return 0;
  for (i++; i < len; i++)
    if (v[i] < '0' || v[i] > '9') return 0;
  return 1;
}

static int covet_on_headers_complete(llhttp_t* p) {
  covet_parse_t* x = p->data;
  covet_conn_t* c = x->conn;
  covet_msg_t* m = x->msg;
  m->head_start = 0;
  m->head_headers = m->nheaders;
  m->body_off = covet_req_len(x);
  m->in_head = 0;
  /* The head's last bytes are in this read: its empty line is what made llhttp call here. */
  if (covet_scan_head_part(x, x->read_end) != 1) return covet_fail(x, COVET_E_BAD_REQUEST);
  /* The node engine's order: another expectation (HTTP/1.1 only), then its refusals, then 413. */
  if (m->expect == 2 && p->http_major == 1 && p->http_minor == 1) return covet_fail(x, COVET_E_EXPECTATION);
  if (p->http_major != 1) return covet_fail(x, COVET_E_VERSION);
  if (m->url_len > COVET_MAX_URL) return covet_fail(x, COVET_E_URI_TOO_LONG);
  if (p->http_minor == 1 && m->hosts != 1) return covet_fail(x, m->hosts == 0 ? COVET_E_NO_HOST : COVET_E_TWO_HOSTS);
  if (m->hosts == 1 && !covet_host_ok((const unsigned char*)covet_req(x) + m->host_off, m->host_len))
    return covet_fail(x, COVET_E_BAD_HOST);
  /* RFC 9112 §6.1: both framings at once. llhttp 8 refuses it only for a Transfer-Encoding it
   * reads, not for one with no value, which it ignores and frames by the Content-Length. Before
   * the HTTP/1.0 rule, as node's llhttp 9 refuses both framings whatever the version. */
  if (m->has_te && m->has_cl) return covet_fail(x, COVET_E_BAD_REQUEST);
  if (p->http_minor == 0 && m->has_te) return covet_fail(x, COVET_E_TE_HTTP10);
  if (m->has_body) {
    if (!m->has_te && p->content_length > S->max_body) return covet_fail(x, COVET_E_TOO_LARGE);
    if (!m->has_te && m->body_off + p->content_length <= UINT32_MAX) m->total = m->body_off + (uint32_t)p->content_length;
    if (m->expect == 1 && p->http_minor == 1) S->hooks.expect_continue(c);
  }
  return 0;
}

/* The last chunk's size line is parsed: its trailer section follows, held to the head's rule
 * (covet_scan_head). llhttp tells a callback no position, so the parser pauses here and
 * covet_feed starts the scan where it stopped (the trailer section's first byte). */
static int covet_on_chunk_header(llhttp_t* p) {
  covet_parse_t* x = p->data;
  if (p->content_length != 0) return 0;
  x->msg->in_trailer = 1;
  return HPE_PAUSED;
}

static int covet_on_body(llhttp_t* p, const char* at, size_t len) {
  covet_parse_t* x = p->data;
  covet_msg_t* m = x->msg;
  if ((uint64_t)m->body_len + len > S->max_body) return covet_fail(x, COVET_E_TOO_LARGE);
  m->body_len += (uint32_t)len;
  if (covet_stage(x, at, len) == NULL) return covet_fail(x, COVET_E_TOO_LARGE);
  if (x->into != NULL) covet_count_body(x->into, (uint32_t)len);
  return 0;
}

static int covet_on_message_complete(llhttp_t* p) {
  covet_parse_t* x = p->data;
  covet_conn_t* c = x->conn;
  covet_msg_t* m = x->msg;
  /* A trailer section's last bytes are in this read, as a head's are at on_headers_complete. */
  if (m->in_trailer && covet_scan_head_part(x, x->read_end) != 1) return covet_fail(x, COVET_E_BAD_REQUEST);
  if (x->into != NULL) {
    /* Begun in an earlier read: copied into staging now, once (it is the read's first request,
     * so staging is empty), and its partial's buffers are given back. */
    covet_partial_t* pa = x->into;
    if (covet_restore_staged(pa->data, pa->data_len, pa->meta, pa->meta_len) != 0) return covet_fail(x, COVET_E_BAD_REQUEST);
    covet_partial_release(pa);
    x->into = NULL;
  }
  uint32_t* r = S->meta + m->rec;
  /* Trailer fields are not headers (RFC 9110 §6.5.2; node:http keeps them apart too): their
   * spans are dropped from the record (their bytes stay in staging, after the body). */
  m->nheaders = m->head_headers;
  S->meta_len = m->rec + COVET_R_HEADERS + 4 * m->nheaders;
  int keep_alive = llhttp_should_keep_alive(p);
  uint32_t flags = p->method;
  if (p->method == HTTP_HEAD) flags |= COVET_F_HEAD;
  if (m->has_body) flags |= COVET_F_HAS_BODY;
  /* CONNECT is not tunnelled: answer it like any request, then close. */
  if (!keep_alive || p->method == HTTP_CONNECT) flags |= COVET_F_CLOSE;
  /* node:http's rule: a client that expected 100 Continue and gets a final answer without one
   * (its request announced no body) may still send one; the connection is not reused. */
  if (m->expect == 1 && p->http_minor == 1 && !m->has_body) flags |= COVET_F_CLOSE;
  r[COVET_R_WORDS] = COVET_R_HEADERS + 4 * m->nheaders;
  r[COVET_R_BASE] = m->base;
  r[COVET_R_SIZE] = (uint32_t)(S->staging_len - m->base);
  r[COVET_R_SEQ] = c->next_req_seq++;
  r[COVET_R_FLAGS] = flags;
  r[COVET_R_URL_LEN] = m->url_len;
  r[COVET_R_BODY_OFF] = m->has_body ? m->body_off : 0;
  r[COVET_R_BODY_LEN] = m->body_len;
  r[COVET_R_NHEADERS] = m->nheaders;
  x->completed++;
  m->started = 0;
  m->req_start = 0;
  if (flags & COVET_F_CLOSE) {
    covet_conn_reach(c, COVET_NO_MORE);
    return HPE_PAUSED;
  }
  /* The connection's share of this turn: the input after it waits (covet_feed). */
  return x->completed >= COVET_SHARE ? HPE_PAUSED : 0;
}

/* ------------------------------------------------------------ the parser's settings */

static llhttp_settings_t covet_settings;

const llhttp_settings_t* covet_parse_settings(void) {
  if (covet_settings.on_message_begin == NULL) {
    llhttp_settings_init(&covet_settings);
    covet_settings.on_message_begin = covet_on_message_begin;
    covet_settings.on_url = covet_on_url;
    covet_settings.on_header_field = covet_on_header_field;
    covet_settings.on_header_field_complete = covet_on_header_field_complete;
    covet_settings.on_header_value = covet_on_header_value;
    covet_settings.on_header_value_complete = covet_on_header_value_complete;
    covet_settings.on_headers_complete = covet_on_headers_complete;
    covet_settings.on_chunk_header = covet_on_chunk_header;
    covet_settings.on_body = covet_on_body;
    covet_settings.on_message_complete = covet_on_message_complete;
    covet_host_chars_init();
  }
  return &covet_settings;
}
