#!/bin/sh
# Runs one fuzz target with its package's instrumented test binary, as `go test -fuzz`
# would, for `make fuzz`. Usage: scripts/fuzz-one.sh BINARY DIR TARGET FUZZTIME CACHE
#
# Go 1.26's fuzzing coordinator can end a run bounded by time with a bare "context
# deadline exceeded" when -fuzztime runs out while a worker is inside a call
# (https://go.dev/issue/75804, fixed in Go 1.27): no input failed and none is written,
# and on a busy 2-core machine it turned `make test` red. Such a run, and only such a
# run, is tried once more; a failing input, a panic or a second failure fails.
set -u
bin=$1 dir=$2 target=$3 fuzztime=$4 cache=$5
log=$(mktemp)
trap 'rm -f "$log"' EXIT
for try in 1 2; do
	(cd "$dir" && "$bin" -test.run '^$' -test.fuzz "^$target\$" -test.fuzztime "$fuzztime" \
		-test.fuzzcachedir "$cache" -test.paniconexit0) >"$log" 2>&1
	rc=$?
	cat "$log"
	[ "$rc" -eq 0 ] && exit 0
	if [ "$try" -eq 1 ] && grep -qx '    context deadline exceeded' "$log" &&
		! grep -q -e 'Failing input written' -e '^panic:' -e 'fuzz: minimizing' "$log"; then
		echo "fuzz: $target stopped on Go's fuzztime race (go.dev/issue/75804) with no failing input; once more"
		continue
	fi
	exit "$rc"
done
