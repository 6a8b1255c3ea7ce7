# The trust model: a watch is bound to the address space whose /proc/PID/mem the
# creator could open, and to the creator's rights.  Attacks as nobody, past libvmon
# (build/vmon-trust), against a setuid-root copy of the attacker's own program.
. "$REPO/tests/integration/targets.sh"

PERM_RE='[Pp]ermission|not permitted|refused'

# A setuid-root copy of vmon-trust in a directory nobody can enter; sets SUID.
_suid_copy() {
	local dir
	dir=$(mktemp -d /tmp/vmon-suid.XXXXXX) || fail "mktemp"
	chmod 755 "$dir"
	on_exit "rm -rf '$dir'"
	cp "$BUILD/vmon-trust" "$dir/vmon-trust" && chown root:root "$dir/vmon-trust" &&
		chmod 4755 "$dir/vmon-trust" || fail "cannot make a setuid copy in $dir"
	SUID=$dir/vmon-trust
	# Opening a child's /proc/PID/mem: Yama's ptrace_scope 1 allows descendants.
	on_exit "pkill -KILL -f '^vmon-trust suid-hold' 2>/dev/null; pkill -KILL -x vmon-trust-sib 2>/dev/null"
}

# A descriptor opened before an exec names the old address space; after a setuid
# exec it must not watch the new one (it would read root's memory).
test_mem_fd_from_before_exec_refused() {
	_suid_copy
	run as_nobody "$BUILD/vmon-trust" exec-after-open "$SUID"
	assert_eq "$RC" 0 "vmon-trust exec-after-open: $OUT $ERR"
	assert_match "$OUT" "^exec after open: refused: descriptor [0-9]+: its process exec'd or exited" "vmon-trust"
}

# exec racing WATCH_ADD: whatever wins, no watch ever reads the setuid image.
test_exec_race_never_watches_setuid_image() {
	_suid_copy
	run as_nobody "$BUILD/vmon-trust" exec-race "$SUID" 40
	printf '%s\n' "$OUT" >&2
	assert_eq "$RC" 0 "vmon-trust exec-race: $OUT $ERR"
	assert_match "$OUT" '^exec race: 40 rounds, .* 0 with the setuid image.s secret$' "vmon-trust"
}
TIMEOUT_test_exec_race_never_watches_setuid_image=180

# P shares its memory with a CLONE_VM sibling, then execs a setuid image; the
# sibling makes the watch fire.  The snapshot must not capture P's new image.
test_clone_vm_exec_no_snapshot_of_setuid_image() {
	_suid_copy
	run as_nobody "$BUILD/vmon-trust" clone-exec "$SUID"
	printf '%s\n' "$OUT" >&2
	assert_eq "$RC" 0 "vmon-trust clone-exec: $OUT $ERR"
	assert_match "$OUT" '^clone-exec: [1-9][0-9]* events, TASK parts of pid [0-9]+ \(now the setuid image\): 0, PROCESS parts: 0' "vmon-trust"
}

# CAP_SYS_ADMIN is not ptrace: root without CAP_SYS_PTRACE cannot watch another
# user's process, as it could not open its /proc/PID/mem.
test_cap_sys_admin_without_ptrace_refused() {
	start_target --as-nobody
	run setpriv --inh-caps=-sys_ptrace --bounding-set=-sys_ptrace -- \
		"$VMON" watch --pid "$T_PID" --addr "$T_ADDR" --len 4 --gt 1 --timeout 5s
	assert_eq "$RC" 1 "exit status (stdout: $OUT, stderr: $ERR)"
	assert_match "$ERR" "no permission to watch pid $T_PID" "stderr"
	run "$VMON" list --json --pid "$T_PID"
	assert_eq "$OUT" "" "watches of the target"
}

# Yama (an LSM) decides too: with ptrace_scope 1, nobody may not watch its own
# process unless it is a descendant.
test_yama_scope_1_honoured() {
	local yama=/proc/sys/kernel/yama/ptrace_scope old
	[ -e "$yama" ] || skip "this kernel has no Yama (CONFIG_SECURITY_YAMA): nothing to honour"
	old=$(cat "$yama")
	[ "$old" -le 1 ] || skip "Yama ptrace_scope is $old here; the test needs 0 or 1"
	echo 1 >"$yama" || fail "cannot set ptrace_scope 1"
	on_exit "echo $old >$yama"
	start_target --as-nobody
	run as_nobody "$VMON" watch --pid "$T_PID" --addr "$T_ADDR" --len 4 --gt 1 --timeout 5s
	assert_eq "$RC" 1 "exit status (stdout: $OUT, stderr: $ERR)"
	assert_match "$ERR" "no permission to watch pid $T_PID" "stderr"
	echo 0 >"$yama"
	run as_nobody "$VMON" watch --pid "$T_PID" --addr "$T_ADDR" --len 4 --gt 1 --timeout 1s
	assert_no_match "$ERR" "no permission" "with ptrace_scope 0"
}

# A released socket's port id is free at once; whoever binds it next is not the old
# owner: it gets none of its events or snapshot parts (a watch firing every millisecond
# with a 49-thread snapshot), and a watch it adds is its own, not torn down with the old
# owner.
TIMEOUT_test_portid_reuse_gets_nothing=180
test_portid_reuse_gets_nothing() {
	run as_nobody "$BUILD/vmon-trust" portid-reuse
	printf '%s\n' "$OUT" >&2
	assert_eq "$RC" 0 "vmon-trust portid-reuse: $OUT $ERR"
	assert_match "$OUT" '^portid-reuse: notifications of the old owner.s watch heard by the new socket: 0; new watches torn down with the old owner: 0$' "vmon-trust"
}
