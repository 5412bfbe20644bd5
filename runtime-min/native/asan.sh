#!/bin/sh
# ASan + UBSan run of the native addon (README.md, "Safety runs"): builds an
# instrumented copy into $COVET_ASAN_OUT (default /tmp/covet-asan; never
# build/Release), runs the conformance suite and a fuzz run with the server under
# gcc's libasan, then sums up the sanitizer reports. Exit status 0 when clean.
#
#   sh runtime-min/native/asan.sh [fuzz-seconds=20] [fuzz-seed]
set -u
cd "$(dirname "$0")/../.."
out=${COVET_ASAN_OUT:-/tmp/covet-asan} # no spaces: it goes into COVET_SERVER_WRAPPER
src=runtime-min/native
rm -rf "$out" && mkdir -p "$out/logs" || exit 1

# binding.gyp's defines and flags. -fvisibility=hidden is not optional: without
# it the addon's llhttp_* calls bind to node's own (lenient) llhttp.
gcc -shared -fPIC -pthread -std=gnu11 -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined \
  -fvisibility=hidden -Wall -Wextra -Wno-unused-parameter \
  -DLLHTTP_STRICT_MODE=1 -DNAPI_VERSION=8 -DBUILDING_NODE_EXTENSION \
  -I$src/include -I/usr/share/include/llhttp -I/usr/include/node \
  $src/src/*.c $src/src/llhttp/*.c -o "$out/covet_runtime.node" || exit 1

# The bundles copy COVET_NATIVE_ADDON instead of build/Release. Only the server
# runs under libasan (node is not instrumented, the addon is), through a wrapper
# that also keeps its stderr in logs/server.<pid>. (Not log_path: gcc's libasan
# and libubsan are two runtimes that both read UBSAN_OPTIONS, and writing to one
# file they overwrite each other's reports.)
export COVET_ENGINE=native COVET_NATIVE_ADDON="$out/covet_runtime.node" COVET_SERVER_WRAPPER="$out/server.sh"
printf '#!/bin/bash\nexec 2> >(tee "%s/logs/server.$$" >&2)\nLD_PRELOAD=%s exec "$@"\n' \
  "$out" "$(gcc -print-file-name=libasan.so)" >"$out/server.sh" && chmod +x "$out/server.sh" || exit 1
# Leaks are on: node and V8 leave memory behind at exit by design, so only leaks
# allocated by the addon count (below); exitcode=0 keeps those from turning the
# graceful-shutdown exit code into 1. An ASan error aborts the server; UBSan
# reports each site once and goes on. Other processes ignore these variables.
asan=detect_leaks=1:exitcode=0:abort_on_error=1
export UBSAN_OPTIONS=print_stacktrace=1
# fuzz.mjs builds with bin/covet.mjs, i.e. lib/cli.mjs: rebuild it if it predates COVET_NATIVE_ADDON.
grep -q COVET_NATIVE_ADDON lib/cli.mjs 2>/dev/null || node scripts/build.mjs || exit 1

echo "asan: conformance suite (log: $out/conformance.log)"
ASAN_OPTIONS=$asan node --import tsx runtime-min/conformance/conformance.test.ts >"$out/conformance.log" 2>&1
conformance=$?
grep -E '^ +(Total|Passed|Skipped):' "$out/conformance.log"
echo "asan: fuzz run (log: $out/fuzz.log)"
# ASan's quarantine (256 MB by default) holds freed memory back, and a stack
# trace in a UBSan report loads node's symbols (~30 MB): a small quarantine and
# no UBSan stacks (the suite prints them) keep the fuzz's RSS check meaningful.
ASAN_OPTIONS=$asan:quarantine_size_mb=16:allocator_release_to_os_interval_ms=100 UBSAN_OPTIONS=print_stacktrace=0 \
  node $src/fuzz.mjs "${1:-20}" 32 ${2:-} >"$out/fuzz.log" 2>&1
fuzz=$?
grep '^fuzz:' "$out/fuzz.log"

cd "$out"
errors=$(cat logs/* 2>/dev/null | grep -cE 'ERROR: AddressSanitizer|runtime error:')
# A leak report is a paragraph; it is the addon's when the caller of malloc
# (frame #1) is in the addon.
cat logs/* 2>/dev/null | awk 'BEGIN { RS = ""; FS = "\n" } /leak of/ { for (i = 1; i <= NF; i++) if ($i ~ /^ *#1 / && $i ~ /covet_runtime\.node|runtime-min\/native\/|\/usr\/share\/llhttp\//) { print; print ""; break } }' >addon-leaks.txt
leaks=$(grep -c 'leak of' addon-leaks.txt)
others=$(cat logs/* 2>/dev/null | grep -c 'leak of')
echo "asan: servers $(ls logs | wc -l); sanitizer errors $errors; leaks in the addon $leaks (in node/V8 at exit, ignored: $((others - leaks)))"
[ "$errors" -eq 0 ] || grep -hE -A8 'ERROR: AddressSanitizer|runtime error:' logs/*
[ "$leaks" -eq 0 ] || cat addon-leaks.txt
[ "$conformance" -eq 0 ] && [ "$fuzz" -eq 0 ] && [ "$errors" -eq 0 ] && [ "$leaks" -eq 0 ]
