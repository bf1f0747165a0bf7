#!/usr/bin/env bash
# Install the Debian packages the tests (or make prod / make bench) need, when missing.
# Usage: scripts/ensure-debian-packages.sh chromium postgresql redis-server ...
# A name ending in "-" (apache2-) is not wanted: apt-get is told so when it installs the
# others (WordPress depends on "a web server" and apt would otherwise pick Apache).
set -euo pipefail
missing=()
unwanted=()
for pkg in "$@"; do
  case "$pkg" in
    *-) unwanted+=("$pkg"); continue ;;
  esac
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "==> apt-get install ${missing[*]}"
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
# Without systemd (containers, CI) package scripts try to start the servers they install
# (MariaDB, nginx, php-fpm) and fail; a policy-rc.d that answers 101 tells them not to.
# The tests start their own servers. Only while we install, and only when we made it.
policy=/usr/sbin/policy-rc.d
made_policy=0
if [ ! -d /run/systemd/system ] && [ ! -e "$policy" ]; then
  printf '#!/bin/sh\nexit 101\n' | $SUDO tee "$policy" >/dev/null
  $SUDO chmod 755 "$policy"
  made_policy=1
fi
trap 'if [ "$made_policy" -eq 1 ]; then $SUDO rm -f "$policy"; fi' EXIT
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends \
  "${missing[@]}" ${unwanted[@]+"${unwanted[@]}"} >/dev/null
