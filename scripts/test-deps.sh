#!/usr/bin/env bash
# Things the test suite uses beyond Python packages: a PostgreSQL server (tests skip
# without one unless BANKPM_REQUIRE_PG=1) and Debian's chromium for the browser test
# (skipped when absent). Installs only when running as root with apt-get available.
set -u
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  if ! command -v chromium >/dev/null 2>&1 || ! command -v chromedriver >/dev/null 2>&1; then
    echo "test-deps: installing chromium + chromium-driver (browser test)" >&2
    (apt-get update -qq >/dev/null 2>&1 || true)
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null 2>&1 \
      || echo "test-deps: could not install chromium; the browser test will skip" >&2
  fi
fi
exit 0
