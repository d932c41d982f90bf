#!/bin/sh
# Install the Debian packages the test suite drives for real, when missing.
set -e
need=""
[ -x /usr/bin/chromium ] || need="$need chromium"
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need="$need postgresql"
[ -e /usr/lib/x86_64-linux-gnu/libpango-1.0.so.0 ] || [ -e /usr/lib/aarch64-linux-gnu/libpango-1.0.so.0 ] || need="$need libpango-1.0-0 libpangoft2-1.0-0"
fc-list 2>/dev/null | grep -qi dejavu || need="$need fonts-dejavu-core"
[ -z "$need" ] && exit 0
if [ "$(id -u)" != "0" ]; then
  echo "missing system packages:$need (install them as root)" >&2
  exit 0
fi
echo "installing:$need"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends $need >/dev/null
