#!/bin/bash
# make series: turn patches/series into a real git series on top of the
# pristine 6.12 tree and export it with a cover letter to build/series-out/.
#
#   build/series-git   git repo of the pristine tree (made once, cached)
#   build/series-out   0000-cover-letter.patch, 0001-....patch, ...
#
# Each series line "PATCH [NEW-FILE ...]" becomes one commit: git am PATCH,
# add the NEW-FILEs, git commit --amend --no-edit. The export is verified by
# git am onto the pristine commit (same tree as the series branch), and every
# patch is run through scripts/checkpatch.pl --strict (reported, not fatal).
#
# The cover letter is written in series/0000-cover-letter.in, whose
# [[BENCH:...]] tokens are filled from bench/RESULTS.md
# (harness/lib/cover-figures.py: by the table's '#' column, section and
# column headers); a token that names no figure of the table stops the run.
# The filled letter is written to series/0000-cover-letter (committed, the
# text reviewers read) whenever it changed, so it cannot drift from the
# table: edit the .in file, run make series, commit both.
. "$(dirname "$0")/lib/common.sh"

SERIES=$ROOT/patches/series
COVER_IN=$ROOT/series/0000-cover-letter.in
COVER=$ROOT/series/0000-cover-letter
RESULTS=${BENCH_RESULTS:-$ROOT/bench/RESULTS.md}   # BENCH_RESULTS= to try another table
G=$BUILD/series-git
OUT=$BUILD/series-out
kver=$(kernel_pkg_version)

# cover letter: series/0000-cover-letter.in (first line subject, rest
# body), [[BENCH:...]] figures substituted from bench/RESULTS.md; done
# first so a stale token fails before any git work
if [[ -f $COVER_IN ]]; then
	cover=$(python3 "$HARNESS_DIR/lib/cover-figures.py" --name series/0000-cover-letter.in \
		"$RESULTS" "$COVER_IN") ||
		die "series/0000-cover-letter.in: [[BENCH:...]] figures not in ${RESULTS#"$ROOT"/} (see above; 'python3 harness/lib/cover-figures.py --list ${RESULTS#"$ROOT"/}' lists them)"
	log "cover letter: figures from ${RESULTS#"$ROOT"/} ($(grep -m1 '^| date |' "$RESULTS" | sed 's/^| date | *//; s/ *|$//'))"
	if ! cmp -s <(printf '%s\n' "$cover") "$COVER"; then
		printf '%s\n' "$cover" >"$COVER"
		log "updated series/0000-cover-letter (commit it with the .in file)"
	fi
	subject=$(head -n1 <<<"$cover")
	body=$(tail -n +2 <<<"$cover" | sed '1{/^$/d}')
else
	log "series/0000-cover-letter.in missing: using a placeholder"
	subject="[PLACEHOLDER] mpol: a cgroup v2 memory policy controller"
	body="Placeholder cover letter: write series/0000-cover-letter.in (first line:
subject, then the body)."
fi
"$HARNESS_DIR/prepare-tree.sh" >/dev/null 2>&1 || true   # makes build/pristine if needed
[[ -f $PRISTINE/.harness-pristine ]] || die "build/pristine missing; run 'make prepare'"

# series-git is also used by harness/matrix.sh builds: take the build lock
build_lock

# gc.auto=0: an automatic "git gc" detaches and would inherit the build
# lock's file descriptor, holding the lock (and a later make matrix) for as
# long as it repacks the kernel tree
git_() { git -C "$G" -c user.name="mpol harness" -c user.email="mpol-harness@localhost" \
	-c advice.detachedHead=false -c core.autocrlf=false -c gc.auto=0 "$@"; }

if [[ ! -f $G/.harness-pristine || $(cat "$G/.harness-pristine") != "$kver" ]]; then
	log "creating build/series-git from the pristine tree (once; takes a minute)"
	rm -rf "$G"
	mkdir -p "$G"
	(cd "$PRISTINE" && tar --exclude=./.harness-pristine -cf - .) | tar -C "$G" -xf -
	git_ init -q -b pristine
	git_ add -A -f .
	git_ commit -q -m "Linux 6.12 ($KPKG $kver)"
	git_ tag -f pristine >/dev/null
	echo "$kver" >"$G/.git/harness-pristine"
	echo "$kver" >"$G/.harness-pristine"
	echo "/.harness-pristine" >>"$G/.git/info/exclude"
fi

# parse the series
lines=()
if [[ -f $SERIES ]]; then
	while IFS= read -r line || [[ -n $line ]]; do
		line=${line%%#*}
		[[ $line =~ [^[:space:]] ]] && lines+=("$line")
	done <"$SERIES"
fi
log "series: ${#lines[@]} commit(s)"

git_ am --abort >/dev/null 2>&1 || true
git_ checkout -q -f -B series refs/tags/pristine
git_ clean -q -f -d -x -e .harness-pristine
for line in "${lines[@]}"; do
	read -r -a f <<<"$line"
	p=$ROOT/patches/${f[0]}
	[[ -f $p ]] || die "patches/series: patch file patches/${f[0]} not found"
	if ! git_apply_mail "$G" "$p" >"$LOGS/series-am.log" 2>&1; then
		cat "$LOGS/series-am.log" >&2
		git_ reset -q --hard >/dev/null 2>&1 || true
		die "applying patches/${f[0]} failed (does it apply on top of the previous patches?)"
	fi
	for nf in "${f[@]:1}"; do
		[[ -f $ROOT/$nf ]] || die "new file $nf (listed for ${f[0]}) not found"
		mkdir -p "$G/$(dirname "$nf")"
		cp "$ROOT/$nf" "$G/$nf"
		git_ add -f -- "$nf"
	done
	if ((${#f[@]} > 1)); then
		git_ commit -q --amend --no-edit --allow-empty
	fi
	log "  $(git_ log -1 --format='%h %s')"
done

rm -rf "$OUT"
mkdir -p "$OUT"
n=$(git_ rev-list --count refs/tags/pristine..series)
if ((n == 0)); then
	log "series is empty: nothing to export"
	exit 0
fi
git_ format-patch -q --cover-letter --thread --subject-prefix="RFC PATCH" -o "$OUT" refs/tags/pristine..series
cl=$(ls "$OUT"/0000-cover-letter.patch)
# ENVIRON, not -v: awk -v would turn the body's backslash escapes into
# characters
SUBJ="$subject" BODY="$body" awk '
	/\*\*\* SUBJECT HERE \*\*\*/ { sub(/\*\*\* SUBJECT HERE \*\*\*/, ENVIRON["SUBJ"]) }
	/^\*\*\* BLURB HERE \*\*\*$/ { print ENVIRON["BODY"]; next }
	{ print }' "$cl" >"$cl.tmp" && mv "$cl.tmp" "$cl"
if left=$(grep -n '\[\[BENCH' "$cl"); then
	printf '%s\n' "$left" >&2
	die "${cl#"$ROOT"/} still holds [[BENCH tokens (lines above)"
fi
log "exported $n patch(es) + cover letter to ${OUT#"$ROOT"/}/"

# verify: the export applies with git am onto pristine and gives the same tree
git_ checkout -q -f -B series-verify refs/tags/pristine
if ! git_ am -q --empty=keep $(ls "$OUT"/*.patch | grep -v /0000-cover-letter.patch) >"$LOGS/series-verify.log" 2>&1; then
	cat "$LOGS/series-verify.log" >&2
	git_ am --abort >/dev/null 2>&1 || true
	die "the exported series does not apply with git am onto the pristine tree"
fi
git_ diff --quiet series series-verify || die "the exported series applies but gives a different tree than patches/series"
log "verify: the export applies with git am onto pristine; tree identical"
git_ checkout -q -f series

# checkpatch (report only)
for p in "$OUT"/0*.patch; do
	[[ $p == */0000-cover-letter.patch ]] && continue
	echo "== checkpatch.pl --strict $(basename "$p")"
	out=$(cd "$G" && PATH=/usr/bin:$PATH ./scripts/checkpatch.pl --strict --terse --show-types "$p" 2>&1 || true)
	if [[ -n $out ]]; then sed 's/^/   /' <<<"$out"; else echo "   clean (0 errors, 0 warnings, 0 checks)"; fi
done | tee "$LOGS/series-checkpatch.log"
log "checkpatch results in ${LOGS#"$ROOT"/}/series-checkpatch.log (not fatal yet)"
