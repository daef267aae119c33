#!/bin/bash
# docs/using-mpol.md section 8: "auto on" in mpol.weights for a systemd
# service on CPU 1: mpol.weights.effective shows the tables that the
# VM's HMAT gives (harness/topology.sh), the pages land by the table of
# node 1, and an override replaces one node's weight in both tables.
# Runs after clients_systemd (mpol-enable.service), before clients_recipes.
. /harness/clients/lib.sh

SVC=$CG/system.slice/auto-app.service

if ! systemctl -q is-active mpol-enable.service; then
	check "systemd-enable (clients_systemd did not run first)" recipe systemd-enable
fi
rm -f /run/auto-app.out
check "auto-service: auto-app.service with auto on" recipe auto-service
want="initiator0 0=15 1=7 2=6 3=3 4=1 fallback=0
initiator1 0=7 1=15 2=3 3=6 4=1 fallback=0"
got=$(tail -n2 "$RECIPE_OUT")
check "auto-service prints the tables of the VM's HMAT (got '$(tr '\n' ';' <<<"$got")')" test "$got" = "$want"
for i in $(seq 300); do [[ -s /run/auto-app.out ]] && break; sleep 0.1; done
expect_pages "auto-app.service on CPU 1 (table of node 1, 7:15:3:6)" \
	"N0=700 N1=1500 N2=300 N3=600" "$(cat /run/auto-app.out)" 0

check "auto-override: node 3 weight 1" recipe auto-override
got=$(tr '\n' ' ' <"$RECIPE_OUT")
check "auto-override prints '3 1' and 'auto on' (got '$got')" test "$got" = "3 1 auto on "
got=$(cat $SVC/mpol.weights.effective)
want="initiator0 0=15 1=7 2=6 3=1 4=1 fallback=0
initiator1 0=7 1=15 2=3 3=1 4=1 fallback=0"
check "the override replaces node 3 in both tables (got '$(tr '\n' ';' <<<"$got")')" test "$got" = "$want"

systemctl stop auto-app.service
rm -f /etc/systemd/system/auto-app.service
systemctl daemon-reload
finish
