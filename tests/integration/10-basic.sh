# Basics: a watch fires, output formats, how a watch ends, detach/unwatch, listen, libvmon.
. "$REPO/tests/integration/targets.sh"

# A JSON trigger with every field right; the watch ends after --count 1.
test_watch_fires_json() {
	local ev t secs up
	start_target
	start_watch "$TMP/w" --pid "$T_PID" --addr "$T_ADDR" --len 4 --gt 150 --json \
		--count 1 --interval 1ms --name basic --timeout 60s
	_poll 20 listed_for "$T_PID" || fail "the watch never showed in vmon list: $(cat "$TMP/w.err")"
	tcmd "set 150"
	sleep 0.3
	assert_eq "$(count_triggers "$TMP/w")" 0 "events while the value is 150 (not > 150)"

	tcmd "set 151"
	wait_triggers 20 "$TMP/w" 1
	ev=$(triggers "$TMP/w")
	assert_field "$ev" value 151
	assert_field "$ev" op ">"
	assert_field "$ev" threshold 150
	assert_field "$ev" pid "$T_PID"
	assert_field "$ev" len 4
	assert_field "$ev" signed true
	assert_field "$ev" name basic
	assert_field "$ev" hits 1
	assert_field "$ev" suppressed 0
	assert_match "$(jget "$ev" addr)" '^0x[0-9a-f]+$' "addr (a hex string)"
	assert_eq "$(($(jget "$ev" addr)))" "$((T_ADDR))" "addr"
	assert_match "$(jget "$ev" watch_id)" '^[0-9]+$' "watch_id"
	assert_match "$(jget "$ev" seq)" '^[0-9]+$' "seq"

	t=$(jget "$ev" time)
	assert_match "$t" '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{9}Z$' "time"
	secs=$(($(date -u -d "${t%.*}Z" +%s) - $(date +%s)))
	[ "${secs#-}" -lt 300 ] || fail "event time $t is $secs s away from now"
	up=$(cut -d . -f 1 /proc/uptime)
	secs=$(($(jget "$ev" mono_ns) / 1000000000 - up))
	[ "${secs#-}" -lt 60 ] || fail "mono_ns $(jget "$ev" mono_ns) is not CLOCK_MONOTONIC (uptime $up s)"

	wait_exit 20 "$W_PID"
	assert_eq "$RC" 0 "exit status of vmon watch --count 1"
	assert_eq "$(wc -l <"$TMP/w")" 1 "lines printed by vmon watch --count 1"
	run "$VMON" list --json --pid "$T_PID"
	assert_eq "$OUT" "" "watches left after vmon watch ended"
}

# Without --json: one human-readable line per event.
test_watch_text_output() {
	start_target
	tcmd "set -7"
	run "$VMON" watch --pid "$T_PID" --addr "$T_ADDR" --len 4 --lt -6 --count 2 \
		--cooldown 10ms --interval 1ms --timeout 30s
	assert_eq "$RC" 0 "exit status"
	# One header line per event, each followed by its indented report.
	assert_eq "$(printf '%s\n' "$OUT" | grep -c '^[^ ]')" 2 "event lines for --count 2"
	assert_match "$OUT" '(^|[^0-9])-7([^0-9]|$)' "event text"
	assert_no_match "$OUT" '^[[:space:]]*\{' "text output"
}

# --timeout ends a quiet watch with status 0, no output, and no watch left.
test_watch_timeout() {
	local t0 ms
	start_target
	t0=$(date +%s%N)
	run "$VMON" watch --pid "$T_PID" --addr "$T_ADDR" --len 4 --gt 150 --json \
		--interval 1ms --timeout 1s
	ms=$((($(date +%s%N) - t0) / 1000000))
	assert_eq "$RC" 0 "exit status after --timeout"
	assert_eq "$OUT" "" "output of a watch that never fired"
	[ "$ms" -ge 900 ] || fail "--timeout 1s returned after $ms ms"
	[ "$ms" -lt 30000 ] || fail "--timeout 1s returned after $ms ms"
	run "$VMON" list --json --pid "$T_PID"
	assert_eq "$OUT" "" "watches left"
}

# Ctrl-C: exit 0 and the watch is removed.
test_watch_sigint() {
	start_target
	start_watch "$TMP/w" --pid "$T_PID" --addr "$T_ADDR" --len 4 --gt 150 --json
	_poll 20 listed_for "$T_PID" || fail "the watch never showed in vmon list: $(cat "$TMP/w.err")"
	sleep 0.5	# from adding the watch to waiting for events: a short window
	kill -INT "$W_PID"
	wait_exit 20 "$W_PID"
	assert_eq "$RC" 0 "exit status after SIGINT"
	run "$VMON" list --json --pid "$T_PID"
	assert_eq "$OUT" "" "watches left after SIGINT"
}

# SIGKILL: the kernel drops the watch when the owner's socket closes.
test_watch_sigkill() {
	start_target
	start_watch "$TMP/w" --pid "$T_PID" --addr "$T_ADDR" --len 4 --gt 150 --json
	_poll 20 listed_for "$T_PID" || fail "the watch never showed in vmon list: $(cat "$TMP/w.err")"
	kill -KILL "$W_PID"
	_poll 20 eval '! listed_for "$T_PID"' ||
		fail "watch of a SIGKILLed vmon still listed: $("$VMON" list --json --pid "$T_PID")"
}

_hits_at_least() {
	local hits
	hits=$(jget "$(list_line "$1")" hits)
	[ -n "$hits" ] && [ "$hits" -ge "$2" ]
}

# --detach: an id, owned by nobody, keeps working, and unwatch removes it.
test_detach_and_unwatch() {
	local id line
	start_target
	detach --pid "$T_PID" --addr "$T_ADDR" --len 4 --gt 150 --interval 1ms --name det
	id=$WID
	on_exit "'$VMON' unwatch $id"
	line=$(list_line "$id") || fail "detached watch $id not in vmon list --json"
	assert_field "$line" detached true
	assert_field "$line" owner_portid null
	assert_field "$line" pid "$T_PID"
	assert_eq "$(($(jget "$line" addr)))" "$((T_ADDR))" "addr"
	assert_field "$line" len 4
	assert_field "$line" signed true
	assert_match "$(jget "$line" op)" '^(>|gt)$' "op"
	assert_field "$line" threshold 150
	assert_field "$line" interval_ns 1000000
	assert_field "$line" cooldown_ns 5000000000
	assert_field "$line" hits 0
	assert_field "$line" name det
	run "$VMON" list
	assert_eq "$RC" 0 "vmon list exit status"
	assert_match "$OUT" 'detached' "vmon list (text) of a detached watch"

	tcmd "set 151"
	_poll 20 _hits_at_least "$id" 1 || fail "detached watch never hit: $(list_line "$id")"

	run "$VMON" unwatch "$id"
	assert_eq "$RC" 0 "vmon unwatch $id: $ERR"
	listed_id "$id" && fail "watch $id still listed after unwatch"
	return 0
}

# unwatch --pid removes that process's watches only; --all removes the rest.
test_unwatch_pid_and_all() {
	local p1 p2 a b c
	start_target
	p1=$T_PID
	detach --pid "$p1" --addr "$T_ADDR" --len 4 --gt 150
	a=$WID
	detach --pid "$p1" --addr "$T_ADDR" --len 8 --lt -150
	b=$WID
	start_target
	p2=$T_PID
	detach --pid "$p2" --addr "$T_ADDR" --len 4 --gt 150
	c=$WID
	on_exit "'$VMON' unwatch --all"

	run "$VMON" unwatch --pid "$p1"
	assert_eq "$RC" 0 "vmon unwatch --pid: $ERR"
	listed_id "$a" && fail "watch $a of pid $p1 still listed"
	listed_id "$b" && fail "watch $b of pid $p1 still listed"
	listed_id "$c" || fail "watch $c of pid $p2 was removed by unwatch --pid $p1"

	run "$VMON" unwatch --all
	assert_eq "$RC" 0 "vmon unwatch --all: $ERR"
	run "$VMON" list --json
	assert_eq "$OUT" "" "vmon list --json after unwatch --all"
}

# vmon listen sees every watch's events; --watch, --pid and --count filter and stop.
test_listen() {
	local p1 a b c ev
	if ! have_events_group; then
		run "$VMON" listen --timeout 1s
		assert_eq "$RC" 1 "vmon listen where the module has no events group: $OUT"
		assert_match "$ERR" "$NO_EVENTS_GROUP_RE" "the refusal"
		return 0
	fi
	start_target
	p1=$T_PID
	tcmd "set 151"
	detach --pid "$p1" --addr "$T_ADDR" --len 4 --gt 150 --cooldown 100ms --interval 1ms --name la
	a=$WID
	on_exit "'$VMON' unwatch $a"
	detach --pid "$p1" --addr "$T_ADDR" --len 4 --gt 100 --cooldown 100ms --interval 1ms --name lb
	b=$WID
	on_exit "'$VMON' unwatch $b"
	start_target
	tcmd "set 151"
	detach --pid "$T_PID" --addr "$T_ADDR" --len 4 --gt 150 --cooldown 100ms --interval 1ms --name lc
	c=$WID
	on_exit "'$VMON' unwatch $c"

	run "$VMON" listen --json --watch "$a" --count 3 --timeout 60s
	assert_eq "$RC" 0 "vmon listen --watch exit status: $ERR"
	printf '%s\n' "$OUT" >"$TMP/l1"
	assert_eq "$(count_triggers "$TMP/l1")" 3 "events from listen --watch $a --count 3"
	while read -r ev; do
		assert_field "$ev" watch_id "$a"
		assert_field "$ev" name la
		assert_field "$ev" value 151
	done < <(triggers "$TMP/l1")

	run "$VMON" listen --json --pid "$p1" --count 6 --timeout 60s
	assert_eq "$RC" 0 "vmon listen --pid exit status: $ERR"
	printf '%s\n' "$OUT" >"$TMP/l2"
	assert_eq "$(count_triggers "$TMP/l2")" 6 "events from listen --pid $p1 --count 6"
	while read -r ev; do
		assert_field "$ev" pid "$p1"
	done < <(triggers "$TMP/l2")
	triggers "$TMP/l2" | grep -qE "\"watch_id\":[[:space:]]*${b}[,}[:space:]]" ||
		fail "listen --pid $p1: no event of watch $b in 6 events: $OUT"

	run "$VMON" listen --count 1 --timeout 60s
	assert_eq "$RC" 0 "vmon listen (text) exit status: $ERR"
	assert_eq "$(printf '%s\n' "$OUT" | grep -c '^[^ ]')" 1 "event lines from listen --count 1"
	assert_no_match "$OUT" '^[[:space:]]*\{' "text output of vmon listen"

	run "$VMON" listen --json --pid "$(unused_pid)" --timeout 1s
	assert_eq "$RC" 0 "vmon listen --timeout exit status: $ERR"
	assert_eq "$OUT" "" "events of a pid nobody watches"
}

# A listener gets the gone events of watches it does not own.
test_listen_gone() {
	local s gone l
	need_events_group
	start_target
	tcmd "set 151"
	detach --pid "$T_PID" --addr "$T_ADDR" --len 4 --gt 150 --cooldown 100ms --interval 1ms
	s=$WID
	on_exit "'$VMON' unwatch $s"
	"$VMON" listen --json --timeout 100s >"$TMP/l" 2>"$TMP/l.err" &
	l=$!
	on_exit "kill $l 2>/dev/null"
	wait_triggers 30 "$TMP/l" 1	# now it is surely subscribed
	start_target
	detach --pid "$T_PID" --addr "$T_ADDR" --len 4 --gt 150
	gone=$WID
	tcmd "exit 0"
	wait_gone 20 "$TMP/l" "$gone"
	assert_field "$GONE" reason exit
	listed_id "$gone" && fail "watch $gone of an exited process still listed"
	return 0
}

# The library on its own: add, dump, listen, poll + process, delete.
test_libvmon() {
	run "$BUILD/vmon-libtest"
	assert_eq "$RC" 0 "vmon-libtest: $OUT $ERR"
	assert_match "$OUT" 'event value=11 hits=1' "vmon-libtest output"
	assert_match "$OUT" 'poll event value=11 hits=2' "vmon-libtest output"
}

test_version_and_help() {
	run "$VMON" --version
	assert_eq "$RC" 0 "vmon --version exit status"
	assert_match "$OUT" "$(sed 's/\./\\./g' "$REPO/VERSION")" "vmon --version"
	run "$VMON" help watch
	assert_eq "$RC" 0 "vmon help watch exit status"
	assert_match "$OUT" '[-]-pid' "vmon help watch"
	assert_match "$OUT" '[-]-detach' "vmon help watch"
	run "$VMON" help
	assert_eq "$RC" 0 "vmon help exit status"
	for cmd in watch unwatch list listen config stats; do
		assert_match "$OUT" "$cmd" "vmon help"
	done
}
