#!/usr/bin/env bash
# Runs the load test for `make bench`: starts the real portal binary on the bench data
# set and the baseline server, both on free loopback ports, drives the load from a
# separate process (bench/load), then the usage and traffic pushes and the login
# benchmark (bench/push), and stops the servers however the run ends. With SCALE set,
# the page load runs again on BENCH_DATA-SCALE and is printed beside the first.
# Environment: BIN (portal binary), BASELINE (baseline binary), BENCH_DATA (data
# directory made by `portal bench-data`), SCALE, LOAD and PUSH (the built drivers),
# BENCH_ARGS (extra flags for bench/load), PUSH_ARGS (extra flags for bench/push),
# BENCH_PPROF (host:port: the server serves pprof there and bench/push saves a CPU
# profile of each traffic order into bench/results), PGRUN_DATABASE_URL (an empty
# PostgreSQL database, from pgrun: make bench DB=postgres copies the data set into it
# and runs the page load again on PostgreSQL, printed beside the SQLite run).
set -euo pipefail

BIN=${BIN:-bin/portal}
BASELINE=${BASELINE:-bin/bench-baseline}
BENCH_DATA=${BENCH_DATA:-bench/data}
LOAD=${LOAD:-bin/bench-load}
PUSH=${PUSH:-bin/bench-push}
SCALE=${SCALE:-}

# free_port prints a loopback port nobody listens on, starting at $1.
free_port() {
	local p=$1
	while (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; do p=$((p + 1)); done
	echo "$p"
}

# wait_up waits until URL answers, for at most 30 s.
wait_up() {
	for _ in $(seq 300); do
		if curl -fsS -o /dev/null "$1" 2>/dev/null; then return 0; fi
		sleep 0.1
	done
	echo "bench: $1 did not come up" >&2
	return 1
}

port=$(free_port 9180)
bport=$(free_port $((port + 10)))
tmp=$(mktemp -d)
pids=()
cleanup() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
	for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
	rm -rf "$tmp"
}
trap cleanup EXIT INT TERM

# start_portal DIR starts the portal on DIR and sets $server.
# --trusted-proxies: bench/load sends each client's own X-Forwarded-For address, so
# the per-address login rate limit treats them as the separate lines they stand for.
# Its log (stderr, warnings and worse) is shown after the run; stdout only says where
# it listens.
start_portal() {
	# shellcheck disable=SC2086 # PIN is a command and its arguments
	PORTAL_BENCH_PPROF=${BENCH_PPROF:-} ${PIN:-} "$BIN" --data "$1" ${DATABASE:+--database "$DATABASE"} --listen "127.0.0.1:$port" --log-level warn \
		--trusted-proxies 127.0.0.1 serve >"$tmp/portal.out" 2>>"$tmp/portal.log" &
	server=$!
	pids+=("$server")
	wait_up "http://127.0.0.1:$port/healthz" || { cat "$tmp/portal.out" "$tmp/portal.log" >&2; exit 1; }
	echo "bench: portal pid $server on 127.0.0.1:$port ($1${DATABASE:+ on PostgreSQL})"
}

stop_portal() {
	kill "$server" && wait "$server" 2>/dev/null || true
}

"$BASELINE" -listen "127.0.0.1:$bport" -dir "$tmp" >"$tmp/baseline.log" 2>&1 &
pids+=("$!")
wait_up "http://127.0.0.1:$bport/" || { cat "$tmp/baseline.log" >&2; exit 1; }
echo "bench: baseline on 127.0.0.1:$bport; load average: $(cut -d' ' -f1-3 /proc/loadavg)"

mkdir -p bench/results
stamp=$(date +%Y%m%d-%H%M%S)
report=bench/results/bench-$stamp.json
start_portal "$BENCH_DATA"
# shellcheck disable=SC2086 # BENCH_ARGS is a list of flags
"$LOAD" -base "http://127.0.0.1:$port" -baseline "http://127.0.0.1:$bport" -pid "$server" -json "$report" ${BENCH_ARGS:-}
if [ -n "$SCALE" ]; then
	stop_portal
	echo
	echo "bench: the same page load on $SCALE clients ($BENCH_DATA-$SCALE, generated in $(cat "$BENCH_DATA-$SCALE/.gen-seconds" 2>/dev/null || echo '?') s)"
	start_portal "$BENCH_DATA-$SCALE"
	# shellcheck disable=SC2086
	"$LOAD" -base "http://127.0.0.1:$port" -baseline "http://127.0.0.1:$bport" -pid "$server" \
		-json "bench/results/bench-$stamp-$SCALE.json" -compare "$report" -scale "$SCALE" \
		-gen-seconds "$(cat "$BENCH_DATA-$SCALE/.gen-seconds" 2>/dev/null || echo 0)" ${BENCH_ARGS:-}
	stop_portal
	start_portal "$BENCH_DATA"
fi
# Issue 24: the same page load on PostgreSQL, on a copy of the same data set, printed
# beside the SQLite run of this invocation (each page's target: >= 70 % of SQLite's).
if [ -n "${PGRUN_DATABASE_URL:-}" ]; then
	stop_portal
	echo
	echo "bench: copying $BENCH_DATA/portal.db into PostgreSQL"
	"$BIN" --data "$BENCH_DATA" --log-level warn migrate-to-postgres --from "$BENCH_DATA/portal.db" --to "$PGRUN_DATABASE_URL"
	DATABASE=$PGRUN_DATABASE_URL start_portal "$BENCH_DATA"
	# shellcheck disable=SC2086
	"$LOAD" -base "http://127.0.0.1:$port" -baseline "http://127.0.0.1:$bport" -pid "$server" \
		-json "bench/results/bench-$stamp-postgres.json" -compare "$report" -engine postgres ${BENCH_ARGS:-}
	stop_portal
	# The same pair again with the database server on a CPU of its own, as several
	# portal instances would have it (issue 24): PostgreSQL's processes on the last
	# CPU, each portal and the load on the others. On the shared CPUs above, every
	# microsecond a PostgreSQL backend spends on a query is taken from the portal;
	# here both portals get the same CPUs and only the database's own work moves.
	pm=$(head -n 1 "${PGRUN_DATA_DIR:-/nonexistent}/postmaster.pid" 2>/dev/null || true)
	last=$(($(nproc) - 1))
	if [ "$last" -ge 1 ] && [ -n "$pm" ] && command -v taskset >/dev/null &&
		taskset -apc "$last" "$pm" >/dev/null 2>&1; then
		rest="0-$((last - 1))"
		for p in $(pgrep -P "$pm"); do taskset -pc "$last" "$p" >/dev/null 2>&1 || true; done
		echo
		echo "bench: the database server on CPU $last, the portals and the load on CPU $rest"
		PIN="taskset -c $rest" start_portal "$BENCH_DATA"
		# shellcheck disable=SC2086
		taskset -c "$rest" "$LOAD" -base "http://127.0.0.1:$port" -baseline "http://127.0.0.1:$bport" -pid "$server" \
			-json "bench/results/bench-$stamp-sqlite-pinned.json" -login-bench 0 ${BENCH_ARGS:-} >"$tmp/pinned-sqlite.out"
		echo "bench: SQLite run on CPU $rest done (bench/results/bench-$stamp-sqlite-pinned.json)"
		stop_portal
		DATABASE=$PGRUN_DATABASE_URL PIN="taskset -c $rest" start_portal "$BENCH_DATA"
		# shellcheck disable=SC2086
		taskset -c "$rest" "$LOAD" -base "http://127.0.0.1:$port" -baseline "http://127.0.0.1:$bport" -pid "$server" \
			-json "bench/results/bench-$stamp-postgres-pinned.json" -compare "bench/results/bench-$stamp-sqlite-pinned.json" \
			-engine postgres -placement "database server on its own CPU" -login-bench 0 ${BENCH_ARGS:-}
		stop_portal
		taskset -apc "0-$last" "$pm" >/dev/null 2>&1 || true
		for p in $(pgrep -P "$pm"); do taskset -pc "0-$last" "$p" >/dev/null 2>&1 || true; done
	else
		echo "bench: no second PostgreSQL comparison (it needs 2 CPUs and taskset on the server's processes)"
	fi
	start_portal "$BENCH_DATA"
fi
# Issue 20: a million usage records pushed through the API by the billing system's
# account, and issue 25's traffic push in both orders (after the load, so that their
# writes do not disturb the pages' figures). It adds its figures and targets to the
# report of the 10,000-client run.
echo
pprof=()
if [ -n "${BENCH_PPROF:-}" ]; then pprof=(-pprof "$BENCH_PPROF"); fi
# shellcheck disable=SC2086 # PUSH_ARGS is a list of flags
"$PUSH" -base "http://127.0.0.1:$port" -pid "$server" -report "$report" "${pprof[@]}" ${PUSH_ARGS:-}
echo "bench: load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
if grep -q . "$tmp/portal.log"; then
	echo
	echo "bench: server warnings (last 20 lines):"
	tail -n 20 "$tmp/portal.log"
fi
