/* Response heads: status lines, the Date header, the head of a handler's answer, and the engine's
 * own answers (one table). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>

#include "covet.h"
#include "status.h"

#define S covet_server

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

int covet_head_error(covet_error_t err, int head, uv_buf_t out[3]) {
  if (covet_error_head[COVET_E_COUNT - 1] == NULL && covet_errors_init() != 0) return UV_ENOMEM;
  covet_update_date();
  out[0] = uv_buf_init(covet_error_head[err], (unsigned)strlen(covet_error_head[err]));
  out[1] = uv_buf_init(S->date, 29);
  /* "\r\n\r\n" and the body, or the blank line alone */
  out[2] = uv_buf_init(covet_error_tail[err], head ? 4 : (unsigned)strlen(covet_error_tail[err]));
  return 0;
}

/* ------------------------------------------------------------ the date */

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

/* ------------------------------------------------------------ a handler's answer */

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

char* covet_head_put(char* w, int status, const char* headers, size_t headers_len, int64_t body_len, int close) {
  w += covet_put_status(w, status);
  memcpy(w, "server: covet\r\ndate: ", 21);
  w += 21;
  memcpy(w, S->date, 29);
  w += 29;
  *w++ = '\r';
  *w++ = '\n';
  if (headers_len > 0) memcpy(w, headers, headers_len); /* an empty Buffer may have no data pointer */
  w += headers_len;
  if (body_len >= 0) w = covet_put_content_length(w, (size_t)body_len);
  /* Like node:http: keep-alive is said, with the idle timeout, so that clients (undici among
   * them) stop reusing a connection before the server closes it (covet_head_keep_alive). */
  static const char cl[] = "connection: close\r\n\r\n";
  if (close) {
    memcpy(w, cl, sizeof cl - 1);
    w += sizeof cl - 1;
  } else {
    memcpy(w, S->keep_alive_head, S->keep_alive_head_len);
    w += S->keep_alive_head_len;
  }
  return w;
}

void covet_head_keep_alive(uint64_t ms) {
  if (ms < COVET_KEEP_ALIVE_MIN_MS) ms = COVET_KEEP_ALIVE_MIN_MS;
  if (ms > COVET_KEEP_ALIVE_MAX_MS) ms = COVET_KEEP_ALIVE_MAX_MS;
  S->keep_alive = ms;
  int n = snprintf(S->keep_alive_head, sizeof S->keep_alive_head, "connection: keep-alive\r\nkeep-alive: timeout=%u\r\n\r\n",
                   (unsigned)(ms / 1000));
  S->keep_alive_head_len = (uint32_t)n; /* at most 4 digits: fits (snprintf cannot truncate here) */
}
