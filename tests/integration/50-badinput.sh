# Bad input: each refusal has its message and exit status, and changes no watch.
. "$REPO/tests/integration/targets.sh"

shopt -s extglob
# Many vmon runs each (~0.1 s per exec under emulation).
TIMEOUT_test_usage_errors=300
TIMEOUT_test_threshold_out_of_range=300

# _watches: vmon list --json without the hit counts (a leftover watch may be firing).
_watches() {
	local l
	l=$("$VMON" list --json)
	echo "${l//\"hits\":+([0-9])/}"
}

# _setup: a target and a detached watch that never fires; the watch list in $BEFORE.
_setup() {
	start_target
	detach --pid "$T_PID" --addr "$T_ADDR" --len 4 --gt 1000000 --name keep
	on_exit "'$VMON' unwatch $WID"
	BEFORE=$(_watches)
	[ -n "$BEFORE" ] || fail "vmon list --json shows nothing with a detached watch"
}

# refused STATUS-ERE MESSAGE-ERE ARGS...: "vmon ARGS..." exits with a status matching
# STATUS-ERE, says MESSAGE-ERE on stderr, and the watch list stays $BEFORE.
refused() {
	local want=$1 re=$2
	shift 2
	run "$VMON" "$@"
	[[ $RC =~ ^($want)$ ]] || fail "vmon $*: exit $RC, want $want; stdout: $OUT; stderr: $ERR"
	[ -n "$ERR" ] || fail "vmon $*: exit $RC without a message on stderr"
	assert_match "$ERR" "$re" "stderr of vmon $*"
	assert_eq "$(_watches)" "$BEFORE" "vmon list --json after vmon $*"
}

# accepted ARGS...: "vmon watch ARGS... --timeout 100ms" exits 0.
accepted() {
	run "$VMON" watch "$@" --timeout 100ms
	[ "$RC" = 0 ] || fail "vmon watch $*: exit $RC, want 0: $ERR"
}

test_no_such_process() {
	_setup
	refused 1 '[Nn]o (such )?process' watch --pid "$(unused_pid)" --addr "$T_ADDR" --len 4 --gt 1
	refused 1 '[Nn]o (such )?process' watch --detach --pid "$(unused_pid)" --addr "$T_ADDR" --len 4 --gt 1
}

test_unmapped_address() {
	_setup
	refused 1 'not mapped' watch --pid "$T_PID" --addr "$T_UNMAPPED" --len 4 --gt 1
	refused 1 'not mapped' watch --pid "$T_PID" --addr "$(printf '0x%x' $((T_UNMAPPED + 4092)))" --len 4 --gt 1
	# Kernel addresses are never part of a process.
	refused '1|2' 'not mapped|[Ii]nvalid' watch --pid "$T_PID" --addr 0xffffffff81000000 --len 4 --gt 1
	refused '1|2' 'not mapped|[Ii]nvalid' watch --pid "$T_PID" --addr 0xfffffffffffffff8 --len 8 --gt 1
}

test_read_only_address() {
	_setup
	refused 1 'read-only|not writable' watch --pid "$T_PID" --addr "$T_RO" --len 8 --gt 1
	refused 1 'read-only|not writable' watch --detach --pid "$T_PID" --addr "$T_RO" --len 4 --gt 1
}

test_bad_length() {
	_setup
	refused 2 'len' watch --pid "$T_PID" --addr "$T_ADDR" --len 3 --gt 1
	refused 2 'len' watch --pid "$T_PID" --addr "$T_ADDR" --len 16 --gt 1
	refused 2 'len' watch --pid "$T_PID" --addr "$T_ADDR" --len 0 --gt 1
	refused 2 'len' watch --pid "$T_PID" --addr "$T_ADDR" --len four --gt 1
	# The library refuses too (it checks before the kernel does).
	run "$BUILD/vmon-libtest" --bad-len
	assert_eq "$RC" 0 "vmon-libtest --bad-len: $OUT $ERR"
	assert_match "$OUT" 'refused: .*length' "vmon-libtest --bad-len"
}

# A variable may not cross a page boundary; touching the boundary is fine.
test_straddling_address() {
	_setup
	refused 1 'straddle' watch --pid "$T_PID" --addr "$T_STRADDLE" --len 4 --gt 1
	refused 1 'straddle' watch --pid "$T_PID" --addr "$T_STRADDLE" --len 8 --gt 1
	refused 1 'straddle' watch --pid "$T_PID" --addr "$(printf '0x%x' $((T_STRADDLE + 1)))" --len 2 --gt 1
	accepted --pid "$T_PID" --addr "$T_STRADDLE" --len 2 --gt 1
	accepted --pid "$T_PID" --addr "$(printf '0x%x' $((T_STRADDLE + 1)))" --len 1 --gt 1
	accepted --pid "$T_PID" --addr "$(printf '0x%x' $((T_STRADDLE + 2)))" --len 8 --gt 1
}

test_interval_below_minimum() {
	_setup
	refused 1 'below the minimum' watch --pid "$T_PID" --addr "$T_ADDR" --len 4 --gt 1 --interval 500ns
	refused 1 'below the minimum' watch --pid "$T_PID" --addr "$T_ADDR" --len 4 --gt 1 --interval 9999ns
	# At the minimum: raise it to 1 ms first (a 10 us timer is heavy in an emulator).
	cfg_set_restore min_interval 1ms
	BEFORE=$(_watches)
	refused 1 'below the minimum' watch --pid "$T_PID" --addr "$T_ADDR" --len 4 --gt 1 --interval 999us
	accepted --pid "$T_PID" --addr "$T_ADDR" --len 4 --gt 1 --interval 1ms
}

# The longest interval is 1 h (kmod/vmon.h VMON_INTERVAL_MAX_NS), the longest cooldown 1 day.
test_interval_and_cooldown_too_large() {
	_setup
	refused 1 'interval' watch --pid "$T_PID" --addr "$T_ADDR" --len 4 --gt 1 --interval 3601s
	refused 1 'interval' watch --pid "$T_PID" --addr "$T_ADDR" --len 4 --gt 1 --interval 100000s
	accepted --pid "$T_PID" --addr "$T_ADDR" --len 4 --gt 1 --interval 3600s
	refused 1 'cooldown' watch --pid "$T_PID" --addr "$T_ADDR" --len 4 --gt 1 --cooldown 86401s
	accepted --pid "$T_PID" --addr "$T_ADDR" --len 4 --gt 1 --cooldown 86400s
}

test_threshold_out_of_range() {
	_setup
	local a=(watch --pid "$T_PID" --addr "$T_ADDR")
	refused 2 '.' "${a[@]}" --len 1 --gt 128
	refused 2 '.' "${a[@]}" --len 1 --lt -129
	refused 2 '.' "${a[@]}" --len 1 --unsigned --gt 256
	refused 2 '.' "${a[@]}" --len 1 --unsigned --gt -1
	refused 2 '.' "${a[@]}" --len 2 --gt 32768
	refused 2 '.' "${a[@]}" --len 2 --unsigned --eq 65536
	refused 2 '.' "${a[@]}" --len 4 --gt 2147483648
	refused 2 '.' "${a[@]}" --len 4 --lt -2147483649
	refused 2 '.' "${a[@]}" --len 4 --unsigned --gt 4294967296
	refused 2 '.' "${a[@]}" --len 8 --gt 9223372036854775808
	refused 2 '.' "${a[@]}" --len 8 --lt -9223372036854775809
	refused 2 '.' "${a[@]}" --len 8 --unsigned --gt 18446744073709551616
	refused 2 '.' "${a[@]}" --len 4 --gt 12abc
	refused 2 '.' "${a[@]}" --len 4 --gt ''
	# The extremes themselves are fine.
	accepted --pid "$T_PID" --addr "$T_ADDR" --len 1 --gt 127
	accepted --pid "$T_PID" --addr "$T_ADDR" --len 1 --lt -128
	accepted --pid "$T_PID" --addr "$T_ADDR" --len 1 --unsigned --gt 255
	accepted --pid "$T_PID" --addr "$T_ADDR" --len 2 --lt -32768
	accepted --pid "$T_PID" --addr "$T_ADDR" --len 4 --unsigned --ge 4294967295
	accepted --pid "$T_PID" --addr "$T_ADDR" --len 8 --lt -9223372036854775808
	accepted --pid "$T_PID" --addr "$T_ADDR" --len 8 --unsigned --gt 18446744073709551615
}

test_usage_errors() {
	_setup
	local a=(--pid "$T_PID" --addr "$T_ADDR" --len 4)
	refused 2 '.' watch "${a[@]}"
	refused 2 '.' watch "${a[@]}" --gt 1 --lt 5
	refused 2 '.' watch "${a[@]}" --eq 1 --eq 2
	refused 2 '.' watch --addr "$T_ADDR" --len 4 --gt 1
	refused 2 '.' watch --pid "$T_PID" --len 4 --gt 1
	refused 2 '.' watch --pid "$T_PID" --addr "$T_ADDR" --gt 1
	refused 2 '.' watch --pid abc --addr "$T_ADDR" --len 4 --gt 1
	refused 2 '.' watch --pid "$T_PID" --addr nowhere --len 4 --gt 1
	refused 2 '.' watch "${a[@]}" --gt 1 --interval 5xs
	refused 2 '.' watch "${a[@]}" --gt 1 --interval ms
	refused 2 '.' watch "${a[@]}" --gt 1 --cooldown -1s
	refused 2 '.' watch "${a[@]}" --gt 1 --count many
	refused 2 '.' watch "${a[@]}" --gt 1 --bogus
	refused 2 '.' watch "${a[@]}" --gt 1 extra-argument
	refused 2 '.' frobnicate
	refused 2 '.' list --pid abc
	refused 2 '.' listen --count x
	refused 2 '.' unwatch
	refused 2 '.' unwatch abc
	refused 2 '.' config no_such_key
	refused 2 '.' stats --bogus
}

test_name_too_long() {
	local n31=abcdefghijklmnopqrstuvwxyz01234 id
	_setup
	refused '1|2' 'name' watch --pid "$T_PID" --addr "$T_ADDR" --len 4 --gt 1 --name "${n31}5"
	refused '1|2' 'name' watch --detach --pid "$T_PID" --addr "$T_ADDR" --len 4 --gt 1 --name "${n31}56789"
	detach --pid "$T_PID" --addr "$T_ADDR" --len 4 --gt 1 --name "$n31"
	id=$WID
	on_exit "'$VMON' unwatch $id"
	assert_field "$(list_line "$id")" name "$n31"
}

# max_watches: at the limit a new watch is refused, and allowed again below it.
test_too_many_watches() {
	local n a b
	start_target
	cfg watches
	n=$CFG
	cfg_set_restore max_watches $((n + 2))
	detach --pid "$T_PID" --addr "$T_ADDR" --len 4 --gt 1000000
	a=$WID
	on_exit "'$VMON' unwatch $a"
	detach --pid "$T_PID" --addr "$T_ADDR" --len 4 --gt 2000000
	b=$WID
	on_exit "'$VMON' unwatch $b"
	BEFORE=$(_watches)
	refused 1 'too many' watch --detach --pid "$T_PID" --addr "$T_ADDR" --len 4 --gt 1
	refused 1 'too many' watch --pid "$T_PID" --addr "$T_ADDR" --len 4 --gt 1 --timeout 5s
	run "$VMON" unwatch "$a"
	assert_eq "$RC" 0 "vmon unwatch $a: $ERR"
	detach --pid "$T_PID" --addr "$T_ADDR" --len 4 --gt 1
	on_exit "'$VMON' unwatch $WID"
}

test_unwatch_nonexistent() {
	_setup
	refused 1 '[Nn]o (such )?watch|not found|[Nn]o such|does not exist' unwatch 3999999999
	run "$VMON" unwatch --pid "$(unused_pid)"
	[[ $RC =~ ^[01]$ ]] || fail "vmon unwatch --pid of an unused pid: exit $RC: $ERR"
	assert_eq "$(_watches)" "$BEFORE" "vmon list --json after unwatch --pid of an unused pid"
}

# The kernel checks requests itself: malformed ones sent past libvmon and the CLI are
# refused with a message (vmon-rawnl also checks a well-formed one is accepted).
test_kernel_refuses_raw_requests() {
	_setup
	run "$BUILD/vmon-rawnl"
	printf '%s\n' "$OUT" >&2	# for the log
	assert_eq "$RC" 0 "vmon-rawnl (each line: case: outcome):
$OUT
$ERR"
	assert_match "$OUT" '^valid request: accepted$' "vmon-rawnl"
	assert_match "$OUT" '^len 3: refused: .*length' "vmon-rawnl"
	assert_match "$OUT" '^straddling a page: refused: .*straddle' "vmon-rawnl"
	assert_match "$OUT" '^interval 1 ns: refused: .*below the minimum' "vmon-rawnl"
	assert_match "$OUT" '^scope out of range: refused: ' "vmon-rawnl"
	assert_match "$OUT" '^max_tasks 0: refused: max_tasks must be 1\.\.' "vmon-rawnl"
	assert_match "$OUT" '^stack_bytes past the maximum: refused: stack_bytes must be 0\.\.65536' "vmon-rawnl"
	assert_match "$OUT" '^metric loadavg1: accepted$' "vmon-rawnl"
	assert_match "$OUT" '^metric with a pid: refused: metric running reads no process memory' "vmon-rawnl"
	assert_match "$OUT" '^signed metric: refused: metric loadavg5 is unsigned' "vmon-rawnl"
	assert_match "$OUT" '^metric with scope process: refused: metric loadavg15 has no process' "vmon-rawnl"
	assert_match "$OUT" '^metric out of range: refused: ' "vmon-rawnl"
	assert_match "$OUT" '^no mem fd: refused: no /proc/[0-9]+/mem descriptor: opening it is the permission check' "vmon-rawnl"
	assert_match "$OUT" '^mem fd not open: refused: descriptor 1000 is not open' "vmon-rawnl"
	assert_match "$OUT" '^mem fd of /proc/self/environ: refused: descriptor [0-9]+ is not a /proc/PID/mem' "vmon-rawnl"
	assert_match "$OUT" '^mem fd of /dev/null: refused: descriptor [0-9]+ is not a /proc/PID/mem' "vmon-rawnl"
	assert_match "$OUT" "^mem fd of another process: refused: pid 1 is not descriptor [0-9]+'s process" "vmon-rawnl"
	assert_match "$OUT" '^mem fd as a u8: refused: ' "vmon-rawnl"
	assert_match "$OUT" '^delete pid 0: refused: pid 0 is not a process' "vmon-rawnl"
	assert_no_match "$OUT" 'WRONG|no answer' "vmon-rawnl"
	assert_eq "$(_watches)" "$BEFORE" "vmon list --json after vmon-rawnl"
}
