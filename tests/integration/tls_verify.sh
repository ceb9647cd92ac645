#!/bin/bash
# TLS is verified, for polled sources (libcurl) and for websocket streams
# (libwebsockets): a server on 127.0.0.1 with a self-signed certificate is
# refused, the refusal is logged with the source's name and counted, and
# nothing from it is stored.
. "$(dirname "$0")/lib.sh"

export HEARSAY_COLLECTOR_PATH="$top_builddir/collectors/.libs"
[ -f "$HEARSAY_COLLECTOR_PATH/bluesky.so" ] || { fail "collectors were not built"; finish; }
command -v openssl >/dev/null || { fail "openssl (the command) is not installed"; finish; }
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=127.0.0.1" \
	-addext "subjectAltName=IP:127.0.0.1" -keyout "$T/key.pem" -out "$T/cert.pem" \
	>"$T/openssl.log" 2>&1 || { fail "cannot make a test certificate"; finish; }
mkdir -p "$T/soc"
"$PY" "$TOOLS/social_gen.py" mastodon --from 1 --count 3 --tag rivertown >"$T/soc/mastodon.ndjson"
"$PY" "$TOOLS/social_gen.py" jetstream --count 3 >"$T/soc/jetstream.ndjson"
cp "$top_srcdir/tests/fixtures/mastodon/instance_public.json" "$T/soc/instance.json"
"$PY" "$TOOLS/social_server.py" --port 0 --port-file "$T/soc.port" --state "$T/soc" \
	--log "$T/soc.ndjson" --tls-cert "$T/cert.pem" --tls-key "$T/key.pem" >"$T/soc-server.log" 2>&1 &
PIDS="$PIDS $!"
wait_until 10 test -s "$T/soc.port" || { fail "TLS test server did not start"; finish; }
S="127.0.0.1:$(cat "$T/soc.port")"
check "the test server really speaks TLS (curl -k reads the instance)" \
	curl -skf "https://$S/api/v2/instance" -o /dev/null

PORT=$(free_port)
URL="http://127.0.0.1:$PORT"
write_config "$T/h.yaml" "$PORT" "$T/state" 0
"$PY" - "$T/h.yaml" "$S" <<'PYEOF'
import sys
p, s = sys.argv[1:]
y = open(p).read()
y = y[:y.index("sources:")] + f"""sources:
  - name: masto-tls
    type: mastodon
    instance: https://{s}
    hashtag: rivertown
    interval: 1s
  - name: sky-tls
    type: bluesky
    url: wss://{s}/subscribe
"""
open(p, "w").write(y)
PYEOF
start_daemon "$T/h.yaml" run
check "HTTPS: the self-signed certificate is refused, logged with the source" \
	wait_until 20 grep -Eq "source masto-tls: .*(certificate|SSL)" "$T/run.log"
check "websocket: the self-signed certificate is refused, logged with the source" \
	wait_until 20 grep -q "source sky-tls: stream: cannot connect: .*SSL" "$T/run.log"
check "both are counted for their sources" "$PY" -c "
import json, urllib.request
s = json.load(urllib.request.urlopen('$URL/api/v1/stats'))['sources']
assert s['masto-tls']['errors'] >= 1 and s['sky-tls']['stream_failures'] >= 1, s"
check "no request reached the server's application" "$PY" -c "
import os; assert not os.path.exists('$T/soc.ndjson') or not open('$T/soc.ndjson').read().count('hearsay/'), open('$T/soc.ndjson').read()[-500:]"
check "nothing is stored" metric_eq posts_committed 0
check "clean stop" stop_daemon

say "the same stream with the certificate trusted (OpenSSL's SSL_CERT_FILE)"
SSL_CERT_FILE="$T/cert.pem" start_daemon "$T/h.yaml" run2
check "the websocket stream opens once its certificate is trusted" \
	wait_until 20 grep -q "source sky-tls: stream open" "$T/run2.log"
sleep 0.5
"$PY" "$TOOLS/social_gen.py" jetstream --from-time 1778924800000000 --count 4 >>"$T/soc/jetstream.ndjson"
check "and its posts arrive" wait_until 20 metric_ge posts_committed 4
check "clean stop" stop_daemon
finish
