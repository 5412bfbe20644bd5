/* llhttp http.c from Debian node-llhttp, compiled into the addon (gyp refuses absolute source paths). */
#include "/usr/share/llhttp/http.c"
