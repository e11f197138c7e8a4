#!/usr/bin/env bash
# Runs a command inside a private D-Bus session with an unlocked gnome-keyring, so keychain tests use a real
# Secret Service and never touch the developer's own keyring. Fresh HOME/XDG dirs per run.
set -euo pipefail
if [ "${GRANTDESK_IN_KEYRING:-}" = "1" ]; then exec "$@"; fi
if ! command -v dbus-run-session >/dev/null || ! command -v gnome-keyring-daemon >/dev/null; then
  if [ "${CI:-}" = "true" ]; then
    echo "with-keyring: dbus-run-session and gnome-keyring-daemon are required in CI (apt-get install dbus gnome-keyring libsecret-tools)" >&2
    exit 1
  fi
  echo "with-keyring: no dbus-run-session/gnome-keyring-daemon here; keychain tests will report themselves skipped. Install: apt-get install dbus gnome-keyring libsecret-tools" >&2
  export GRANTDESK_TEST_NO_KEYRING=1
  exec "$@"
fi
run_home=$(mktemp -d /tmp/grantdesk-keyring.XXXXXX)
mkdir -p "$run_home/data" "$run_home/config" "$run_home/cache" "$run_home/runtime"
chmod 700 "$run_home/runtime"
export GRANTDESK_REAL_HOME="${HOME:-}"
export HOME="$run_home" XDG_DATA_HOME="$run_home/data" XDG_CONFIG_HOME="$run_home/config" XDG_CACHE_HOME="$run_home/cache" XDG_RUNTIME_DIR="$run_home/runtime"
export GRANTDESK_IN_KEYRING=1
# npm's cache stays where it was, not in the throwaway HOME
export npm_config_cache="${npm_config_cache:-${GRANTDESK_REAL_HOME:-/root}/.npm}"
trap 'rm -rf "$run_home"' EXIT
dbus-run-session -- bash -c 'echo -n grantdesk-test | gnome-keyring-daemon --unlock --components=secrets >/dev/null 2>&1; exec "$@"' bash "$@"
