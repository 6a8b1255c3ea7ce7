# Watching a variable by name (--var): resolved from the target's symbols and
# DWARF by libvmon, watched by the real module.
. "$REPO/tests/integration/targets.sh"

# start_vars: start build/vmon-vars (a variable of every kind, and one in
# build/libvmonvars.so); sets V_PID and V_<NAME> addresses from its output.
start_vars() {
	local fifo=$TMP/vars.in out=$TMP/vars.out l
	mkfifo "$fifo" || fail "mkfifo"
	"$BUILD/vmon-vars" <"$fifo" >"$out" 2>"$TMP/vars.err" &
	local job=$!
	exec {V_FD}>"$fifo"
	on_exit "kill -9 $job 2>/dev/null"
	_poll 20 grep -q '^pid=' "$out" || fail "vmon-vars did not start: $(cat "$TMP/vars.err")"
	while read -r l; do
		case $l in
		pid=*) l=${l#pid=}; V_PID=${l%% *} ;;
		*=0x*) [[ ${l%%=*} =~ ^[A-Za-z_][A-Za-z0-9_]*$ ]] && printf -v "V_${l%%=*}" '%s' "${l#*=}" ;;
		esac
	done <"$out"
}

# By name: the same address, length and signedness as the variable itself.
test_var_fires() {
	local ev
	start_target
	tcmd "set 9"
	run "$VMON" watch --pid "$T_PID" --var var --eq 9 --json --count 1 --timeout 30s
	assert_eq "$RC" 0 "vmon watch --var var: $ERR"
	ev=$(triggers <(printf '%s\n' "$OUT"))
	[ -n "$ev" ] || fail "no trigger event: $OUT"
	assert_eq "$(($(jget "$ev" addr)))" "$((T_ADDR))" "addr of --var var"
	assert_field "$ev" len 8
	assert_field "$ev" signed true
	assert_field "$ev" name var
	assert_field "$ev" value 9
	assert_match "$ERR" "watching pid $T_PID var \\(int64_t, 8 bytes, signed, .*vmon-target\\)" "the banner"
}

# vmon list names the variable next to the address; --name still wins.
test_var_list_symbol() {
	local id named line
	start_target
	detach --pid "$T_PID" --var var --gt 1000
	id=$WID
	on_exit "'$VMON' unwatch $id"
	line=$(list_line "$id")
	assert_match "$line" '"symbol":"var"' "vmon list --json of a --var watch"
	assert_match "$line" '"name":"var"' "the default name of a --var watch"
	detach --pid "$T_PID" --var var --gt 1000 --name mine
	named=$WID
	on_exit "'$VMON' unwatch $named"
	assert_match "$(list_line "$named")" '"name":"mine"' "--name with --var"
	run "$VMON" list
	assert_match "$OUT" "<var>" "vmon list text"
	# An --addr watch inside a struct names the member's offset.
	start_vars
	detach --pid "$V_PID" --addr "$(printf '0x%x' $((V_stats + 8)))" --len 8 --gt 1000
	on_exit "'$VMON' unwatch $WID"
	assert_match "$(list_line "$WID")" '"symbol":"stats\+0x8"' "an address 8 bytes into stats"
}

# A variable of a shared library, by LIB:NAME; a struct member by path.
test_var_library_and_member() {
	start_vars
	run "$VMON" watch --pid "$V_PID" --var libvmonvars:lib_counter --eq 4242 --json --count 1 --timeout 30s
	assert_eq "$RC" 0 "--var libvmonvars:lib_counter: $ERR"
	assert_eq "$(($(jget "$(triggers <(printf '%s\n' "$OUT"))" addr)))" "$((V_lib_counter))" "addr of lib_counter"
	run "$VMON" watch --pid "$V_PID" --var stats.misses --ne 0 --json --count 1 --timeout 30s
	assert_eq "$RC" 0 "--var stats.misses: $ERR"
	assert_eq "$(($(jget "$(triggers <(printf '%s\n' "$OUT"))" addr)))" "$((V_stats + 8))" "addr of stats.misses"
}

# Names that do not resolve change nothing; conflicting options are usage errors.
test_var_refusals() {
	local before
	start_target
	cfg watches
	before=$CFG
	run "$VMON" watch --pid "$T_PID" --var nosuch --gt 1
	assert_eq "$RC" 1 "--var nosuch: $ERR"
	assert_match "$ERR" "nosuch" "the message names the variable"
	run "$VMON" watch --pid "$T_PID" --var varr --gt 1
	assert_eq "$RC" 1 "--var varr"
	assert_match "$ERR" "\\bvar\\b" "a near match is suggested"
	start_vars
	run "$VMON" watch --pid "$V_PID" --var s_level --gt 1
	assert_eq "$RC" 1 "--var s_level (two statics)"
	assert_match "$ERR" "vmon-vars2?\\.c" "the candidates are listed"
	run "$VMON" watch --pid "$V_PID" --var stats --gt 1
	assert_eq "$RC" 1 "--var on a struct"
	assert_match "$ERR" "struct stats" "the message names the type"
	run "$VMON" watch --pid "$T_PID" --var var --len 4 --gt 1
	assert_eq "$RC" 2 "--var var --len 4 (the type is 8 bytes): $ERR"
	run "$VMON" watch --pid "$T_PID" --var var --addr "$T_ADDR" --len 8 --gt 1
	assert_eq "$RC" 2 "--var with --addr: $ERR"
	cfg watches
	assert_eq "$CFG" "$before" "watches after the refusals"
}
