#!/usr/bin/env bash
# The one command that starts everything on a fresh machine:
#   - installs what is missing (npm packages; Debian's influxdb when no INFLUX_URL is configured) and builds;
#   - with no INFLUX_URL: runs a local InfluxDB whose data lives in .local/influxdb inside the project;
#   - runs the service and, unless HUB_SIMULATOR=off, the device simulator feeding it;
#   - prints where to look; Ctrl-C stops all of it (the service flushes what it holds first).
set -euo pipefail
cd "$(dirname "$0")/.."

if [ -z "${INFLUX_URL:-}" ]; then bash scripts/ensure-deps.sh debian influxdb; fi
bash scripts/ensure-deps.sh npm
echo "==> build"
npm run --silent build

pids=()
stop_all() {
  trap - INT TERM EXIT
  echo
  echo "==> stopping"
  # Reverse order: simulator, service (flushes to InfluxDB), then InfluxDB.
  for (( i=${#pids[@]}-1; i>=0; i-- )); do
    kill -TERM "${pids[$i]}" 2>/dev/null || true
    wait "${pids[$i]}" 2>/dev/null || true
  done
}
trap stop_all INT TERM EXIT

wait_for_http() { # url seconds what
  for _ in $(seq 1 $(( $2 * 10 ))); do
    # -k: only asks whether our own local service is up (its certificate may be for another name, or self-signed).
    if curl -kfsS -o /dev/null "$1" 2>/dev/null || [ "$(curl -ks -o /dev/null -w '%{http_code}' "$1" 2>/dev/null)" = "204" ]; then return 0; fi
    sleep 0.1
  done
  echo "$3 did not answer $1 within $2 s" >&2
  return 1
}

if [ -z "${INFLUX_URL:-}" ]; then
  influx_port=${HUB_LOCAL_INFLUX_PORT:-8086}
  dir="$PWD/.local/influxdb"
  mkdir -p "$dir"
  cat > "$dir/influxdb.conf" <<CONF
reporting-disabled = true
bind-address = "127.0.0.1:${HUB_LOCAL_INFLUX_RPC_PORT:-8088}"
[meta]
  dir = "$dir/meta"
[data]
  dir = "$dir/data"
  wal-dir = "$dir/wal"
  query-log-enabled = false
[http]
  bind-address = "127.0.0.1:$influx_port"
  log-enabled = false
[monitor]
  store-enabled = false
CONF
  echo "==> local InfluxDB on 127.0.0.1:$influx_port (data in .local/influxdb, log in .local/influxdb/influxd.log)"
  influxd -config "$dir/influxdb.conf" >"$dir/influxd.log" 2>&1 &
  pids+=($!)
  wait_for_http "http://127.0.0.1:$influx_port/ping" 30 InfluxDB
  export INFLUX_URL="http://127.0.0.1:$influx_port" INFLUX_API=v1
fi

http_port=${HUB_HTTP_PORT:-3000}
mqtt_port=${HUB_MQTT_PORT:-1883}
# With a certificate (HUB_TLS_CERT_FILE) the API and console are HTTPS and the WebSocket listener wss.
scheme=http ws=ws
if [ -n "${HUB_TLS_CERT_FILE:-}" ]; then scheme=https ws=wss; fi
# Devices must be provisioned before they may connect: the simulator does it through the API with an admin key,
# generated once and kept (owner-only) in the data folder unless HUB_BOOTSTRAP_API_KEY is set.
if [ -z "${HUB_BOOTSTRAP_API_KEY:-}" ]; then
  key_file="${HUB_DATA_DIR:-./data}/bootstrap-api-key"
  if [ ! -s "$key_file" ]; then
    mkdir -p "$(dirname "$key_file")"
    (umask 077 && node -e "process.stdout.write(require('node:crypto').randomBytes(32).toString('base64url'))" > "$key_file")
  fi
  # umask only applies to a new file: one that already existed (empty, copied, restored) keeps its mode otherwise.
  chmod 600 "$key_file"
  HUB_BOOTSTRAP_API_KEY=$(cat "$key_file")
  export HUB_BOOTSTRAP_API_KEY
fi
echo "==> service"
# Started by hand, the service shows only what needs a person (warnings and errors) once it is up; the start-up
# detail is one HUB_LOG_LEVEL=log away. Node flags as in apps/hub/src/service-node-flags.ts.
export HUB_LOG_LEVEL=${HUB_LOG_LEVEL:-warn}
# Its one stdout line for programs ({"event":"hub-ready",…}) says no more than the banner below: leave it out.
node --max-semi-space-size=8 dist/apps/hub/src/main.js > >(grep --line-buffered -v '^{"event":"hub-ready"') &
pids+=($!)
wait_for_http "$scheme://127.0.0.1:$http_port/api/health" 30 "the service" || true

if [ "$mqtt_port" = "off" ] && [ "${HUB_SIMULATOR:-on}" != "off" ]; then
  echo "==> no simulator: it speaks plaintext MQTT, and HUB_MQTT_PORT=off"
elif [ "${HUB_SIMULATOR:-on}" != "off" ]; then
  echo "==> simulator: ${HUB_SIMULATOR_DEVICES:-3} devices per domain, one reading each every ${HUB_SIMULATOR_INTERVAL:-5s}, provisioned through the API"
  # Over HTTPS the simulator trusts the service's own certificate (a self-signed one is its own CA).
  # Its progress line (stderr) is the one line that keeps coming after the banner; its final JSON report (stdout) is
  # only for scripted runs. The banner waits for its first line (devices provisioned, or why not).
  mkdir -p .local
  sim_log=.local/simulator.log
  : > "$sim_log"
  HUB_API_KEY="$HUB_BOOTSTRAP_API_KEY" NODE_EXTRA_CA_CERTS="${HUB_TLS_CERT_FILE:-}" node dist/devices-sim/src/cli.js --url "mqtt://127.0.0.1:$mqtt_port" --devices "${HUB_SIMULATOR_DEVICES:-3}" \
    --interval "${HUB_SIMULATOR_INTERVAL:-5s}" --api "$scheme://127.0.0.1:$http_port" --towns "${HUB_SIMULATOR_TOWNS:-Ashford,Brookfield,Carlow}" \
    --progress "${HUB_SIMULATOR_PROGRESS:-30s}" --obey-commands --forever >/dev/null 2> >(tee "$sim_log" | sed -u 's/^/simulator: /' >&2) &
  pids+=($!)
fi

if [ -n "${sim_log:-}" ]; then
  for _ in $(seq 1 150); do [ -s "$sim_log" ] && break; sleep 0.1; done
fi
cat <<INFO

County Sensing Hub is running. Ctrl-C stops everything.
  MQTT               mqtt://127.0.0.1:$mqtt_port   (publish to sensors/{domain}/{deviceId}/telemetry)
  MQTT over TLS      $([ "$scheme" = https ] && echo "mqtts://127.0.0.1:${HUB_MQTTS_PORT:-8883}" || echo "off (no HUB_TLS_CERT_FILE)")
  MQTT over WS       $ws://127.0.0.1:${HUB_MQTT_WS_PORT:-8083}
  Operator console   $scheme://127.0.0.1:$http_port/
  API docs           $scheme://127.0.0.1:$http_port/api/docs
  Devices            $scheme://127.0.0.1:$http_port/api/devices
  Dead letters       $scheme://127.0.0.1:$http_port/api/dead-letters
  Health             $scheme://127.0.0.1:$http_port/api/health
  Metrics            $scheme://127.0.0.1:$http_port/metrics
  InfluxDB           $INFLUX_URL
  Service log        $HUB_LOG_LEVEL and worse below (HUB_LOG_LEVEL=log shows the start-up detail)
INFO
# The first start made the `admin` operator: say where its password is (never the password itself).
admin_file="${HUB_DATA_DIR:-./data}/initial-admin-password"
if [ -f "$admin_file" ]; then
  echo "  First login        user admin, password in $admin_file (change it on the Account page; the file is deleted then)"
fi
wait -n "${pids[@]}"
