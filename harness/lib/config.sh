# shellcheck shell=bash
# Kernel config: tinyconfig + fragments (merge_config.sh -m) + olddefconfig,
# then verify the fragments. Sourced by build.sh (needs common.sh).

config_fragments() {
	echo "$HARNESS_DIR/config/mpol.config"
	if [[ "$DEBUG" == 1 ]]; then echo "$HARNESS_DIR/config/debug.config"; fi
	if [[ "$BENCH_BUILD" == 1 ]]; then echo "$HARNESS_DIR/config/bench.config"; fi
}

# Print "SYM<TAB>VALUE<TAB>soft|hard" for every option line of a fragment.
# VALUE is "n" for "# CONFIG_FOO is not set".
fragment_options() {
	awk '
	/^# soft:/ { soft = 1; next }
	/^CONFIG_[A-Za-z0-9_]+=/ {
		i = index($0, "="); sym = substr($0, 1, i - 1); val = substr($0, i + 1)
		sub(/[ \t]+#.*$/, "", val)
		print sym "\t" val "\t" (soft ? "soft" : "hard"); soft = 0; next
	}
	/^# CONFIG_[A-Za-z0-9_]+ is not set/ {
		print $2 "\tn\t" (soft ? "soft" : "hard"); soft = 0; next
	}
	/^[ \t]*$/ { next }
	/^#/ { next }
	{ soft = 0 }' "$@"
}

# Hash of everything the generated .config depends on: the fragments, every
# Kconfig file of the tree (the series may add some) and the tiny configs.
config_inputs_hash() {
	{
		cat "$@"
		(cd "$LINUX" && find . \( -name 'Kconfig*' -o -name 'tiny*.config' \) -type f -print0 |
			sort -z | xargs -0 cat)
	} | md5sum | cut -d' ' -f1
}

make_config() {
	local frags sum stamp=$OBJ/.harness-config-inputs
	mapfile -t frags < <(config_fragments)
	mkdir -p "$OBJ"
	sum=$(config_inputs_hash "${frags[@]}")
	if [[ -f $OBJ/.config && -f $stamp && $(cat "$stamp") == "$sum" ]]; then
		log "config: inputs unchanged, keeping ${OBJ#"$ROOT"/}/.config"
		verify_config "${frags[@]}"
		return
	fi
	rm -f "$stamp"
	log "config: tinyconfig + ${frags[*]#"$ROOT"/} -> ${OBJ#"$ROOT"/}/.config"
	{
		kmake tinyconfig
		(cd "$LINUX" && ./scripts/kconfig/merge_config.sh -m -O "$OBJ" "$OBJ/.config" "${frags[@]}")
		kmake olddefconfig
	} >"$LOGS/config-$VARIANT.log" 2>&1 || { tail -n 30 "$LOGS/config-$VARIANT.log" >&2; die "kernel config failed (log: $LOGS/config-$VARIANT.log)"; }
	verify_config "${frags[@]}"
	echo "$sum" >"$stamp"
}

verify_config() {
	local cfg=$OBJ/.config sym want kind have bad=() softbad=()
	while IFS=$'\t' read -r sym want kind; do
		have=$(grep -E "^$sym=" "$cfg" | head -n1 | cut -d= -f2- || true)
		[[ -n $have ]] || have=n
		if [[ $have != "$want" ]]; then
			if [[ $kind == soft ]]; then
				softbad+=("$sym (want $want, have $have)")
			else
				bad+=("$sym (want $want, have $have)")
			fi
		fi
	done < <(fragment_options "$@")
	local s
	for s in "${softbad[@]}"; do
		log "config warning (soft option): $s"
	done
	if ((${#bad[@]})); then
		printf '  %s\n' "${bad[@]}" >&2
		die "kernel .config is missing ${#bad[@]} option(s) required by the fragment(s) (unmet Kconfig dependencies? see $LOGS/config-$VARIANT.log)"
	fi
	log "config ok ($(fragment_options "$@" | wc -l) options checked, ${#softbad[@]} soft warning(s))"
}
