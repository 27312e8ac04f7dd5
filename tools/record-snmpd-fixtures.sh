#!/usr/bin/env bash
# Records Debian's snmpd on loopback into recordings/ (README "Recordings", recordings/README.md).
# Credentials are made up per run and never written: `vigil record` skips the MIBs that hold them and
# redacts any value that carries one; the last step checks that none appears in the files.
set -euo pipefail
cd "$(dirname "$0")/.."
out=recordings
work=$(mktemp -d)
trap 'kill "$(cat "$work/pid" 2>/dev/null)" 2>/dev/null || true; rm -rf "$work"' EXIT
word() { echo "$1-$(head -c 6 /dev/urandom | od -An -tx1 | tr -d ' \n')"; }
community=$(word fixture-ro)
user=$(word fixture-user)
auth_key=$(word auth)
priv_key=$(word priv)
port=$((20000 + RANDOM % 30000))
vigil=(npx tsx src/cli/main.ts)
# What this machine's snmpd walks but a fixture should not carry: the processes running here and their
# arguments (hrSWRun, hrSWRunPerf), the installed packages (hrSWInstalled), Net-SNMP's module table, and
# the sockets open here (TCP connections and listeners, UDP endpoints: thousands while tests run).
private_skips=(--skip 1.3.6.1.2.1.25.4 --skip 1.3.6.1.2.1.25.5 --skip 1.3.6.1.2.1.25.6 --skip 1.3.6.1.4.1.8072.1.2
  --skip 1.3.6.1.2.1.6.13 --skip 1.3.6.1.2.1.6.19 --skip 1.3.6.1.2.1.6.20 --skip 1.3.6.1.2.1.7.5 --skip 1.3.6.1.2.1.7.7)

start_snmpd() { # $1: config name; the config on stdin
  sed -e "s/@COMMUNITY@/$community/g" -e "s/@USER@/$user/g" -e "s/@AUTH_KEY@/$auth_key/g" \
    -e "s/@PRIV_KEY@/$priv_key/g" >"$work/$1.conf"
  rm -rf "$work/persistent"
  MIBS='' SNMP_PERSISTENT_DIR="$work/persistent" snmpd -f -Lf "$work/$1.log" -C -c "$work/$1.conf" \
    -p "$work/pid" "udp:127.0.0.1:$port" &
  for _ in $(seq 50); do
    snmpget -v3 -l noAuthNoPriv -u probe -t 0.2 -r 0 "127.0.0.1:$port" 1.3.6.1.2.1.1.3.0 >/dev/null 2>&1 && break
    snmpget -v2c -c "$community" -t 0.2 -r 0 "127.0.0.1:$port" 1.3.6.1.2.1.1.3.0 >/dev/null 2>&1 && break
    sleep 0.2
  done
  sleep 3 # a little uptime, so counters and sysUpTime are not all near zero
}
stop_snmpd() { kill "$(cat "$work/pid")"; wait || true; }

# (a) Debian's shipped view: the system group and hrSystem only (/etc/snmp/snmpd.conf, "systemonly").
start_snmpd debian-default <recordings/snmpd/debian-default.conf
"${vigil[@]}" record "127.0.0.1:$port" --community "$community" --out $out/debian-snmpd-default.snmprec
stop_snmpd

# (b) Everything, with UCD-SNMP's load, disk and process checks configured.
start_snmpd debian-full <recordings/snmpd/debian-full.conf
"${vigil[@]}" record "127.0.0.1:$port" --community "$community" "${private_skips[@]}" \
  --out $out/debian-snmpd-full.snmprec
stop_snmpd

# (c) SNMPv3 only (no community at all), authPriv SHA/AES, the subtrees a probe reads.
start_snmpd debian-v3 <recordings/snmpd/debian-v3.conf
"${vigil[@]}" record "127.0.0.1:$port" --version 3 --user "$user" --auth-protocol sha --auth-key "$auth_key" \
  --priv-protocol aes --priv-key "$priv_key" --subtree 1.3.6.1.2.1.1 --subtree 1.3.6.1.2.1.2 \
  --subtree 1.3.6.1.2.1.31 --subtree 1.3.6.1.2.1.25.1 --subtree 1.3.6.1.2.1.25.2 --subtree 1.3.6.1.2.1.25.3 \
  --subtree 1.3.6.1.4.1.2021 --out $out/debian-snmpd-v3.snmprec
stop_snmpd

# This machine's tool mounts are no part of a fixture: their paths become /mnt/data (said in the README).
sed -i -E 's#\|4\|/mnt/sandboxing[^|]*$#|4|/mnt/data#' $out/debian-snmpd-*.snmprec
for secret in "$community" "$user" "$auth_key" "$priv_key"; do
  if grep -rqF "$secret" $out/; then echo "a credential is in $out/: refusing" >&2; exit 1; fi
done
ls -l $out/*.snmprec
