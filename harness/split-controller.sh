#!/bin/bash
# Regenerate the intermediate steps of the controller in patches 0002,
# 0003, 0004, 0006 and 0007 from the final kernel/cgroup/mpol.c (see
# patches/series):
#   harness/split-controller.sh
# harness/lib/split-controller.py derives the five versions; each mail keeps
# its header, message and its other files' hunks, and gets the new diff of
# kernel/cgroup/mpol.c (and diffstat) from git.  Check the result with
# `make matrix` (every commit builds) and `make series` (checkpatch).
. "$(dirname "$0")/lib/common.sh"

[[ -f $PRISTINE/.harness-pristine ]] || die "build/pristine missing; run 'make prepare'"
P1=$(ls "$ROOT"/patches/0002-*.patch) || die "no patches/0002-*.patch"
P2=$(ls "$ROOT"/patches/0003-*.patch) || die "no patches/0003-*.patch"
P3=$(ls "$ROOT"/patches/0004-*.patch) || die "no patches/0004-*.patch"
P4=$(ls "$ROOT"/patches/0006-*.patch) || die "no patches/0006-*.patch"
P5=$(ls "$ROOT"/patches/0007-*.patch) || die "no patches/0007-*.patch"
# the mm patches in between are applied as they are
M1=$(ls "$ROOT"/patches/0001-*.patch) || die "no patches/0001-*.patch"
M5=$(ls "$ROOT"/patches/0005-*.patch) || die "no patches/0005-*.patch"
F=kernel/cgroup/mpol.c
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT

python3 "$HARNESS_DIR/lib/split-controller.py" "$ROOT/$F" "$T" ||
	die "$F changed in a way harness/lib/split-controller.py does not know: update its replacements"

# a mail without its hunk of $F
strip_mpol() {
	awk -v f="diff --git a/$F b/$F" '
		/^diff --git / { skip = ($0 == f) }
		/^-- $/ { skip = 0 }
		!skip' "$1"
}

git_() { git -C "$T/g" -c user.name=harness -c user.email=harness@localhost "$@"; }
mkdir -p "$T/g"
git_ init -q -b pristine
for p in "$M1" "$P1" "$P2" "$P3" "$M5" "$P4" "$P5"; do
	awk '/^diff --git a\// { sub(/^a\//, "", $3); print $3 }' "$p"
done | sort -u | while read -r f; do
	[[ $f == "$F" || ! -f $PRISTINE/$f ]] && continue
	mkdir -p "$T/g/$(dirname "$f")"
	cp "$PRISTINE/$f" "$T/g/$f"
done
git_ add -A
git_ commit -q -m pristine
n=1
for p in "$M1" "$P1" "$P2" "$P3" "$M5" "$P4" "$P5"; do
	if [[ $p == "$M1" || $p == "$M5" ]]; then
		git_apply_mail "$T/g" "$p" ||
			die "$(basename "$p") does not apply after the patches before it"
		continue
	fi
	strip_mpol "$p" >"$T/mail"
	git_apply_mail "$T/g" "$T/mail" ||
		die "$(basename "$p") (without its $F hunk) does not apply after the patches before it"
	mkdir -p "$T/g/$(dirname "$F")"
	cp "$T/step$n.c" "$T/g/$F"
	git_ add "$F"
	git_ commit -q --amend --no-edit
	git_ format-patch -1 --stdout --no-signature --subject-prefix=PATCH HEAD >"$p.new"
	mv "$p.new" "$p"
	log "$(basename "$p"): $F = step $n ($(wc -l <"$T/step$n.c") lines)"
	n=$((n + 1))
done
