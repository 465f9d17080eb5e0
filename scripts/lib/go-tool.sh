# shellcheck shell=bash
# Puts a tool at .tools/<name>: one already on PATH is linked; otherwise it is built from its Go module (go install),
# when Go is there. Sourced by install-k6.sh and install-act.sh.
#   go_tool <name> <module@version> <how to install it by hand> <arguments that print its version>...
go_tool() {
  local name=$1 module=$2 hint=$3 root
  shift 3
  root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
  mkdir -p "$root/.tools"
  if [ -x "$root/.tools/$name" ]; then echo "[$name] $("$root/.tools/$name" "$@" | head -1)"; return 0; fi
  if command -v "$name" >/dev/null; then ln -sf "$(command -v "$name")" "$root/.tools/$name"; echo "[$name] using $(command -v "$name")"; return 0; fi
  if ! command -v go >/dev/null; then
    echo "[$name] not installed and no Go toolchain to build it: install $name ($hint) or Go, then rerun" >&2
    return 1
  fi
  echo "[$name] building $module from its Go module (a few minutes)"
  GOBIN="$root/.tools" GOFLAGS=-mod=mod go install "$module"
  echo "[$name] $("$root/.tools/$name" "$@" | head -1)"
}
