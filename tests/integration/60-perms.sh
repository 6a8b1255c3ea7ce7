# Permissions: what an unprivileged user (nobody, no capabilities) may and may not do.
. "$REPO/tests/integration/targets.sh"

PERM_RE='[Pp]ermission|not permitted|CAP_SYS_ADMIN|privilege'

test_nobody_cannot_watch_root_process() {
	start_target
	run as_nobody "$VMON" watch --pid "$T_PID" --addr "$T_ADDR" --len 4 --gt 1 --timeout 5s
	assert_eq "$RC" 1 "exit status (stderr: $ERR)"
	assert_match "$ERR" "$PERM_RE" "stderr"
	run "$VMON" list --json --pid "$T_PID"
	assert_eq "$OUT" "" "watches of the root process"
}

test_nobody_watches_own_process() {
	classic_ptrace
	start_target --as-nobody
	grep -qE '^Uid:[[:space:]]+65534[[:space:]]' "/proc/$T_PID/status" || fail "target $T_PID does not run as nobody"
	tcmd "set 151"
	run as_nobody "$VMON" watch --pid "$T_PID" --addr "$T_ADDR" --len 4 --gt 150 --json \
		--count 1 --interval 1ms --timeout 30s
	assert_eq "$RC" 0 "exit status (stderr: $ERR)"
	assert_field "$(triggers <(printf '%s\n' "$OUT"))" value 151
	assert_field "$(triggers <(printf '%s\n' "$OUT"))" pid "$T_PID"
	# Kernel addresses are for CAP_SYS_ADMIN only, as in /proc/PID/stack.
	assert_match "$OUT" '"flags":\[[^]]*"kstack_withheld"' "nobody's snapshot: kernel stack withheld"
	assert_no_match "$OUT" '"kernel_stack":\[\{' "nobody's snapshot: kernel frames"
}

test_nobody_cannot_listen() {
	need_events_group
	run as_nobody "$VMON" listen --timeout 2s
	assert_eq "$RC" 1 "exit status (stdout: $OUT, stderr: $ERR)"
	assert_match "$ERR" "$PERM_RE" "stderr"
}

test_nobody_cannot_configure() {
	local old
	cfg max_watches
	old=$CFG
	run as_nobody "$VMON" config max_watches 10
	assert_eq "$RC" 1 "exit status (stderr: $ERR)"
	assert_match "$ERR" "$PERM_RE" "stderr"
	cfg max_watches
	assert_eq "$CFG" "$old" "max_watches after nobody tried to set it"
}

test_nobody_cannot_detach() {
	classic_ptrace
	start_target --as-nobody
	run as_nobody "$VMON" watch --detach --pid "$T_PID" --addr "$T_ADDR" --len 4 --gt 150
	assert_eq "$RC" 1 "exit status (stdout: $OUT, stderr: $ERR)"
	assert_match "$ERR" "$PERM_RE" "stderr"
	run "$VMON" list --json --pid "$T_PID"
	assert_eq "$OUT" "" "watches of the target"
}

# nobody sees and removes only its own watches.
test_nobody_sees_and_removes_only_own() {
	local rootw rootpid mine
	classic_ptrace
	start_target
	rootpid=$T_PID
	detach --pid "$T_PID" --addr "$T_ADDR" --len 4 --gt 150
	rootw=$WID
	on_exit "'$VMON' unwatch $rootw"
	start_target --as-nobody
	as_nobody "$VMON" watch --pid "$T_PID" --addr "$T_ADDR" --len 4 --gt 150 --json \
		--timeout 100s >"$TMP/w" 2>"$TMP/w.err" &
	on_exit "kill $! 2>/dev/null"
	_poll 20 listed_for "$T_PID" || fail "nobody's watch never showed in vmon list: $(cat "$TMP/w.err")"
	mine=$(jget "$("$VMON" list --json --pid "$T_PID")" id)

	run as_nobody "$VMON" list --json
	assert_eq "$RC" 0 "vmon list as nobody: $ERR"
	assert_match "$OUT" "\"id\"[[:space:]]*:[[:space:]]*${mine}[,}[:space:]]" "nobody's list (its own watch $mine)"
	assert_no_match "$OUT" "\"id\"[[:space:]]*:[[:space:]]*${rootw}[,}[:space:]]" "nobody's list (root's watch $rootw)"

	run as_nobody "$VMON" unwatch "$rootw"
	assert_eq "$RC" 1 "vmon unwatch of root's watch as nobody (stderr: $ERR)"
	# Answered as if it did not exist: watch ids are not a probe of other users' watches.
	assert_match "$ERR" "no watch with id $rootw\$" "vmon unwatch of root's watch as nobody"
	run as_nobody "$VMON" unwatch --pid "$rootpid"
	listed_id "$rootw" || fail "nobody's unwatch --pid removed root's watch $rootw"
	run as_nobody "$VMON" unwatch --all
	assert_eq "$RC" 0 "vmon unwatch --all as nobody: $ERR"
	listed_id "$rootw" || fail "nobody's unwatch --all removed root's watch $rootw"
	listed_id "$mine" && fail "nobody's unwatch --all left its own watch $mine"
	return 0
}
