# Helpers for the integration tests: drive build/vmon-target and friends, read vmon's JSON.
# Sourced by tests/integration/NN-*.sh after lib.sh (which provides fail, run, on_exit...).

# (Each exec costs about 0.1 s in an emulated guest: helpers stick to builtins.)

# _poll SECONDS CMD...: run CMD (in this shell) every 50 ms until it succeeds; 1 on timeout.
_poll() {
	local end=$((${EPOCHREALTIME/./} + $1 * 1000000))
	shift
	until "$@"; do
		[ "${EPOCHREALTIME/./}" -le "$end" ] || return 1
		sleep 0.05
	done
}

# now_ms: milliseconds since the epoch.
now_ms() {
	echo $((${EPOCHREALTIME/./} / 1000))
}

# lines FILE: the lines of FILE into the array LINES (empty if there is no FILE).
lines() {
	LINES=()
	[ -e "$1" ] && mapfile -t LINES <"$1"
	return 0
}

# start_target [--as-nobody] [vmon-target option]: start build/vmon-target on a FIFO kept
# open on a new fd; sets T_N (its number), T_PID, T_ADDR, T_RO, T_STRADDLE, T_UNMAPPED,
# T_FD, T_OUT.  Killed at test exit.  Exits 77 (skip) if the target does.
start_target() {
	_start_prog "$BUILD/vmon-target" "$@"
}

# start_multi [--as-nobody] N: start build/vmon-multi with N int32 variables; sets
# T_N, T_PID, T_BASE, T_STRIDE, T_FD, T_OUT.  tcmd "set I V" writes variable I.
start_multi() {
	_start_prog "$BUILD/vmon-multi" "$@"
}

_start_prog() {
	local prog=$1 wrap=() line kv k
	shift
	if [ "${1:-}" = --as-nobody ]; then
		wrap=(as_nobody)
		shift
	fi
	_T_COUNT=$((${_T_COUNT:-0} + 1))
	T_N=$_T_COUNT
	T_OUT=$TMP/target.$T_N.out
	local fifo=$TMP/target.$T_N.in err=$TMP/target.$T_N.err
	rm -f "$fifo"
	mkfifo "$fifo" || fail "mkfifo $fifo"
	"${wrap[@]}" "$prog" "$@" <"$fifo" >"$T_OUT" 2>"$err" &
	local job=$!
	# Opening the write end waits for the target to open the read end.
	exec {T_FD}>"$fifo"
	on_exit "{ kill -9 $job; wait $job; } 2>/dev/null"
	_poll 20 _started_or_gone "$job"
	if ! _started; then
		local rc=0
		wait "$job" || rc=$?
		[ "$rc" != 77 ] || skip "$prog $*: $(cat "$err")"
		fail "$prog $* did not start: $(cat "$err")"
	fi
	read -r line <"$T_OUT"
	unset T_ADDR T_RO T_STRADDLE T_UNMAPPED T_BASE T_STRIDE
	for kv in $line; do
		k=${kv%%=*}
		printf -v "T_${k^^}" '%s' "${kv#*=}"
	done
	on_exit "kill -9 $T_PID 2>/dev/null"
	for k in T_N T_OUT T_FD T_PID T_ADDR T_RO T_STRADDLE T_UNMAPPED T_BASE T_STRIDE; do
		if [ -n "${!k+set}" ]; then
			printf '%s=%q\n' "$k" "${!k}"
		else
			echo "unset $k"
		fi
	done >"$TMP/target.$T_N.vars"
}

_started_or_gone() {
	_started || ! alive "$1"
}

_started() {
	local l
	read -r l 2>/dev/null <"$T_OUT" && [[ $l == pid=* ]]
}

# use_target N: make target N (from start_target/start_multi) the current one.
use_target() {
	# shellcheck disable=SC1090
	. "$TMP/target.$1.vars"
}

# tcmd CMD: send CMD to the current target and wait for its "ok CMD"; the lines it
# printed before that are in $T_REPLY (e.g. "child=PID" for fork, "new=0x..." for mremap).
tcmd() {
	local n i
	lines "$T_OUT"
	n=${#LINES[@]}
	printf '%s\n' "$1" >&"$T_FD" || fail "target $T_PID: cannot send '$1'"
	_poll 20 _target_answered "$n" "$1" ||
		fail "target $T_PID: no 'ok $1'; it printed: ${LINES[*]:n}"
	T_REPLY=
	for ((i = n; i < ${#LINES[@]} - 1; i++)); do
		T_REPLY+=${LINES[i]}
	done
}

_target_answered() {
	lines "$T_OUT"
	[ "${#LINES[@]}" -gt "$1" ] && [ "${LINES[-1]}" = "ok $2" ]
}

# jget JSON KEY: the value of KEY in a flat JSON object (strings without quotes).
jget() {
	local re="\"$2\"[[:space:]]*:[[:space:]]*(\"([^\"]*)\"|([^,}[:space:]]*))"
	[[ $1 =~ $re ]] && printf '%s\n' "${BASH_REMATCH[2]}${BASH_REMATCH[3]}"
	return 0
}

# assert_field JSON KEY EXPECTED: jget JSON KEY must be EXPECTED.
assert_field() {
	assert_eq "$(jget "$1" "$2")" "$3" "\"$2\" in $1"
}

TRIGGER_RE='"type"[[:space:]]*:[[:space:]]*"trigger"'
GONE_RE='"type"[[:space:]]*:[[:space:]]*"gone"'

# triggers FILE: the trigger lines of a --json output file.
triggers() {
	local l
	lines "$1"
	for l in "${LINES[@]}"; do
		[[ $l =~ $TRIGGER_RE ]] && printf '%s\n' "$l"
	done
	return 0
}

# count_triggers FILE
count_triggers() {
	local l n=0
	lines "$1"
	for l in "${LINES[@]}"; do
		[[ $l =~ $TRIGGER_RE ]] && n=$((n + 1))
	done
	echo "$n"
}

# wait_triggers SECONDS FILE N: wait until FILE holds at least N trigger lines.
wait_triggers() {
	_poll "$1" _have_triggers "$2" "$3" ||
		fail "$(count_triggers "$2") of $3 trigger events in $2 after $1 s: $(head -c 600 "$2") $(cat "$2.err" 2>/dev/null)"
}

_have_triggers() {
	[ "$(count_triggers "$1")" -ge "$2" ]
}

# start_watch OUTFILE ARGS...: run "vmon watch ARGS..." in the background with stdout
# to OUTFILE and stderr to OUTFILE.err; its pid is $W_PID; killed at test exit.
start_watch() {
	local out=$1
	shift
	"$VMON" watch "$@" >"$out" 2>"$out.err" &
	W_PID=$!
	on_exit "kill -9 $W_PID 2>/dev/null"
}

# gone_of FILE [ID]: the gone event lines (of watch ID) in FILE.
gone_of() {
	local l re="\"watch_id\"[[:space:]]*:[[:space:]]*${2:-[0-9]+}[,}[:space:]]"
	lines "$1"
	for l in "${LINES[@]}"; do
		[[ $l =~ $GONE_RE && $l =~ $re ]] && printf '%s\n' "$l"
	done
	return 0
}

# wait_gone SECONDS FILE [ID]: wait for a gone event (of watch ID) in FILE; the line in $GONE.
wait_gone() {
	_poll "$1" _have_gone "$2" "${3:-}" ||
		fail "no gone event${3:+ for watch $3} in $2 after $1 s: $(head -c 600 "$2") $(cat "$2.err" 2>/dev/null)"
	GONE=$(gone_of "$2" "${3:-}")
	GONE=${GONE%%$'\n'*}
}

_have_gone() {
	[ -n "$(gone_of "$1" "$2")" ]
}

# alive PID: the process exists and is not a zombie.
alive() {
	local stat
	read -r stat 2>/dev/null <"/proc/$1/stat" && [[ $stat != *") Z "* ]]
}

# wait_exit SECONDS PID: wait for PID (a child of this shell) to exit; its status in $RC.
wait_exit() {
	_poll "$1" _dead "$2" || fail "process $2 still running after $1 s"
	RC=0
	wait "$2" || RC=$?
}

_dead() {
	! alive "$1"
}

# listed_for PID: vmon list --json --pid PID prints at least one watch.
listed_for() {
	[ -n "$("$VMON" list --json --pid "$1" 2>/dev/null)" ]
}

# listed_id ID: the watch ID is in vmon list --json.
listed_id() {
	[ -n "$(list_line "$1")" ]
}

# list_line ID: the vmon list --json object of watch ID.
list_line() {
	local l re="\"id\"[[:space:]]*:[[:space:]]*$1[,}[:space:]]"
	"$VMON" list --json >"$TMP/.list" 2>/dev/null
	lines "$TMP/.list"
	for l in "${LINES[@]}"; do
		[[ $l =~ $re ]] && printf '%s\n' "$l"
	done
	return 0
}

# detach ARGS...: vmon watch --detach ARGS...; the new watch's id in $WID (fails otherwise).
# (Helpers that can fail set variables: fail inside $(...) would only end the subshell.)
detach() {
	run "$VMON" watch --detach "$@"
	[ "$RC" = 0 ] || fail "vmon watch --detach $*: exit $RC: $ERR"
	[[ $OUT =~ ^[[:space:]]*([0-9]+)[[:space:]]*$ ]] || fail "vmon watch --detach printed '$OUT', not an id"
	WID=${BASH_REMATCH[1]}
}

# to_ns DURATION: "1500", "1500ns", "1.5us", "3ms", "5s" -> nanoseconds.
to_ns() {
	awk -v d="$1" 'BEGIN {
		if (!match(d, /^[0-9.]+/)) { print "bad"; exit }
		v = substr(d, 1, RLENGTH); u = substr(d, RLENGTH + 1)
		m = u == "" || u == "ns" ? 1 : u == "us" || u == "µs" ? 1e3 : u == "ms" ? 1e6 : u == "s" ? 1e9 : -1
		if (m < 0) { print "bad"; exit }
		printf "%.0f\n", v * m }'
}

# cfg KEY: $CFG = the value of KEY as "vmon config KEY" shows it, usable to set it again
# ("1000000ns" for durations shown as "1ms (1000000 ns)", "16384" for sizes shown as
# "16384 (16 KiB)", else the last word: "65536");
# $CFG_NS = durations in nanoseconds.
cfg() {
	run "$VMON" config "$1"
	[ "$RC" = 0 ] || fail "vmon config $1: exit $RC: $ERR"
	if [[ $OUT =~ \(([0-9]+)[[:space:]]*ns\) ]]; then
		CFG_NS=${BASH_REMATCH[1]}
		CFG=${CFG_NS}ns
	elif [[ $OUT =~ ([0-9]+)[[:space:]]+\([0-9]+[[:space:]]*KiB\) ]]; then
		CFG=${BASH_REMATCH[1]}	# a size: "16384 (16 KiB)"
		CFG_NS=$CFG
	elif [[ $OUT =~ ^[a-z_]+[[:space:]]+([0-9]+)[[:space:]]+\( ]]; then
		CFG=${BASH_REMATCH[1]}	# a share: "200 (20.0% of one CPU)"
		CFG_NS=$CFG
	else
		CFG=${OUT%"${OUT##*[![:space:]]}"}
		CFG=${CFG##*[[:space:]=:]}
		CFG_NS=$(to_ns "$CFG")
	fi
	[ -n "$CFG" ] || fail "vmon config $1 printed nothing"
}

# cfg_set_restore KEY VALUE: set a config key, restored at test exit.
cfg_set_restore() {
	cfg "$1"
	on_exit "'$VMON' config $1 $CFG"
	run "$VMON" config "$1" "$2"
	[ "$RC" = 0 ] || fail "vmon config $1 $2: exit $RC: $ERR"
}

# stat_group STATS_JSON INTERVAL_NS: the line of one interval group in "vmon stats --json".
stat_group() {
	local l re="\"interval_ns\"[[:space:]]*:[[:space:]]*$2[,}[:space:]]"
	while IFS= read -r l; do
		[[ $l =~ $re ]] && printf '%s\n' "$l"
	done <<<"$1"
	return 0
}

# unused_pid: a pid no process has.
unused_pid() {
	local p
	p=$(($(cat /proc/sys/kernel/pid_max) - 7))
	while [ -e "/proc/$p" ]; do p=$((p - 1)); done
	echo "$p"
}

# _state_is PID STATE: /proc/PID/stat shows STATE (R, S, D...); PID may be PID/task/TID.
_state_is() {
	local stat
	read -r stat <"/proc/$1/stat" || return 1
	stat=${stat##*) }
	[ "${stat%% *}" = "$2" ]
}

# Watching needs ptrace access; with Yama's ptrace_scope 1 only descendants qualify,
# and vmon is not the target's parent here: use the classic rules for the test.
classic_ptrace() {
	local yama=/proc/sys/kernel/yama/ptrace_scope old
	[ -e "$yama" ] || return 0
	old=$(cat "$yama")
	[ "$old" = 0 ] && return 0
	echo 0 >"$yama" 2>/dev/null || skip "Yama ptrace_scope is $old and cannot be lowered"
	on_exit "echo $old >$yama"
}
