# Helpers for the guest integration tests; the runner sources this before each test file.
#
# A test is a function named test_* in tests/integration/[0-9]*.sh.  It runs as root in
# its own bash process and process group, cwd = $REPO (read-only), with a fresh writable
# $TMP; it passes by returning, fails with `fail`, skips with `skip`.  A file may set
# TIMEOUT_<testname>=SECONDS (default 120).

# Every exec costs ~0.1 s under emulation: helpers use builtins where they can.
REPO=${REPO:-$(cd "${BASH_SOURCE[0]%/*}/../.." && pwd)}
BUILD=$REPO/build
VMON=$BUILD/vmon
[ -n "${TMP:-}" ] || TMP=$(mktemp -d)

_vmon_end() {
	local status=$1 tag=$2
	shift 2
	echo "$tag: $*" >&2
	[ -n "${VMON_REASON_FILE:-}" ] && printf '%s\n' "$*" >"$VMON_REASON_FILE"
	exit "$status"
}
fail() { _vmon_end 1 FAIL "$@"; }
skip() { _vmon_end 77 SKIP "$@"; }

# vmon.ko has an events group (for vmon listen) only where the kernel can limit
# it to CAP_SYS_ADMIN (GENL_MCAST_CAP_SYS_ADMIN; 5.10 cannot).  test_listen checks
# the refusal there; tests that need a listener skip.
NO_EVENTS_GROUP_RE='cannot limit multicast listeners to CAP_SYS_ADMIN'
have_events_group() {
	local err
	err=$("$VMON" listen --timeout 1ms 2>&1 >/dev/null) && return 0
	! grep -q "$NO_EVENTS_GROUP_RE" <<<"$err"
}
need_events_group() {
	have_events_group ||
		skip "this kernel has no GENL_MCAST_CAP_SYS_ADMIN: vmon.ko offers no events group, so nothing can listen (10-basic:test_listen checks the refusal)"
}

assert_eq() {
	[ "$1" = "$2" ] || fail "$3: expected '$2', got '$1'"
}
assert_match() {
	grep -qE -- "$2" <<<"$1" || fail "$3: no line matches /$2/ in:
$1"
}
assert_no_match() {
	local hits
	hits=$(grep -E -- "$2" <<<"$1") && fail "$3: unexpected lines matching /$2/:
$hits"
	return 0
}

# run CMD...: stdout to $OUT, stderr to $ERR, status to $RC; CMD runs in a subshell.
run() {
	local f=$TMP/.run.$BASHPID
	("$@") >"$f.out" 2>"$f.err"
	RC=$?
	OUT=$(<"$f.out") ERR=$(<"$f.err")
	return 0
}
assert_rc() {
	local want=$1
	shift
	run "$@"
	[ "$RC" = "$want" ] || fail "'$*' exited $RC, expected $want
stdout: $OUT
stderr: $ERR"
}

# _vmon_deadline SECONDS: sets _vmon_end to now + SECONDS, in microseconds.
_vmon_deadline() {
	local us
	printf -v us '%.0f' "${1}e6"
	_vmon_end=$((${EPOCHREALTIME/./} + us))
}
_vmon_expired() { [ "${EPOCHREALTIME/./}" -ge "$_vmon_end" ]; }

wait_for() {
	_vmon_deadline "$1"
	shift
	until ("$@") >/dev/null 2>&1; do
		_vmon_expired && fail "timed out waiting for: $*"
		sleep 0.1
	done
}
wait_file_match() {
	local file=$2 re=$3
	_vmon_deadline "$1"
	until grep -qE -- "$re" "$file" 2>/dev/null; do
		_vmon_expired && fail "timed out after $1 s waiting for /$re/ in $file, which holds:
$(tail -n 40 "$file" 2>&1)"
		sleep 0.1
	done
}

# as_nobody CMD...: run CMD as uid/gid 65534, no supplementary groups, no capabilities.
as_nobody() {
	setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all --bounding-set=-all -- "$@"
}

# on_exit CMD_STRING: eval CMD_STRING when the test exits, last registered first.
_vmon_cleanups=()
_vmon_run_cleanups() {
	local i
	for ((i = ${#_vmon_cleanups[@]} - 1; i >= 0; i--)); do
		eval "${_vmon_cleanups[i]}" || true
	done
	_vmon_cleanups=()
}
on_exit() {
	_vmon_cleanups+=("$1")
	trap _vmon_run_cleanups EXIT
}

# stop PID: TERM, then KILL if it is still there after 2 s; reaps it if it is our child.
_vmon_stop() {
	local i
	kill "$1" 2>/dev/null || return 0
	for ((i = 0; i < 20; i++)); do
		kill -0 "$1" 2>/dev/null || break
		sleep 0.1
	done
	kill -KILL "$1" 2>/dev/null
	wait "$1" 2>/dev/null
	return 0
}

# bg CMD...: start CMD in the background (pid in $BG_PID), stopped when the test exits.
bg() {
	"$@" &
	BG_PID=$!
	on_exit "_vmon_stop $BG_PID"
}
