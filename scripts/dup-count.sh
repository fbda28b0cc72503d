#!/bin/sh
# Counts the pairs of repeated places in the non-test code, as issue 18 measured it:
# the tracked files without *_test.go and without the browser suite (e2e/), read by the
# `duplicates` tool of the development machines. Usage: scripts/dup-count.sh [REV] [--most N]
set -e
rev=
most=1
while [ $# -gt 0 ]; do
  case $1 in
    --most) most=$2; shift 2 ;;
    *) rev=$1; shift ;;
  esac
done
command -v duplicates >/dev/null || { echo "dup-count: the duplicates tool is not installed here"; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
if [ -n "$rev" ]; then
  git archive "$rev" | tar -x -C "$tmp"
else
  git ls-files | tar -c -T - | tar -x -C "$tmp"
fi
find "$tmp" -name '*_test.go' -delete
rm -rf "$tmp/e2e"
cd "$tmp" && duplicates --repo . --most "$most" --seconds 300
