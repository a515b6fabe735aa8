#!/usr/bin/env bash
# Install the Linux bundle of マイキープラットフォーム等活用ソフト from this unpacked tarball.
#   ./install.sh            system-wide (root): /opt/mykey-terminal, /usr/share/applications,
#                           /usr/share/icons/hicolor/256x256/apps
#   ./install.sh --user     this user only: ~/.local/opt/mykey-terminal, ~/.local/share/...
#   --prefix DIR            install the program folder to DIR instead
# Re-running replaces the program folder; the clerk's data (~/.local/share/mykey-terminal or
# MYKEY_HOME) and the credential in the OS keyring are never touched.
src="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
mode=system
prefix=""
while [ $# -gt 0 ]; do
  case "$1" in
    --user) mode=user; shift ;;
    --system) mode=system; shift ;;
    --prefix) prefix="$2"; shift 2 ;;
    *) echo "使い方: $0 [--user|--system] [--prefix DIR]" >&2; exit 2 ;;
  esac
done

if [ "$mode" = system ]; then
  [ "$(id -u)" = 0 ] || { echo "システム全体へのインストールには root 権限が必要です（--user で個人用にインストールできます）。" >&2; exit 1; }
  prefix="${prefix:-/opt/mykey-terminal}"
  share="/usr/share"
else
  share="${XDG_DATA_HOME:-$HOME/.local/share}"
  prefix="${prefix:-$HOME/.local/opt/mykey-terminal}"
fi

apps="$share/applications"
icons="$share/icons/hicolor/256x256/apps"
mkdir -p "$(dirname "$prefix")" "$apps" "$icons"
rm -rf "$prefix.new"
cp -a "$src/mykey-terminal" "$prefix.new"
rm -rf "$prefix"
mv "$prefix.new" "$prefix"
install -m 0644 "$src/mykey-terminal.png" "$icons/mykey-terminal.png"
sed -e "s|@EXEC@|$prefix/mykey-terminal|" -e "s|@ICON@|mykey-terminal|" \
  "$src/mykey-terminal.desktop" > "$apps/mykey-terminal.desktop"
chmod 0644 "$apps/mykey-terminal.desktop"
command -v update-desktop-database >/dev/null && update-desktop-database -q "$apps" || true
echo "インストールしました: $prefix/mykey-terminal"
echo "メニュー項目: $apps/mykey-terminal.desktop"
