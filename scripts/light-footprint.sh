#!/usr/bin/env bash
# Footprint of `rainbow light run` (issue 7): peak RSS and CPU share of the light-operator
# client over a devnet run with 2-second slots and the minimal preset's 16-position light
# committee (the one light operator holds every position, so it has a duty in every slot).
#
#   RAINBOW=target/release/rainbow DURATION=120 scripts/light-footprint.sh
#
# Prints one Markdown table row; `make bench-light` runs it on the release binary.
set -euo pipefail
R=${RAINBOW:-target/release/rainbow}
DURATION=${DURATION:-120}
[ -x "$R" ] || { echo "no binary at $R (build it: make release)" >&2; exit 2; }
R=$(cd "$(dirname "$R")" && pwd)/$(basename "$R")
dir=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$dir"; }
trap cleanup EXIT
port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
HTTP=$(port); P2P=$(port)
cd "$dir"
echo pw > pw
"$R" keys keystore create --out ks.json --password-file pw --interop-index 1 --kdf pbkdf2 >/dev/null
"$R" light import --datadir light --keystore ks.json --password-file pw >/dev/null
"$R" genesis --heavy 1 --light 1 --accounts 4 --delay 3 --slot-time-ms 2000 --out . >/dev/null
"$R" beacon --genesis genesis.yaml --config config.yaml --datadir node --keys interop:0 \
    --port "$P2P" --http-port "$HTTP" 2> node.log &
pids+=($!)
sleep 1
"$R" light run --datadir light --node "http://127.0.0.1:$HTTP" 2> light.log &
LIGHT=$!
pids+=($LIGHT)
echo "measuring rainbow light (pid $LIGHT) for ${DURATION}s …" >&2
# A transfer every few seconds keeps the lists non-empty.
end=$((SECONDS + DURATION))
i=0
while [ $SECONDS -lt $end ]; do
    sleep 4
    i=$((i + 1))
    "$R" tx --node "http://127.0.0.1:$HTTP" --interop-key 3 --no-wait transfer \
        --to 0x000000000000000000000000000000000000beef --amount $i >/dev/null 2>&1 || true
done
ticks=$(getconf CLK_TCK)
read -r utime stime < <(awk '{print $14, $15}' "/proc/$LIGHT/stat")
hwm_kb=$(awk '/VmHWM/ {print $2}' "/proc/$LIGHT/status")
cpu=$(python3 -c "print(f'{100*($utime+$stime)/$ticks/$DURATION:.2f}')")
status=$("$R" light status --datadir light --node "http://127.0.0.1:$HTTP")
duties=$(grep '^duties:' <<<"$status" | sed 's/^duties: *//')
finalized=$(curl -s "http://127.0.0.1:$HTTP/rainbow/v0/status" 2>/dev/null | python3 -c 'import json,sys; print(json.load(sys.stdin)["data"]["finalized_slot"])' 2>/dev/null || echo "?")
echo "| $(date -u +%Y-%m-%d) | $(basename "$(dirname "$R")") | ${DURATION} s, 2 s slots | $((hwm_kb / 1024)) MiB | ${cpu} % | ${duties}; finalized slot ${finalized} |"
