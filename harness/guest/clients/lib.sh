# shellcheck shell=bash
# Sourced by the client tests (harness/guest/clients/clients_*.sh) in the
# Debian VM of `make clients`. Each test prints TAP; run-clients.sh frames it.
#
# Recipes: docs/using-mpol.md marks every command block that a reader may
# copy with a line "<!-- recipe: NAME -->" right before the block. The tests
# run those blocks literally (recipe NAME), so the docs cannot drift from
# what is tested; clients_recipes checks that every recipe ran and passed.
CG=/sys/fs/cgroup
DOC=/harness/using-mpol.md
RECIPES_LOG=/run/mpol-recipes.log
RECIPE_OUT=/run/mpol-recipe.out
PATH=/harness/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export PATH

tap_n=0
tap_failed=0

ok() { tap_n=$((tap_n + 1)); echo "ok $tap_n $*"; }
nok() { tap_n=$((tap_n + 1)); echo "not ok $tap_n $*"; tap_failed=1; }
skip() { tap_n=$((tap_n + 1)); echo "ok $tap_n $1 # SKIP $2"; }
diag() { sed 's/^/# /'; }
# check DESC CMD...: one TAP line for the outcome of CMD
check() {
	local d=$1
	shift
	if "$@"; then ok "$d"; else nok "$d"; fi
}
finish() {
	echo "1..$tap_n"
	exit $tap_failed
}

# The command block after "<!-- recipe: NAME -->" in the docs.
recipe_text() {
	awk -v m="<!-- recipe: $1 -->" '
		$0 == m { want = 1; next }
		want && /^```/ { if (inblk) exit; inblk = 1; next }
		inblk { print }
	' "$DOC"
}

# recipe NAME: run the docs' block NAME with bash -e in the current
# directory; its output goes to $RECIPE_OUT and, as TAP comments, to the
# log. Records "NAME rc" in $RECIPES_LOG. Returns the block's exit status.
recipe() {
	local name=$1 text rc=0
	text=$(recipe_text "$name")
	if [[ -z $text ]]; then
		echo "# recipe $name: not found in $DOC"
		echo "$name missing" >>"$RECIPES_LOG"
		return 1
	fi
	echo "# recipe $name:"
	sed 's/^/#   $ /' <<<"$text"
	bash -e -o pipefail -c "$text" >"$RECIPE_OUT" 2>&1 || rc=$?
	diag <"$RECIPE_OUT"
	echo "# recipe $name: exit status $rc"
	echo "$name $rc" >>"$RECIPES_LOG"
	return $rc
}

# within EXPECTED ACTUAL SLACK: "N0=600 N1=200" against pagecount's line,
# every node within SLACK pages (nodes in the same order)
within() {
	awk -v e="$1" -v a="$2" -v t="$3" 'BEGIN {
		ne = split(e, E, " ")
		if (split(a, A, " ") != ne)
			exit 1
		for (i = 1; i <= ne; i++) {
			split(E[i], x, "="); split(A[i], y, "=")
			d = x[2] - y[2]
			if (x[1] != y[1] || d > t || -d > t)
				exit 1
		}
	}'
}

# expect_pages DESC EXPECTED ACTUAL: exact within one weight cycle
# (a multiple of the weight total is placed exactly; see pagecount.c)
expect_pages() {
	if within "$2" "$3" "${4:-5}"; then
		ok "$1: $3"
	else
		nok "$1: got '$3', expected '$2'"
	fi
}

# A pagecount server ("pagecount -f FIFO PAGES >OUT") faults PAGES fresh
# pages for each line written to FIFO. batch FIFO OUT prints the result
# line of one more batch (waits up to 60 s).
batch() {
	local fifo=$1 out=$2 before i
	before=$(wc -l <"$out" 2>/dev/null || echo 0)
	timeout 60 bash -c "echo go >$fifo" || { echo "timeout writing $fifo"; return 1; }
	for ((i = 0; i < 600; i++)); do
		if (($(wc -l <"$out" 2>/dev/null || echo 0) > before)); then
			tail -n 1 "$out"
			return 0
		fi
		sleep 0.1
	done
	echo "timeout waiting for $out"
	return 1
}

# wait_for PATH: up to 30 s for PATH to exist
wait_for() {
	local i
	for ((i = 0; i < 300; i++)); do
		[[ -e $1 ]] && return 0
		sleep 0.1
	done
	return 1
}

# cgfile PATH: the content of a cgroup file on one line ("a b / c d")
cgfile() { tr '\n' '/' <"$1" | sed 's|/$||; s|/| / |g'; }
