#!/usr/bin/env bash
# editors/nvim/test/fetch-nvim.sh DIR — a newer Neovim from a newer Debian
# suite, unpacked into DIR without touching the system.
#
# Debian 12's own neovim is 0.7.2; vim.lsp.config/vim.lsp.enable need 0.11+.
# The newer suites' neovim needs a newer glibc than bookworm's, so this
# downloads neovim, its runtime and every library it needs (glibc included)
# from the suite with apt-get, using a separate apt state under DIR/apt (its
# own sources.list, lists and cache: the system's apt state is not read or
# changed), unpacks them with dpkg-deb -x into DIR/root, and writes
# DIR/bin/nvim, which starts that nvim through the unpacked dynamic loader
# with the unpacked libraries and runtime.
#
# Re-runs reuse DIR/root when it is complete; TASKLS_NVIM_REFRESH=1 fetches
# again. TASKLS_NVIM_SUITE picks the suite (default: forky; sid also works).
# Prints the path of DIR/bin/nvim on the last line of its output.
set -euo pipefail

DIR=${1:?usage: fetch-nvim.sh DIR}
mkdir -p "$DIR"
DIR=$(cd "$DIR" && pwd)
SUITE=${TASKLS_NVIM_SUITE:-forky}
MIRROR=${TASKLS_NVIM_MIRROR:-http://deb.debian.org/debian}
KEYRING=/usr/share/keyrings/debian-archive-keyring.gpg
ROOT=$DIR/root
STAMP=$ROOT/.taskls-fetched

case "$(dpkg --print-architecture)" in
  amd64) TRIPLET=x86_64-linux-gnu LOADER=ld-linux-x86-64.so.2 ;;
  arm64) TRIPLET=aarch64-linux-gnu LOADER=ld-linux-aarch64.so.1 ;;
  *) echo "fetch-nvim.sh: unsupported architecture $(dpkg --print-architecture)" >&2; exit 1 ;;
esac

if [ -f "$STAMP" ] && [ "$(head -n1 "$STAMP")" = "$SUITE" ] && [ "${TASKLS_NVIM_REFRESH:-}" != 1 ]; then
  echo "fetch-nvim.sh: reusing $ROOT ($(sed -n 2p "$STAMP"))" >&2
else
  [ -r "$KEYRING" ] || { echo "fetch-nvim.sh: $KEYRING is missing (apt-get install debian-archive-keyring)" >&2; exit 1; }
  APTDIR=$DIR/apt
  rm -rf "$APTDIR" "$DIR/debs" "$ROOT.new"
  mkdir -p "$APTDIR/state/lists/partial" "$APTDIR/cache/archives/partial" "$APTDIR/etc/sources.list.d" \
    "$APTDIR/etc/preferences.d" "$DIR/debs"
  : >"$APTDIR/state/status" # nothing installed, as far as this apt knows
  echo "deb [signed-by=$KEYRING] $MIRROR $SUITE main" >"$APTDIR/etc/sources.list"
  APT=(
    -o "Dir::State=$APTDIR/state"
    -o "Dir::State::status=$APTDIR/state/status"
    -o "Dir::Cache=$APTDIR/cache"
    -o "Dir::Etc::SourceList=$APTDIR/etc/sources.list"
    -o "Dir::Etc::SourceParts=$APTDIR/etc/sources.list.d"
    -o "Dir::Etc::PreferencesParts=$APTDIR/etc/preferences.d"
    -o "Dir::Etc::Preferences=$APTDIR/etc/preferences"
    -o "APT::Architectures=$(dpkg --print-architecture)"
    -o "Acquire::Languages=none"
    -o "Acquire::IndexTargets::deb::DEP-11::DefaultEnabled=false"
    -o "Acquire::IndexTargets::deb::DEP-11-icons::DefaultEnabled=false"
    -o "Acquire::IndexTargets::deb::DEP-11-icons-small::DefaultEnabled=false"
    -o "Acquire::IndexTargets::deb::DEP-11-icons-hidpi::DefaultEnabled=false"
    -o "APT::Sandbox::User=root"
  )
  echo "fetch-nvim.sh: apt-get update for $SUITE (separate state in $APTDIR)" >&2
  apt-get "${APT[@]}" -q update >&2
  # neovim and what it depends on, recursively (no recommends/suggests)
  mapfile -t PKGS < <(apt-cache "${APT[@]}" depends --recurse --no-recommends --no-suggests \
    --no-conflicts --no-breaks --no-replaces --no-enhances neovim | grep -v '^[ <]' | sort -u)
  [ "${#PKGS[@]}" -gt 0 ] || { echo "fetch-nvim.sh: no neovim in $SUITE" >&2; exit 1; }
  echo "fetch-nvim.sh: downloading ${PKGS[*]}" >&2
  (cd "$DIR/debs" && apt-get "${APT[@]}" -q download "${PKGS[@]}" >&2)
  mkdir -p "$ROOT.new"
  for deb in "$DIR"/debs/*.deb; do
    dpkg-deb -x "$deb" "$ROOT.new"
  done
  VERSION=$(apt-cache "${APT[@]}" show --no-all-versions neovim | sed -n 's/^Version: //p')
  rm -rf "$ROOT" "$APTDIR/state/lists" "$APTDIR/cache"
  mv "$ROOT.new" "$ROOT"
  { echo "$SUITE"; echo "neovim $VERSION from $SUITE"; ls "$DIR/debs"; } >"$STAMP"
  rm -rf "$DIR/debs"
fi

LD=
for d in "$ROOT/usr/lib/$TRIPLET" "$ROOT/lib/$TRIPLET" "$ROOT/usr/lib64" "$ROOT/lib64"; do
  if [ -e "$d/$LOADER" ]; then
    LD=$d/$LOADER
    break
  fi
done
[ -n "$LD" ] || { echo "fetch-nvim.sh: no $LOADER under $ROOT" >&2; exit 1; }
[ -x "$ROOT/usr/bin/nvim" ] || { echo "fetch-nvim.sh: no usr/bin/nvim under $ROOT" >&2; exit 1; }

mkdir -p "$DIR/bin"
# Tree-sitter parsers (markdown is used by hover windows) live in
# usr/lib/nvim; nvim finds that folder relative to its own executable, which
# here is the loader, so the wrapper adds it to 'runtimepath'.
cat >"$DIR/bin/nvim" <<EOF
#!/bin/sh
# Neovim unpacked from Debian $SUITE by editors/nvim/test/fetch-nvim.sh.
R='$ROOT'
VIMRUNTIME="\$R/usr/share/nvim/runtime" exec "$LD" \\
  --library-path "\$R/usr/lib/$TRIPLET:\$R/lib/$TRIPLET" \\
  "\$R/usr/bin/nvim" --cmd "let &rtp .= ',\$R/usr/lib/nvim'" "\$@"
EOF
chmod +x "$DIR/bin/nvim"
"$DIR/bin/nvim" --version | head -n1 >&2
echo "$DIR/bin/nvim"
