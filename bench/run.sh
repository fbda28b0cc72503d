#!/usr/bin/env bash
# Runs the load test for `make bench`: starts the real portal binary on the bench data
# set and the baseline server, both on free loopback ports, drives the load from a
# separate process (bench/load), and stops both servers however the run ends.
# Environment: BIN (portal binary), BASELINE (baseline binary), BENCH_DATA (data
# directory made by `portal bench-data`), GO, BENCH_ARGS (extra flags for bench/load),
# PUSH_ARGS (extra flags for bench/push).
set -euo pipefail

BIN=${BIN:-bin/portal}
BASELINE=${BASELINE:-bin/bench-baseline}
BENCH_DATA=${BENCH_DATA:-bench/data}
GO=${GO:-go}

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

# --trusted-proxies: bench/load sends each client's own X-Forwarded-For address, so
# the per-address login rate limit treats them as the separate lines they stand for.
# Its log (stderr, warnings and worse) is shown after the run; stdout only says where
# it listens.
"$BIN" --data "$BENCH_DATA" --listen "127.0.0.1:$port" --log-level warn --trusted-proxies 127.0.0.1 serve \
	>"$tmp/portal.out" 2>"$tmp/portal.log" &
server=$!
pids+=("$server")
"$BASELINE" -listen "127.0.0.1:$bport" -dir "$tmp" >"$tmp/baseline.log" 2>&1 &
pids+=("$!")
wait_up "http://127.0.0.1:$port/healthz" || { cat "$tmp/portal.out" "$tmp/portal.log" >&2; exit 1; }
wait_up "http://127.0.0.1:$bport/" || { cat "$tmp/baseline.log" >&2; exit 1; }
echo "bench: portal pid $server on 127.0.0.1:$port, baseline on 127.0.0.1:$bport"

# shellcheck disable=SC2086 # BENCH_ARGS is a list of flags
"$GO" run ./bench/load -base "http://127.0.0.1:$port" -baseline "http://127.0.0.1:$bport" -pid "$server" ${BENCH_ARGS:-}
# Issue 20: a million usage records pushed through the API by the billing system's
# account (after the load, so that its writes do not disturb the pages' figures).
echo
"$GO" run ./bench/push -base "http://127.0.0.1:$port" ${PUSH_ARGS:-}
if grep -q . "$tmp/portal.log"; then
	echo
	echo "bench: server warnings (last 20 lines):"
	tail -n 20 "$tmp/portal.log"
fi
