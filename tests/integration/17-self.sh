# Programs watching their own variables: build/examples/ (libvmon's self watches and vmon_compat.h).
. "$REPO/tests/integration/targets.sh"

EXAMPLES=$BUILD/examples
# Adding 2049 watches one request at a time is slow under emulation.
TIMEOUT_test_many_vars=240

# start_example [--as-nobody] NAME [ARG...]: start $EXAMPLES/NAME as start_target starts
# vmon-target (stdin a FIFO on $T_FD, stdout in $T_OUT, its pid in $T_PID; tcmd works).
start_example() {
	local as=()
	if [ "$1" = --as-nobody ]; then
		as=(--as-nobody)
		shift
	fi
	[ -x "$EXAMPLES/$1" ] || fail "$EXAMPLES/$1 is missing (make examples)"
	_start_prog "$EXAMPLES/$1" "${as[@]}" "${@:2}"
}

# wait_out SECONDS REGEX: wait for a line of the current example's output; it is in $LINE.
wait_out() {
	local l
	wait_file_match "$1" "$T_OUT" "$2"
	lines "$T_OUT"
	for l in "${LINES[@]}"; do
		[[ $l =~ $2 ]] && break
	done
	LINE=$l
}

# out_lines REGEX: the current example's output lines that match.
out_lines() {
	local l
	lines "$T_OUT"
	for l in "${LINES[@]}"; do
		[[ $l =~ $1 ]] && printf '%s\n' "$l"
	done
	return 0
}

# event_id: the watch ID in $LINE, an "event watch=ID ..." line.
event_id() {
	[[ $LINE =~ ^event\ watch=([0-9]+)\  ]] || fail "not an event line: $LINE"
	EV_ID=${BASH_REMATCH[1]}
}

_unlisted() { ! listed_id "$1"; }

# The event comes to the program itself; while it runs its watch is listed as its own.
test_self_watch_event() {
	local line
	start_example self-watch
	wait_out 30 '^event '
	assert_match "$LINE" '^event watch=[0-9]+ name=temp value=151 threshold=150 hits=1$' "self-watch's event"
	event_id
	line=$(list_line "$EV_ID")
	[ -n "$line" ] || fail "watch $EV_ID of self-watch (pid $T_PID) not in vmon list --json"
	assert_field "$line" pid "$T_PID"
	assert_field "$line" name temp
	assert_field "$line" len 4
	assert_field "$line" signed true
	assert_field "$line" threshold 150
	assert_field "$line" detached false
	cfg default_interval
	assert_field "$line" interval_ns "$CFG_NS"
	run "$VMON" list --json --pid "$T_PID"
	assert_eq "$(printf '%s\n' "$OUT" | grep -c '"id"')" 1 "watches listed for pid $T_PID"

	# Closing the handle ends the watch; the program goes on.
	tcmd close
	_poll 20 eval '! listed_for "$T_PID"' ||
		fail "self-watch closed its handle, its watch is still listed: $("$VMON" list --json --pid "$T_PID")"
	alive "$T_PID" || fail "self-watch exited after close"
}

# Exiting (without closing), SIGKILL, and end of input all end the watch.
test_self_watch_ends_with_process() {
	local how
	for how in exit kill eof; do
		start_example self-watch
		wait_out 30 '^event '
		event_id
		listed_id "$EV_ID" || fail "watch $EV_ID not listed while self-watch runs"
		case $how in
		exit) printf 'exit\n' >&"$T_FD" ;;
		kill) kill -KILL "$T_PID" ;;
		eof) exec {T_FD}>&- ;;
		esac
		wait_exit 20 "$T_PID"
		_poll 20 _unlisted "$EV_ID" || fail "watch $EV_ID still listed after self-watch ended by $how"
	done
}

# No privilege needed: a process may watch itself.
test_self_watch_as_nobody() {
	start_example --as-nobody self-watch
	grep -qE '^Uid:[[:space:]]+65534[[:space:]]' "/proc/$T_PID/status" ||
		fail "self-watch $T_PID does not run as nobody"
	wait_out 30 '^event '
	assert_match "$LINE" '^event watch=[0-9]+ name=temp value=151 threshold=150 hits=1$' "self-watch's event as nobody"
}

# 2049 variables (the original tool's stress case); one set fires exactly that watch.
test_many_vars() {
	local line n events
	# At the default 1 ms, 2049 watches would take most of an emulated CPU.
	cfg_set_restore default_interval 20ms
	# The condition keeps holding after the event: no second one while the test reads
	# the list, however slow the kernel (a debug kernel takes seconds per listing).
	cfg_set_restore default_cooldown 600s
	start_example many-vars
	wait_out 180 '^watches='
	assert_eq "$LINE" "watches=2049" "many-vars"
	run "$VMON" list --json --pid "$T_PID"
	assert_eq "$RC" 0 "vmon list --json --pid: $ERR"
	printf '%s\n' "$OUT" >"$TMP/list"
	assert_eq "$(grep -c '"id"' "$TMP/list")" 2049 "watches listed for many-vars"
	assert_eq "$(grep -c '"interval_ns":20000000[,}]' "$TMP/list")" 2049 "watches at the default interval (20 ms)"
	line=$(grep '"name":"v1234"' "$TMP/list")
	assert_field "$line" threshold 2234
	assert_field "$line" len 4
	assert_field "$line" signed true

	# At its threshold (not above) nothing fires.
	printf 'set 1235 2235\n' >&"$T_FD"
	wait_out 20 '^ok set 1235 2235$'
	printf 'set 1234 5000\n' >&"$T_FD"
	wait_out 30 '^event '
	sleep 1	# 50 checks of every watch: any other event would be here by now
	events=$(out_lines '^event ')
	assert_eq "$(printf '%s\n' "$events" | grep -c .)" 1 "events after 'set 1234 5000' ($events)"
	assert_match "$events" '^event watch=[0-9]+ name=v1234 value=5000 threshold=2234 hits=1$' "the event"
	event_id
	line=$(list_line "$EV_ID")
	assert_field "$line" name v1234
	assert_field "$line" hits 1
	run "$VMON" list --json --pid "$T_PID"
	n=$(printf '%s\n' "$OUT" | grep -c '"hits":0[,}]')
	assert_eq "$n" 2048 "watches of many-vars that never hit"
}

# The report of a trigger shows the whole chain the thread is in, innermost first.
test_deep_stack() {
	local l chain='' inl=''
	start_example deep-stack
	wait_out 60 '^frame [0-9]+ main '
	assert_match "$(out_lines '^event ')" '^event watch=[0-9]+ name=depth value=101 threshold=100 hits=1$' "deep-stack's event"
	lines "$T_OUT"
	for l in "${LINES[@]}"; do
		[[ $l =~ ^frame\ [0-9]+\ (level[0-9]+|main)(\ \[inlined\])?\ deep-stack\.c:[0-9]+$ ]] || continue
		chain+="${BASH_REMATCH[1]} "
		[ -n "${BASH_REMATCH[2]}" ] && inl+="${BASH_REMATCH[1]} "
	done
	assert_eq "$chain" "level12 level11 level10 level9 level8 level7 level6 level5 level4 level3 level2 level1 main " \
		"functions of the chain in deep-stack's report ($(out_lines '^frame '))"
	assert_eq "$inl" "level8 level4 " "inlined functions"
	# Below level12: the library's wait, where the kernel found the thread.
	assert_match "$(out_lines '^frame ')" '^frame [0-9]+ vmon_listen ' "vmon_listen in the report"
}

# _smaps_kps PID ADDR: the KernelPageSize (kB) of the mapping that holds ADDR.
_smaps_kps() {
	local l a=$(($2)) in=0
	while read -r l; do
		if [[ $l =~ ^([0-9a-f]+)-([0-9a-f]+)[[:space:]] ]]; then
			in=0
			[ "$a" -ge $((16#${BASH_REMATCH[1]})) ] && [ "$a" -lt $((16#${BASH_REMATCH[2]})) ] && in=1
		elif [ "$in" = 1 ] && [[ $l =~ ^KernelPageSize:[[:space:]]+([0-9]+)[[:space:]]kB ]]; then
			echo "${BASH_REMATCH[1]}"
			return
		fi
	done <"/proc/$1/smaps"
}

_event_or_gone() {
	grep -q '^event ' "$T_OUT" || ! alive "$T_PID"
}

# A variable in a 2 MiB hugetlbfs page is watched like any other.
test_hugetlb() {
	local old addr id
	read -r old </proc/sys/vm/nr_hugepages
	if [ "$old" -lt 8 ]; then
		on_exit "echo $old >/proc/sys/vm/nr_hugepages"
		echo 8 >/proc/sys/vm/nr_hugepages
	fi
	start_example hugetlb
	_poll 30 _event_or_gone || fail "no event from hugetlb in 30 s: $(<"$T_OUT")"
	if ! grep -q '^event ' "$T_OUT"; then
		wait_exit 5 "$T_PID"
		[ "$RC" = 77 ] && skip "no huge page to be had: $(<"$TMP/target.$T_N.err")"
		fail "hugetlb exited $RC: $(<"$TMP/target.$T_N.err")"
	fi
	wait_out 5 '^addr=0x[0-9a-f]+ watch=[0-9]+$'
	[[ $LINE =~ ^addr=(0x[0-9a-f]+)\ watch=([0-9]+)$ ]]
	addr=${BASH_REMATCH[1]} id=${BASH_REMATCH[2]}
	wait_out 5 '^event '
	assert_match "$LINE" "^event watch=$id name=huge value=101 threshold=100 hits=1\$" "hugetlb's event"
	assert_eq "$(_smaps_kps "$T_PID" "$addr")" 2048 "KernelPageSize of the mapping holding $addr in /proc/$T_PID/smaps"
	run "$VMON" list --json --pid "$T_PID"
	assert_eq "$(($(jget "$OUT" addr)))" "$((addr))" "address of hugetlb's watch"
}

# _legacy_line NAME: the vmon list --json line of the current example's watch NAME.
_legacy_line() {
	local l
	"$VMON" list --json --pid "$T_PID" >"$TMP/.legacy" 2>/dev/null
	lines "$TMP/.legacy"
	for l in "${LINES[@]}"; do
		[[ $l == *\"name\":\"$1\"* ]] && printf '%s\n' "$l"
	done
	return 0
}

_legacy_hit() {
	local h
	h=$(jget "$(_legacy_line temp)" hits)
	[ -n "$h" ] && [ "$h" -ge 1 ]
}

# Code for the original tool, through vmon_compat.h: both kinds of watch, their
# intervals, a hit, and cancel_watch().
test_legacy() {
	local line
	# 10 us polling would swamp an emulated guest: a 2 ms minimum also
	# shows the macro's 10 us raised to it instead of refused.
	cfg_set_restore default_interval 5ms
	cfg_set_restore min_interval 2ms
	start_example legacy 0 5000000
	_poll 20 listed_for "$T_PID" || fail "legacy's watches never showed: $(<"$TMP/target.$T_N.err")"
	line=$(_legacy_line temp)
	[ -n "$line" ] || fail "no watch named temp for legacy (pid $T_PID)"
	assert_field "$line" len 4
	assert_field "$line" signed true
	assert_match "$(jget "$line" op)" '^(>|gt)$' "op of START_WATCH_INT"
	assert_field "$line" threshold 150
	assert_field "$line" interval_ns 2000000
	assert_field "$line" detached false
	line=$(_legacy_line temp2)
	[ -n "$line" ] || fail "no watch named temp2 for legacy (pid $T_PID)"
	assert_field "$line" interval_ns 5000000
	assert_field "$line" threshold 150
	assert_field "$line" hits 0
	run "$VMON" list --json --pid "$T_PID"
	assert_eq "$(printf '%s\n' "$OUT" | grep -c '"id"')" 2 "watches listed for legacy"

	tcmd "set 151"
	_poll 20 _legacy_hit || fail "START_WATCH_INT's watch never hit: $(_legacy_line temp)"
	assert_field "$(_legacy_line temp2)" hits 0

	tcmd cancel
	_poll 20 eval '! listed_for "$T_PID"' ||
		fail "watches left after cancel_watch(): $("$VMON" list --json --pid "$T_PID")"
	alive "$T_PID" || fail "legacy exited on cancel"
}
