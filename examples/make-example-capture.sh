#!/usr/bin/env bash
# Makes examples/example.pcap with real software: two network namespaces joined by a veth pair, real
# daemons on one side (dnsmasq answering from its own records, python3's http.server), real clients
# on the other (dig over UDP and TCP, curl, ping), tcpdump writing what crosses the link.
# Only the namespaces and addresses made here are touched (10.77.0.1/24, 10.77.0.2/24); everything
# is torn down on exit. Run as root:  sudo examples/make-example-capture.sh [OUTPUT.pcap]
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
OUT="${1:-$HERE/example.pcap}"
SRV_NS=nsm-ex-srv
CLI_NS=nsm-ex-cli
SRV_IF=nsmex-srv
CLI_IF=nsmex-cli
SRV_IP=10.77.0.1
CLI_IP=10.77.0.2
ZONE=nsm.example

if [[ $EUID -ne 0 ]]; then
  echo "make-example-capture: needs root (network namespaces, tcpdump)" >&2
  exit 1
fi

# Install a tool only when it is absent.
need() {
  local cmd=$1 pkg=$2
  command -v "$cmd" >/dev/null 2>&1 && return
  echo "make-example-capture: installing $pkg for $cmd"
  apt-get install -y "$pkg" >/dev/null || { apt-get update >/dev/null && apt-get install -y "$pkg" >/dev/null; }
}
need dnsmasq dnsmasq
need dig dnsutils
need tcpdump tcpdump
need curl curl
need ping iputils-ping
need python3 python3
need ethtool ethtool

for ns in "$SRV_NS" "$CLI_NS"; do
  if ip netns list | grep -qw "$ns"; then
    echo "make-example-capture: namespace $ns already exists (another run?); remove it first" >&2
    exit 1
  fi
done

WORK="$(mktemp -d)"
PIDS=()
cleanup() {
  local pid
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  ip netns del "$SRV_NS" 2>/dev/null || true
  ip netns del "$CLI_NS" 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT INT TERM

in_srv() { ip netns exec "$SRV_NS" "$@"; }
in_cli() { ip netns exec "$CLI_NS" "$@"; }

# Two namespaces, one veth pair; IPv6 off so router solicitations and DAD stay out of the capture.
ip netns add "$SRV_NS"
ip netns add "$CLI_NS"
ip link add "$SRV_IF" netns "$SRV_NS" type veth peer name "$CLI_IF" netns "$CLI_NS"
for ns in "$SRV_NS" "$CLI_NS"; do
  ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
  ip netns exec "$ns" ip link set lo up
done
in_srv ip addr add "$SRV_IP/24" dev "$SRV_IF"
in_cli ip addr add "$CLI_IP/24" dev "$CLI_IF"
# veth leaves checksums to an offload that never happens, so tcpdump would record them unfilled;
# checksumming in software makes the capture carry what a real wire would.
in_srv ethtool -K "$SRV_IF" tx off >/dev/null
in_cli ethtool -K "$CLI_IF" tx off >/dev/null
in_srv ip link set "$SRV_IF" up
in_cli ip link set "$CLI_IF" up

# dnsmasq answers only from the records below; --local makes unknown names in the zone NXDOMAIN.
# Started with `ip netns exec ... &` directly (not through a function) so that $! is the daemon.
ip netns exec "$SRV_NS" dnsmasq --keep-in-foreground --conf-file=/dev/null --no-resolv --no-hosts --no-poll \
  --user=root --pid-file= --bind-interfaces --listen-address="$SRV_IP" --port=53 \
  --local="/$ZONE/" \
  --host-record="www.$ZONE,$SRV_IP,fd77::1" \
  --host-record="mail.$ZONE,$SRV_IP" \
  --mx-host="$ZONE,mail.$ZONE,10" \
  --txt-record="$ZONE,v=spf1 mx -all" \
  2>"$WORK/dnsmasq.err" &
PIDS+=($!)

mkdir "$WORK/www"
printf '<!doctype html>\n<title>nsm example</title>\n<p>Hello from the nsm example capture.</p>\n' \
  >"$WORK/www/index.html"
ip netns exec "$SRV_NS" python3 -m http.server 80 --bind "$SRV_IP" --directory "$WORK/www" \
  >"$WORK/http.log" 2>&1 &
PIDS+=($!)

# Wait until both daemons listen before the capture starts.
for _ in $(seq 50); do
  if in_srv ss -Hltn "sport = :80" | grep -q . && in_srv ss -Hlun "sport = :53" | grep -q .; then
    break
  fi
  sleep 0.1
done
in_srv ss -Hltn "sport = :80" | grep -q . || { echo "http.server did not start" >&2; cat "$WORK/http.log" >&2; exit 1; }
in_srv ss -Hlun "sport = :53" | grep -q . || { echo "dnsmasq did not start" >&2; cat "$WORK/dnsmasq.err" >&2; exit 1; }

ip netns exec "$CLI_NS" tcpdump -i "$CLI_IF" -n -U -s 0 -w "$WORK/capture.pcap" 2>"$WORK/tcpdump.err" &
TCPDUMP=$!
PIDS+=("$TCPDUMP")
for _ in $(seq 50); do
  grep -q "listening on" "$WORK/tcpdump.err" 2>/dev/null && break
  sleep 0.1
done

# The clients: ICMP echo, DNS over UDP (A, AAAA, MX, TXT, an NXDOMAIN), DNS over TCP, an HTTP GET.
DIG=(dig "@$SRV_IP" +tries=1 +time=2)
in_cli ping -c 3 -i 0.2 "$SRV_IP" >/dev/null
in_cli "${DIG[@]}" "www.$ZONE" A +short
in_cli "${DIG[@]}" "www.$ZONE" AAAA +short
in_cli "${DIG[@]}" "$ZONE" MX +short
in_cli "${DIG[@]}" "$ZONE" TXT +short
in_cli "${DIG[@]}" "nope.$ZONE" A | grep -o 'status: [A-Z]*'
in_cli "${DIG[@]}" +tcp "mail.$ZONE" A +short
in_cli curl -sS -o /dev/null -w 'http %{http_code} %{size_download} bytes\n' "http://$SRV_IP/"
sleep 0.5

kill -INT "$TCPDUMP"
wait "$TCPDUMP" 2>/dev/null || true
grep -v "listening on" "$WORK/tcpdump.err" >&2 || true
install -m 644 "$WORK/capture.pcap" "$OUT"
echo "wrote $OUT ($(stat -c %s "$OUT") bytes)"
