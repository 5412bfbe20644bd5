/* The state every layer shares (covet.h): the lowest layer, so that each layer above may read it.
 * The binding's init makes it. */
#include "covet.h"

covet_server_t* covet_server;
