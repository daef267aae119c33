#!/bin/bash
# Every recipe of docs/using-mpol.md was run by a client test (the tests
# run before this one in the same boot) and exited as the test expected.
. /harness/clients/lib.sh

for name in $(sed -n 's/^<!-- recipe: \(.*\) -->$/\1/p' $DOC); do
	rcs=$(awk -v n="$name" '$1 == n { printf "%s ", $2 }' $RECIPES_LOG 2>/dev/null)
	# crun-bad-line shows a refusal; it ends with a cat, so it exits 0
	if [[ -z $rcs ]]; then
		nok "recipe $name: not run by any test"
	elif [[ $rcs == *[1-9]* ]]; then
		nok "recipe $name: exit status $rcs"
	else
		ok "recipe $name: run, exit status ${rcs% }"
	fi
done
awk '$2 == "missing" { print "recipe " $1 " is run by a test but not in the docs" }' \
	$RECIPES_LOG 2>/dev/null | while read -r l; do echo "not ok $l"; done
finish
