#!/usr/bin/env bash
# Builds the Debian package from a build tree, unpacks it into a scratch root
# and checks what a user gets: the dependencies dpkg-shlibdeps found, the
# installed causeway starting with the system's Qt, and the desktop entry,
# AppStream metainfo, icon and MIME types as installed.
#   check-deb.sh BUILD_DIR APP_ID
set -euo pipefail

build=$1
app_id=$2
source_dir=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

fail() { echo "FAIL: $*" >&2; exit 1; }

cpack --config "$build/CPackConfig.cmake" -G DEB -B "$work/out" >"$work/cpack.log" 2>&1 \
    || { cat "$work/cpack.log" >&2; fail "cpack -G DEB"; }
debs=("$work"/out/causeway_*.deb)
[ -f "${debs[0]}" ] || fail "cpack wrote no causeway_*.deb"
deb=${debs[0]}
echo "package: $(basename "$deb") ($(du -k "$deb" | cut -f1) KiB)"

# Depends: the libraries dpkg-shlibdeps found, plus the Qt platform plugins.
depends=$(dpkg-deb -f "$deb" Depends)
echo "Depends: $depends"
names=$(sed 's/ *([^)]*)//g; s/, */\n/g' <<<"$depends")
for pkg in libc6 libstdc++6 libqt6core6 libqt6gui6 libqt6widgets6 libqt6svg6 \
           libgvc6 libcgraph6 libsimdjson14 libzstd1 zlib1g libgrpc++1.51 libcurl4 qt6-qpa-plugins; do
    grep -Fxq "$pkg" <<<"$names" || fail "Depends lacks $pkg"
done

dpkg-deb -x "$deb" "$work/root"
root=$work/root
share=$root/usr/share
for f in usr/bin/causeway \
         usr/lib/causeway/causeway-otlp-grpc.so \
         usr/lib/causeway/causeway-http.so \
         "usr/share/applications/$app_id.desktop" \
         "usr/share/metainfo/$app_id.metainfo.xml" \
         usr/share/icons/hicolor/scalable/apps/causeway.svg \
         usr/share/mime/packages/causeway.xml \
         usr/share/causeway/samples/causeway-sample.jsonl; do
    [ -e "$root/$f" ] || fail "package lacks /$f"
done

if dpkg-deb -c "$deb" | grep -q 'samples/generate'; then fail "package carries the sample generator's Node.js files"; fi

# The installed program, on the system's libraries.
bin=$root/usr/bin/causeway
"$bin" --help >"$work/help.txt" || fail "causeway --help exited $?"
grep -q "causeway COMMAND --help" "$work/help.txt" || fail "causeway --help printed: $(cat "$work/help.txt")"
"$bin" stats --json "$share/causeway/samples/causeway-sample.jsonl" >"$work/stats.json" \
    || fail "causeway stats on the installed sample exited $?"
grep -Eq '"spans": *[1-9]' "$work/stats.json" || fail "stats on the installed sample: $(cat "$work/stats.json")"
# The OTLP/gRPC receiver, a module the installed causeway finds beside it.
rc=0
"$bin" receive --no-http --grpc 127.0.0.1:0 --write "$work/received.jsonl" --duration 1 >"$work/receive.txt" 2>&1 || rc=$?
[ "$rc" -eq 0 ] || { cat "$work/receive.txt" >&2; fail "causeway receive --grpc exited $rc"; }
grep -q "OTLP/gRPC on 127.0.0.1:" "$work/receive.txt" || fail "causeway receive --grpc printed: $(cat "$work/receive.txt")"
# The HTTP client of the trace backends, the other module: a backend that
# does not answer is reported as unreachable, not as a client missing.
"$bin" fetch --backend http://127.0.0.1:1 --backend-kind tempo -o "$work/fetched.json" \
    0123456789abcdef0123456789abcdef >"$work/fetch.txt" 2>&1 && fail "causeway fetch from a closed port exited 0"
grep -q "is unreachable" "$work/fetch.txt" || fail "causeway fetch from a closed port printed: $(cat "$work/fetch.txt")"
# The window comes up and stays up until it is told to stop.
rc=0
XDG_CONFIG_HOME=$work/config QT_QPA_PLATFORM=offscreen timeout 5 "$bin" "$share/causeway/samples/causeway-sample.jsonl" \
    >"$work/gui.log" 2>&1 || rc=$?
[ "$rc" -eq 124 ] || { cat "$work/gui.log" >&2; fail "the GUI exited $rc within 5 s"; }

# Desktop entry and metainfo, as validators see them.
desktop=$share/applications/$app_id.desktop
metainfo=$share/metainfo/$app_id.metainfo.xml
desktop-file-validate "$desktop" || fail "desktop-file-validate $app_id.desktop"
appstreamcli validate --no-net --pedantic "$metainfo" || fail "appstreamcli validate $app_id.metainfo.xml"
grep -q "<id>$app_id</id>" "$metainfo" || fail "metainfo id is not $app_id"
grep -q "<launchable type=\"desktop-id\">$app_id.desktop</launchable>" "$metainfo" \
    || fail "metainfo does not launch $app_id.desktop"
version=$(dpkg-deb -f "$deb" Version)
grep -q "<release version=\"$version\"" "$metainfo" || fail "metainfo has no release $version"
# Every screenshot is one of the README's, named by its path in the repository.
shots=$(grep -o 'https://[^<]*/docs/screenshots/[^<]*\.png' "$metainfo") || fail "metainfo has no screenshots"
for url in $shots; do
    [ -f "$source_dir/docs/screenshots/$(basename "$url")" ] || fail "screenshot $url is not in docs/screenshots"
done
grep -q '^Icon=causeway$' "$desktop" || fail "desktop entry's Icon is not causeway"

# MIME: the entry claims exactly the types the package registers, none of the
# generic ones every .json or .gz on the machine has.
claimed=$(sed -n 's/^MimeType=//p' "$desktop" | tr ';' '\n' | sed '/^$/d' | sort)
registered=$(grep -o '<mime-type type="[^"]*"' "$share/mime/packages/causeway.xml" | cut -d'"' -f2 | sort)
[ "$claimed" = "$registered" ] || fail "MimeType= ($claimed) differs from the registered types ($registered)"
for generic in application/json application/gzip application/zstd application/x-protobuf application/octet-stream text/plain; do
    if grep -qx "$generic" <<<"$claimed"; then fail "desktop entry claims $generic"; fi
done
for t in $registered; do
    grep -q "<mediatype>$t</mediatype>" "$metainfo" || fail "metainfo does not provide $t"
done

# What a file manager decides, with the package's types added to the system's.
XDG_DATA_DIRS=$share:/usr/share update-mime-database "$share/mime" || fail "update-mime-database rejected causeway.xml"
mkdir -p "$work/home" "$work/files"
printf '{"resourceSpans":[]}\n' >"$work/files/trace.otlp.json"
printf '{"resourceSpans":[]}\n' >"$work/files/trace.otlp.jsonl"
printf '{"resourceSpans":[]}\n' >"$work/files/collector-output"
printf '{"resourceSpans":[]}\n' >"$work/files/trace.json"
printf '{"a":1}\n' >"$work/files/other.json"
printf '\n\x00' >"$work/files/trace.otlp.pb"
printf '\n\x00' >"$work/files/trace.otlp.bin"
gzip -c "$work/files/trace.otlp.json" >"$work/files/trace.otlp.json.gz"
gzip -c "$work/files/other.json" >"$work/files/other.json.gz"
zstd -q -c "$work/files/trace.otlp.jsonl" >"$work/files/trace.otlp.jsonl.zst"
mime_of() {
    XDG_DATA_HOME=$work/home XDG_DATA_DIRS=$share:/usr/share \
        gio info -a standard::content-type "$work/files/$1" | sed -n 's/^ *standard::content-type: //p'
}
expect_mime() {
    local got
    got=$(mime_of "$1")
    [ "$got" = "$2" ] || fail "$1 is $got, expected $2"
}
expect_mime trace.otlp.json application/x-otlp-json
expect_mime trace.otlp.jsonl application/x-otlp-jsonl
expect_mime collector-output application/x-otlp-json
expect_mime trace.otlp.pb application/x-otlp-protobuf
expect_mime trace.otlp.bin application/x-otlp-protobuf
expect_mime trace.otlp.json.gz application/x-otlp-gzip
expect_mime trace.otlp.jsonl.zst application/x-otlp-zstd
expect_mime trace.json application/json
expect_mime other.json application/json
expect_mime other.json.gz application/gzip

echo "package checks passed"
