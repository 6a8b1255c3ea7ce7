# Comparisons: every operator at its boundaries, lengths, signed/unsigned edges, low bytes.
. "$REPO/tests/integration/targets.sh"

# expect fire|quiet VALUE ARGS...: start "vmon watch ARGS..." (current target, 1 ms,
# --count 1) in the background; check_all then wants one event reporting VALUE, or
# silence for 1 s.  Several run at once; the target's value is set before.
CHECKS=()
expect() {
	local kind=$1 value=$2 n=${#CHECKS[@]} timeout=30s
	shift 2
	[ "$kind" = quiet ] && timeout=1s
	"$VMON" watch --pid "$T_PID" --json --count 1 --interval 1ms --timeout "$timeout" "$@" \
		>"$TMP/c$n" 2>"$TMP/c$n.err" &
	CHECKS+=("$!|$kind|$value|$*")
}

check_all() {
	local c pid kind value args n=0 ev
	for c in "${CHECKS[@]}"; do
		IFS='|' read -r pid kind value args <<<"$c"
		wait_exit 60 "$pid"
		[ "$RC" = 0 ] || fail "vmon watch $args: exit $RC: $(cat "$TMP/c$n.err")"
		ev=$(triggers "$TMP/c$n")
		if [ "$kind" = fire ]; then
			[ -n "$ev" ] || fail "vmon watch $args did not fire for $value: $(cat "$TMP/c$n")"
			assert_field "$ev" value "$value"
		else
			[ ! -s "$TMP/c$n" ] || fail "vmon watch $args fired for $value: $(cat "$TMP/c$n")"
		fi
		n=$((n + 1))
	done
	CHECKS=()
}

# at OFFSET: the variable's address plus OFFSET, in hex.
at() {
	printf '0x%x\n' $((T_ADDR + $1))
}

# holds OP V T: does "V OP T" hold?
holds() {
	case $1 in
	gt) (($2 > $3)) ;;
	lt) (($2 < $3)) ;;
	ge) (($2 >= $3)) ;;
	le) (($2 <= $3)) ;;
	eq) (($2 == $3)) ;;
	ne) (($2 != $3)) ;;
	esac
}

# Each operator with the value one below, at and one above the threshold.
_op_matrix() {
	local len=$1 t=$2 v op
	for v in $((t - 1)) "$t" $((t + 1)); do
		tcmd "set $v"
		for op in gt lt ge le eq ne; do
			if holds "$op" "$v" "$t"; then
				expect fire "$v" --addr "$T_ADDR" --len "$len" "--$op" "$t"
			else
				expect quiet "$v" --addr "$T_ADDR" --len "$len" "--$op" "$t"
			fi
		done
		check_all
	done
}

test_ops_at_boundaries() {
	start_target
	_op_matrix 4 100
	_op_matrix 4 -5
}

test_ops_other_lengths() {
	start_target
	_op_matrix 1 -100
	_op_matrix 2 1000
	_op_matrix 8 -5000000000
}

# Each length reads its own number of low bytes (little-endian), also unaligned.
test_lengths() {
	start_target
	tcmd "set 0x0102030405060708"
	expect fire 8 --addr "$T_ADDR" --len 1 --eq 8
	expect fire $((0x0708)) --addr "$T_ADDR" --len 2 --eq $((0x0708))
	expect fire $((0x05060708)) --addr "$T_ADDR" --len 4 --eq $((0x05060708))
	expect fire $((0x0102030405060708)) --addr "$T_ADDR" --len 8 --eq $((0x0102030405060708))
	expect quiet 8 --addr "$T_ADDR" --len 1 --ne 8
	expect quiet $((0x0708)) --addr "$T_ADDR" --len 2 --gt $((0x0708))
	expect quiet $((0x05060708)) --addr "$T_ADDR" --len 4 --lt $((0x05060708))
	expect quiet $((0x0102030405060708)) --addr "$T_ADDR" --len 8 --ne $((0x0102030405060708))
	check_all
	expect fire 7 --addr "$(at 1)" --len 1 --eq 7
	expect fire $((0x0506)) --addr "$(at 2)" --len 2 --ge $((0x0506))
	expect fire $((0x01020304)) --addr "$(at 4)" --len 4 --le $((0x01020304))
	expect fire $((0x04050607)) --addr "$(at 1)" --len 4 --eq $((0x04050607))
	expect fire $((0x0405)) --addr "$(at 3)" --len 2 --unsigned --eq $((0x0405))
	check_all
}

# Signed by default, --unsigned on request, at the extremes of each length.
test_signed_unsigned_edges() {
	start_target
	tcmd "set -9223372036854775808"		# INT64_MIN
	expect fire -9223372036854775808 --addr "$T_ADDR" --len 8 --lt -9223372036854775807
	expect fire -9223372036854775808 --addr "$T_ADDR" --len 8 --le -9223372036854775808
	expect fire 9223372036854775808 --addr "$T_ADDR" --len 8 --unsigned --gt 9223372036854775807
	expect quiet x --addr "$T_ADDR" --len 8 --gt 0
	expect quiet x --addr "$T_ADDR" --len 4 --ne 0
	check_all

	tcmd "set 0xffffffffffffffff"		# UINT64_MAX, -1
	expect fire 18446744073709551615 --addr "$T_ADDR" --len 8 --unsigned --gt 18446744073709551614
	expect fire 18446744073709551615 --addr "$T_ADDR" --len 8 --unsigned --eq 18446744073709551615
	expect quiet x --addr "$T_ADDR" --len 8 --unsigned --lt 18446744073709551615
	expect fire -1 --addr "$T_ADDR" --len 8 --lt 0
	expect quiet x --addr "$T_ADDR" --len 8 --gt -1
	expect fire 4294967295 --addr "$T_ADDR" --len 4 --unsigned --eq 4294967295
	expect fire 65535 --addr "$T_ADDR" --len 2 --unsigned --ge 65535
	expect fire -1 --addr "$T_ADDR" --len 1 --eq -1
	check_all

	tcmd "set 128"				# 0x80: -128 as s8, 128 as u8
	expect fire -128 --addr "$T_ADDR" --len 1 --lt 0
	expect fire 128 --addr "$T_ADDR" --len 1 --unsigned --gt 127
	expect quiet x --addr "$T_ADDR" --len 1 --gt 0
	expect quiet x --addr "$T_ADDR" --len 1 --unsigned --lt 128
	expect fire 128 --addr "$T_ADDR" --len 2 --eq 128
	check_all

	tcmd "set 0x8000"
	expect fire -32768 --addr "$T_ADDR" --len 2 --lt -32767
	expect fire 32768 --addr "$T_ADDR" --len 2 --unsigned --eq 32768
	expect fire 0 --addr "$T_ADDR" --len 1 --eq 0
	check_all

	tcmd "set 0x80000000"
	expect fire -2147483648 --addr "$T_ADDR" --len 4 --le -2147483648
	expect fire 2147483648 --addr "$T_ADDR" --len 4 --unsigned --gt 2147483647
	expect fire 2147483648 --addr "$T_ADDR" --len 8 --eq 2147483648
	check_all
}

# A narrow watch sees only its low bytes, whatever happens above them.
test_narrow_reads_low_bytes() {
	start_target
	tcmd "set 5"
	expect quiet x --addr "$T_ADDR" --len 1 --gt 10
	check_all
	tcmd "set 0x1100"			# upper byte changes, low byte 0
	expect quiet x --addr "$T_ADDR" --len 1 --gt 10
	expect fire 0 --addr "$T_ADDR" --len 1 --eq 0
	expect fire 4352 --addr "$T_ADDR" --len 2 --gt 10
	check_all
	tcmd "set8 200"				# only the low byte: 0x11c8
	expect fire 200 --addr "$T_ADDR" --len 1 --unsigned --eq 200
	expect fire -56 --addr "$T_ADDR" --len 1 --eq -56
	expect fire $((0x11c8)) --addr "$T_ADDR" --len 2 --eq $((0x11c8))
	check_all
	tcmd "set 0x7700000000"
	tcmd "set32 5"				# 0x7700000005
	tcmd "set16 0xffff"			# 0x770000ffff
	expect fire 65535 --addr "$T_ADDR" --len 4 --eq 65535
	expect fire -1 --addr "$T_ADDR" --len 2 --eq -1
	expect fire $((0x770000ffff)) --addr "$T_ADDR" --len 8 --eq $((0x770000ffff))
	check_all
}

# A value that changes under a running watch: quiet while false, fires once true.
test_value_change_under_watch() {
	start_target
	tcmd "set 10"
	expect fire 20 --addr "$T_ADDR" --len 4 --eq 20
	sleep 1
	[ -s "$TMP/c0" ] && fail "--eq 20 fired while the value was 10: $(cat "$TMP/c0")"
	tcmd "set 20"
	check_all
}
