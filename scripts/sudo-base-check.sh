#!/usr/bin/env bash
# The path of a non-root user with passwordless sudo (as on GitHub's runners) and no registry: making a Debian base
# image needs root (debootstrap), which build-images.sh takes through `sudo -n`. Checks both sides as a fresh user in
# the docker group: without sudo rights it stops, saying what is needed; with them it makes the base, which runs.
# Run as root (it installs sudo if missing, creates the user PERF_SUDO_USER, default perfsudo, and removes all it added).
#   bash scripts/sudo-base-check.sh
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
log() { printf '[sudo-user] %s\n' "$*" >&2; }
die() { printf '[sudo-user] error: %s\n' "$*" >&2; exit 1; }
# shellcheck source=scripts/lib/throwaway-user.sh
. scripts/lib/throwaway-user.sh

throwaway_user_preflight "this check creates a user and gives it sudo"
user=${PERF_SUDO_USER:-perfsudo}
image="mcp-perf-check/debian:bookworm-sudo-$$"
sudoers=/etc/sudoers.d/mcp-perf-check-$user
installed_sudo=0
cleanup() {
  local status=$?
  rm -f "$sudoers"
  docker image inspect "$image" >/dev/null 2>&1 && { docker rmi "$image" >/dev/null || log "could not remove $image"; }
  throwaway_user_remove
  if [ "$installed_sudo" = 1 ]; then
    DEBIAN_FRONTEND=noninteractive SUDO_FORCE_REMOVE=yes apt-get purge -y -qq sudo >/dev/null 2>&1 || log "could not remove the sudo package this check installed"
  fi
  exit "$status"
}
trap cleanup EXIT

if ! command -v sudo >/dev/null; then
  log "installing sudo from Debian's packages (removed again at the end)"
  apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq sudo >/dev/null
  installed_sudo=1
fi
throwaway_user_create "$user" PERF_SUDO_USER
home=$tu_home
# No MCP_PERF_REGISTRY (tu_env is empty), and this machine reaches no registry: the base can only come from debootstrap.

log "as $user, no sudo rights: scripts/build-images.sh --base bookworm must stop, saying what is needed"
if as_user "bash scripts/build-images.sh --base bookworm $image" >"$home/nosudo.log" 2>&1; then cat "$home/nosudo.log" >&2; die "the base was made without root or sudo"; fi
grep -q "needs root (debootstrap)" "$home/nosudo.log" || { cat "$home/nosudo.log" >&2; die "it stopped, but without saying that root or sudo is needed"; }
log "stopped as it should: $(grep -o 'making the Debian bases.*' "$home/nosudo.log" | head -1)"

printf '%s ALL=(ALL) NOPASSWD:ALL\n' "$user" > "$sudoers"
chmod 440 "$sudoers"
log "as $user, with passwordless sudo: scripts/build-images.sh --base bookworm"
t0=$SECONDS
as_user "bash scripts/build-images.sh --base bookworm $image" 2>&1 | tee "$home/sudo.log" >&2
grep -q "debootstrap bookworm" "$home/sudo.log" || die "the base was not made with debootstrap (log above)"
version=$(docker run --rm --network none "$image" cat /etc/debian_version) || die "the base $image does not run"
case "$version" in 12.*) ;; *) die "the base $image is Debian $version, not bookworm (12)" ;; esac
leftover=$(find /tmp -maxdepth 1 \( -name 'mcp-perf-rootfs.*' -o -name 'mcp-perf-debootstrap.*' \) -newer "$home/nosudo.log" | wc -l)
[ "$leftover" = 0 ] || die "the build left $leftover temporary director(ies) in /tmp"
log "done: $user made $image through sudo in $((SECONDS - t0)) s (Debian $version)"
