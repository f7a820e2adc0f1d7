#!/usr/bin/env bash
# Write chatvault.pc (pkg-config) for an installation to standard output.
#
#   tools/chatvault-pc.sh PREFIX [LIBDIR] [INCLUDEDIR] > chatvault.pc
#
# LIBDIR defaults to PREFIX/lib and INCLUDEDIR to PREFIX/include. Install
# include/chatvault.h into INCLUDEDIR, libchatvault.so and/or libchatvault.a
# (from target/release) into LIBDIR, and the output into LIBDIR/pkgconfig.
# Then `pkg-config --cflags --libs chatvault` links the shared library and
# `pkg-config --static --cflags --libs chatvault` the static one (the system
# libraries the Rust standard library needs are in Libs.private).
set -euo pipefail

if [[ $# -lt 1 || $# -gt 3 ]]; then
    echo "usage: $0 PREFIX [LIBDIR] [INCLUDEDIR]" >&2
    exit 2
fi
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
prefix="$1"
libdir="${2:-\${prefix\}/lib}"
includedir="${3:-\${prefix\}/include}"
version="$(sed -n 's/^version *= *"\(.*\)"/\1/p' "$here/Cargo.toml" | head -n 1)"
if [[ -z "$version" ]]; then
    echo "$0: no version in $here/Cargo.toml" >&2
    exit 1
fi
# What `cargo rustc -- --print native-static-libs` reports on Linux glibc
# for the static library, less the C library itself.
libs_private="-lgcc_s -lutil -lrt -lpthread -lm -ldl"

sed -e "s|@PREFIX@|$prefix|g" \
    -e "s|@LIBDIR@|$libdir|g" \
    -e "s|@INCLUDEDIR@|$includedir|g" \
    -e "s|@VERSION@|$version|g" \
    -e "s|@LIBS_PRIVATE@|$libs_private|g" \
    "$here/chatvault.pc.in"
