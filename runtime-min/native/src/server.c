/* The state every layer shares (covet.h): the lowest layer, so that each layer above may read it.
 * The binding's init makes it. */
#include <stdlib.h>

#include "covet.h"

covet_server_t* covet_server;

covet_busy_t* covet_busy_get(covet_conn_t* c) {
  if (c->tcp.data == NULL) {
    covet_busy_t* b = calloc(1, sizeof *b);
    if (b == NULL) return NULL;
    b->write_since = uv_now(covet_server->loop); /* nothing was unsent until now */
    c->tcp.data = b;
  }
  return c->tcp.data;
}

void covet_busy_trim(covet_conn_t* c) {
  covet_busy_t* b = c->tcp.data;
  if (b != NULL && b->partial == NULL && b->parked == NULL && b->deferred == NULL && b->queued == 0) {
    free(b);
    c->tcp.data = NULL;
  }
}
