#!/bin/sh
# A BROWSER launcher for tests: starts headless Chromium on the URL in the background and returns at once.
# CHROMIUM_PID_FILE (optional) receives the browser's process id so the test can stop it.
url="$1"
profile_dir=$(mktemp -d "${TMPDIR:-/tmp}/zs-chromium.XXXXXX")
HOME="$profile_dir" "${CHROMIUM:-/usr/bin/chromium}" --headless --no-sandbox --disable-gpu --disable-quic \
  --no-first-run --disable-background-networking --disable-component-update --disable-sync \
  --user-data-dir="$profile_dir" --virtual-time-budget=10000 --dump-dom "$url" \
  </dev/null >/dev/null 2>"$profile_dir/chromium.log" &
if [ -n "$CHROMIUM_PID_FILE" ]; then
  echo "$! $profile_dir" > "$CHROMIUM_PID_FILE"
fi
exit 0
