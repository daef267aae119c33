#!/bin/bash
# Prepare build/linux = pristine 6.12 + the project's series (patches/series).
#
# Incremental: only files whose content changes get written (new mtime);
# files the series touched last time but not now are restored from pristine.
. "$(dirname "$0")/lib/common.sh"

SERIES=$SERIES_FILE
STAGE=$LINUX.stage
mkdir -p "$STATE"
kver=$(kernel_pkg_version)

# 1. pristine tree, unpacked once per package version
if [[ ! -f $PRISTINE/.harness-pristine || $(cat "$PRISTINE/.harness-pristine") != "$kver" ]]; then
	log "unpacking $KTARBALL ($KPKG $kver) into build/pristine"
	rm -rf "$PRISTINE" "$PRISTINE.tmp" "$LINUX"
	mkdir -p "$PRISTINE.tmp"
	tar -C "$PRISTINE.tmp" --strip-components=1 -xJf "$KTARBALL"
	echo "$kver" >"$PRISTINE.tmp/.harness-pristine"
	mv "$PRISTINE.tmp" "$PRISTINE"
fi

# 2. build tree: a full copy of pristine, made once
if [[ ! -f $LINUX/.harness-pristine || $(cat "$LINUX/.harness-pristine") != "$kver" ]]; then
	log "copying build/pristine to ${LINUX#"$ROOT"/}"
	rm -rf "$LINUX" "$LINUX.tmp" "$STATE/touched.list"
	cp -a "$PRISTINE" "$LINUX.tmp"
	mv "$LINUX.tmp" "$LINUX"
fi

# 3. parse the series
patches=() newfiles=()
declare -A seen_new=()
if [[ -f $SERIES ]]; then
	lineno=0
	while IFS= read -r line || [[ -n $line ]]; do
		lineno=$((lineno + 1))
		line=${line%%#*}
		read -r -a f <<<"$line" || true
		((${#f[@]})) || continue
		p=$ROOT/patches/${f[0]}
		[[ -f $p ]] || die "${SERIES#"$ROOT"/}:$lineno: patch file patches/${f[0]} not found"
		patches+=("$p")
		for nf in "${f[@]:1}"; do
			[[ -f $ROOT/$nf ]] || die "${SERIES#"$ROOT"/}:$lineno: new file '$nf' (listed for ${f[0]}) not found in the repository"
			[[ -z ${seen_new[$nf]:-} ]] && newfiles+=("$nf")
			seen_new[$nf]=1
		done
	done <"$SERIES"
fi
log "series: ${#patches[@]} patch(es), ${#newfiles[@]} new file(s)"

# 4. files the patches touch (from the 'diff --git a/X b/Y' headers)
touched_by_patches() {
	local p
	for p in "$@"; do
		awk '/^diff --git a\// { sub(/^a\//, "", $3); sub(/^b\//, "", $4); print $3; print $4 }' "$p"
	done
}

rm -rf "$STAGE"
mkdir -p "$STAGE"
: >"$STATE/touched.new"
if ((${#patches[@]})); then
	touched_by_patches "${patches[@]}" | sort -u >"$STATE/touched.new"
fi
while IFS= read -r f; do
	[[ -f $PRISTINE/$f ]] || continue
	mkdir -p "$STAGE/$(dirname "$f")"
	cp "$PRISTINE/$f" "$STAGE/$f"
done <"$STATE/touched.new"

for p in "${patches[@]}"; do
	# a mail without a diff: its files are all NEW-FILEs (copied below)
	grep -q '^diff --git ' "$p" || continue
	if ! out=$(patch -d "$STAGE" -p1 --batch --forward --no-backup-if-mismatch \
			--reject-file=- -i "$p" 2>&1); then
		echo "$out" >&2
		die "patch $(basename "$p") does not apply to $KPKG $kver (after the patches before it in patches/series)"
	fi
done
for nf in "${newfiles[@]}"; do
	mkdir -p "$STAGE/$(dirname "$nf")"
	cp "$ROOT/$nf" "$STAGE/$nf"
	echo "$nf" >>"$STATE/touched.new"
done
sort -u -o "$STATE/touched.new" "$STATE/touched.new"

# 5. sync into build/linux, touching only changed files
changed=0
sync_file() { # $1 = relative path, $2 = wanted source file or "" for absent
	local rel=$1 src=$2 dst=$LINUX/$1
	if [[ -n $src ]]; then
		if [[ ! -f $dst ]] || ! cmp -s "$src" "$dst"; then
			mkdir -p "$(dirname "$dst")"
			cp "$src" "$dst.harness-tmp" && mv "$dst.harness-tmp" "$dst"
			echo "  updated $rel" >&2
			changed=$((changed + 1))
		fi
	elif [[ -e $dst ]]; then
		rm -f "$dst"
		echo "  removed $rel" >&2
		changed=$((changed + 1))
	fi
}
while IFS= read -r f; do
	if [[ -f $STAGE/$f ]]; then sync_file "$f" "$STAGE/$f"; else sync_file "$f" ""; fi
done <"$STATE/touched.new"
if [[ -f $STATE/touched.list ]]; then
	while IFS= read -r f; do
		if [[ -f $PRISTINE/$f ]]; then sync_file "$f" "$PRISTINE/$f"; else sync_file "$f" ""; fi
	done < <(comm -23 "$STATE/touched.list" "$STATE/touched.new")
fi
mv "$STATE/touched.new" "$STATE/touched.list"
rm -rf "$STAGE"
log "${LINUX#"$ROOT"/} ready ($changed file(s) changed)"
