#!/usr/bin/env bash
# Builds the .deb with CPack from a finished build tree and checks it the way a person installing
# it would meet it: control fields, the exact file list, modes, maintainer scripts, and the files
# themselves after extracting the package into a scratch root (binary runs, desktop entry and unit
# validate, manual renders without warnings, the service account can be created).
#   check_deb.sh BUILD_DIR SOURCE_DIR VERSION
set -euo pipefail

build_dir=$1
source_dir=$2
version=$3

failures=0
fail() {
    echo "FAIL: $*" >&2
    failures=$((failures + 1))
}
pass() {
    echo "ok: $*"
}

scratch=$(mktemp -d "${TMPDIR:-/tmp}/spillway-deb.XXXXXX")
trap 'rm -rf "$scratch"' EXIT

echo "== cpack -G DEB"
if ! cpack -G DEB --config "$build_dir/CPackConfig.cmake" -B "$scratch/out" >"$scratch/cpack.log" 2>&1; then
    cat "$scratch/cpack.log" >&2
    echo "FAIL: cpack did not build the package" >&2
    exit 1
fi
deb=$(find "$scratch/out" -maxdepth 1 -name 'spillway_*.deb')
if [ "$(printf '%s\n' "$deb" | grep -c .)" != 1 ]; then
    echo "FAIL: expected one spillway_*.deb in $scratch/out, found: $(ls "$scratch/out")" >&2
    exit 1
fi
arch=$(dpkg --print-architecture)
[ "$(basename "$deb")" = "spillway_${version}_${arch}.deb" ] &&
    pass "file name $(basename "$deb")" ||
    fail "file name $(basename "$deb") is not spillway_${version}_${arch}.deb"

echo "== dpkg-deb --info"
dpkg-deb --info "$deb"
field() { dpkg-deb --field "$deb" "$1"; }
[ "$(field Package)" = spillway ] && pass "Package: spillway" || fail "Package: $(field Package)"
[ "$(field Version)" = "$version" ] && pass "Version: $version" ||
    fail "Version: $(field Version), expected $version"
[ "$(field Architecture)" = "$arch" ] && pass "Architecture: $arch" ||
    fail "Architecture: $(field Architecture)"
depends=$(field Depends)
depends_on() { printf '%s\n' "$depends" | tr ',' '\n' | sed 's/^ *//; s/ .*//' | grep -qxF "$1"; }
for package in adduser libqt6core6 libqt6widgets6 librdkafka1 libpq5 libmicrohttpd12; do
    depends_on "$package" && pass "Depends names $package" || fail "Depends lacks $package: $depends"
done
# dpkg-shlibdeps must have covered every library the binary loads: each NEEDED entry's Debian
# package is named in Depends.
binary_in_build=$(find "$build_dir/app" -maxdepth 1 -name spillway -type f)
for soname in $(readelf -d "$binary_in_build" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p'); do
    # awk reads to the end: an early exit would SIGPIPE ldconfig, which pipefail turns into a failure.
    path=$(ldconfig -p | awk -v so="$soname" '$1 == so && /x86-64|x86_64/ && !found { print $NF; found = 1 }')
    owner=$( { dpkg -S "$path" 2>/dev/null || dpkg -S "$(readlink -f "$path")"; } | head -1 | cut -d: -f1)
    if [ -z "$owner" ]; then
        fail "no Debian package owns $soname ($path)"
    elif depends_on "$owner"; then
        pass "Depends covers $soname ($owner)"
    else
        fail "Depends lacks $owner for $soname: $depends"
    fi
done
[ "$(field Recommends)" = postgresql-15 ] && pass "Recommends: postgresql-15" ||
    fail "Recommends: $(field Recommends)"

echo "== dpkg-deb --contents"
dpkg-deb --contents "$deb" | tee "$scratch/contents.txt"
# Files and links only (directories end in /), as absolute paths.
awk '$1 !~ /^d/ { path = $6; sub(/^\./, "", path); print path }' "$scratch/contents.txt" |
    sort >"$scratch/actual.txt"
while read -r path keyword source; do
    case "$path" in '' | '#'*) continue ;; esac
    if [ "$keyword" = if ] && [ ! -e "$source_dir/$source" ]; then
        continue
    fi
    echo "$path"
done <"$(dirname "$0")/expected-files.txt" | sort >"$scratch/expected.txt"
if diff -u "$scratch/expected.txt" "$scratch/actual.txt" >"$scratch/files.diff"; then
    pass "the package holds exactly the $(wc -l <"$scratch/expected.txt") expected files"
else
    fail "file list differs from tests/packaging/expected-files.txt (- expected, + packaged):"
    cat "$scratch/files.diff" >&2
fi
# Owner root, executables 0755, everything else 0644: nothing writable by others, no setuid.
while read -r mode owner _ _ _ path; do
    case "$mode" in d*) continue ;; esac
    path=${path#.}
    expected_mode=-rw-r--r--
    [ "$path" = /usr/bin/spillway ] && expected_mode=-rwxr-xr-x
    [ "$owner" = root/root ] || fail "$path is owned by $owner, not root/root"
    [ "$mode" = "$expected_mode" ] || fail "$path has mode $mode, not $expected_mode"
done <"$scratch/contents.txt"

echo "== maintainer scripts and conffiles"
mkdir "$scratch/control"
dpkg-deb --control "$deb" "$scratch/control"
for script in postinst prerm postrm; do
    if [ -x "$scratch/control/$script" ] && sh -n "$scratch/control/$script"; then
        pass "$script is an executable shell script"
    else
        fail "$script is missing, not executable or not valid sh"
    fi
done
grep -q 'systemd-sysusers' "$scratch/control/postinst" && grep -q 'adduser --system' "$scratch/control/postinst" &&
    pass "postinst creates the spillway account" || fail "postinst does not create the spillway account"
if [ -e "$source_dir/packaging/spillway.conf" ]; then
    grep -qx /etc/spillway/spillway.conf "$scratch/control/conffiles" 2>/dev/null &&
        pass "/etc/spillway/spillway.conf is a conffile" ||
        fail "/etc/spillway/spillway.conf is not listed in conffiles"
fi

echo "== extracted into a scratch root"
root=$scratch/root
dpkg-deb -x "$deb" "$root"
binary=$root/usr/bin/spillway
missing_libraries=$(ldd "$binary" | grep 'not found' || true)
[ -z "$missing_libraries" ] && pass "every shared library of the binary resolves" ||
    fail "unresolved libraries: $missing_libraries"
version_text=$("$binary" --version)
[ "$version_text" = "spillway $version" ] && pass "--version prints \"$version_text\"" ||
    fail "--version printed \"$version_text\", expected \"spillway $version\""
if help_text=$("$binary" --help) && printf '%s' "$help_text" | grep -q -- '--headless'; then
    pass "--help exits 0 and documents --headless"
else
    fail "--help failed or lacks --headless"
fi

if command -v desktop-file-validate >/dev/null; then
    desktop_report=$(desktop-file-validate "$root/usr/share/applications/spillway.desktop" 2>&1) &&
        [ -z "$desktop_report" ] && pass "desktop-file-validate: no findings" ||
        fail "desktop-file-validate: $desktop_report"
else
    fail "desktop-file-validate not installed (Debian: desktop-file-utils)"
fi
grep -qx 'Icon=spillway' "$root/usr/share/applications/spillway.desktop" &&
    [ -s "$root/usr/share/icons/hicolor/scalable/apps/spillway.svg" ] &&
    pass "the desktop entry's icon is installed" || fail "the desktop entry's icon is missing"
for size in 48 256; do
    png=$root/usr/share/icons/hicolor/${size}x${size}/apps/spillway.png
    if [ -f "$png" ] && file "$png" | grep -q "PNG image data, $size x $size"; then
        pass "icon ${size}x${size} is a ${size}x${size} PNG"
    else
        fail "icon ${size}x${size}: $(file "$png" 2>&1)"
    fi
done

manual=$root/usr/share/man/man1/spillway.1.gz
if [ -f "$manual" ]; then
    groff_warnings=$(zcat "$manual" | groff -man -Tutf8 -ww -z 2>&1)
    [ -z "$groff_warnings" ] && pass "the manual renders without groff warnings" ||
        fail "groff warnings in the manual: $groff_warnings"
    manual_text=$(zcat "$manual" | groff -man -Tutf8 -P-c 2>/dev/null | col -b)
    for needle in --headless --batch-size /etc/spillway/spillway.conf 'systemctl enable --now spillway'; do
        printf '%s' "$manual_text" | grep -qF -- "$needle" && pass "the manual mentions $needle" ||
            fail "the manual does not mention $needle"
    done
else
    fail "no manual page in the package"
fi

unit=$root/lib/systemd/system/spillway.service
grep -qx 'ExecStart=/usr/bin/spillway --headless --config /etc/spillway/spillway.conf --api-token-file /etc/spillway/api-token' "$unit" &&
    grep -qx 'User=spillway' "$unit" && pass "the unit runs the headless engine as spillway" ||
    fail "the unit's ExecStart or User is not as documented"
if command -v systemd-analyze >/dev/null; then
    # The unit as packaged, but pointing at the extracted binary (nothing is installed on this
    # machine); --man=no: the manual is not installed either (it is checked above).
    mkdir "$scratch/unit"
    sed "s|^ExecStart=/usr/bin/spillway |ExecStart=$binary |" "$unit" >"$scratch/unit/spillway.service"
    analyze_report=$(systemd-analyze verify --man=no "$scratch/unit/spillway.service" 2>&1) &&
        [ -z "$analyze_report" ] && pass "systemd-analyze verify: no findings" ||
        fail "systemd-analyze verify: $analyze_report"
    # The sandbox stays tight: exposure 2.5 or lower on systemd's 0-10 scale.
    exposure=$(systemd-analyze security --offline=yes "$scratch/unit/spillway.service" 2>&1 |
        sed -n 's/.*Overall exposure level for spillway.service: \([0-9.]*\).*/\1/p')
    if systemd-analyze security --offline=yes --threshold=25 "$scratch/unit/spillway.service" \
        >/dev/null 2>&1; then
        pass "systemd-analyze security: exposure $exposure (at most 2.5)"
    else
        fail "systemd-analyze security: exposure ${exposure:-unknown} is above 2.5"
    fi
else
    fail "systemd-analyze not installed (Debian: systemd)"
fi
if command -v systemd-sysusers >/dev/null; then
    mkdir -p "$root/etc"
    : >"$root/etc/passwd"
    : >"$root/etc/group"
    # With --root a bare name is looked up in the root's sysusers.d directories.
    systemd-sysusers --root="$root" spillway.conf >/dev/null 2>&1 || true
    grep -q '^spillway:x:[0-9]*:[0-9]*:Spillway ingestion service:/var/lib/spillway:' "$root/etc/passwd" &&
        pass "systemd-sysusers creates the spillway account from the packaged snippet" ||
        fail "systemd-sysusers did not create spillway: $(cat "$root/etc/passwd")"
fi

if [ "$failures" -ne 0 ]; then
    echo "$failures check(s) failed" >&2
    exit 1
fi
echo "all package checks passed"
