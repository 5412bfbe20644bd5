{
  "targets": [
    {
      "target_name": "covet_runtime",
      "sources": [
        "src/addon.c",
        "src/conn.c",
        "src/head.c",
        "src/parse.c",
        "src/server.c",
        "src/write.c",
        "src/llhttp/api.c",
        "src/llhttp/http.c",
        "src/llhttp/llhttp.c"
      ],
      "include_dirs": ["include", "/usr/share/include/llhttp"],
      "defines": ["LLHTTP_STRICT_MODE=1", "NAPI_VERSION=8"],
      "cflags": ["-std=gnu11", "-O3", "-Wall", "-Wextra", "-Wno-unused-parameter"],
      "cflags!": ["-O2"],
      "conditions": [
        ["OS=='linux'", { "cflags+": ["-fvisibility=hidden"] }]
      ]
    }
  ]
}
