/* llhttp llhttp.c from Debian node-llhttp, compiled into the addon (gyp refuses absolute source paths). */
#include "/usr/share/llhttp/llhttp.c"
