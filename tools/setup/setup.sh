#!/usr/bin/env bash
# Installs what the project needs on a fresh Debian machine and does nothing
# when everything is already present:
#   - Debian packages: redis-server (failover store in tests and the dev stack),
#     strace (a storage test observes fsync calls),
#     librdkafka-dev + gcc (the dev Kafka broker is compiled against librdkafka's
#     mock cluster), kcat (second Kafka client used by tests and for debugging);
#   - Java and Maven (Debian default-jre-headless, maven) when missing, and
#     Apache Kafka's broker jars for the tests, resolved from Maven Central by
#     fetch-apache-kafka.sh (skipped with EVENTPATH_TEST_KAFKA=dev, the
#     zero-Java mode that runs the tests on the dev broker);
#   - promtool (checks the alerting rules in ops/), taken out of Debian's
#     `prometheus` package into .cache/prometheus without installing the
#     package, so no Prometheus server is set up as a service;
#   - npm dependencies, exactly as locked in package-lock.json.
set -euo pipefail
cd "$(dirname "$0")/../.."

need_cmd() { command -v "$1" >/dev/null 2>&1; }
have_pkg() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'; }

missing=()
for pkg in redis-server librdkafka-dev gcc kcat strace; do
  have_pkg "$pkg" || missing+=("$pkg")
done
want_java=true
[ "${EVENTPATH_TEST_KAFKA:-apache}" = dev ] && want_java=false
if $want_java; then
  # Any Java 17+ and Maven will do (a JDK under /usr/lib/jvm, SDKMAN ...):
  # the packages are only installed when the commands are missing.
  need_cmd java || missing+=(default-jre-headless)
  need_cmd mvn || missing+=(maven)
fi

if [ "${#missing[@]}" -gt 0 ]; then
  echo "setup: installing Debian packages: ${missing[*]}"
  if [ "$(id -u)" -eq 0 ]; then sudo_cmd=(); elif need_cmd sudo; then sudo_cmd=(sudo); else
    echo "setup: need root (or sudo) to install: ${missing[*]}" >&2; exit 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  "${sudo_cmd[@]}" apt-get update -qq
  "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# The Debian redis-server package may start a system instance; tests never use
# it (each starts its own on a free port), so it is left as the machine has it.

lock_hash=$(sha256sum package-lock.json | cut -d' ' -f1)
stamp=node_modules/.eventpath-lock-hash
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$lock_hash" ]; then
  echo "setup: installing npm dependencies (npm ci)"
  npm ci --no-audit --no-fund --loglevel=error
  echo "$lock_hash" > "$stamp"
fi
if $want_java; then
  bash tools/setup/fetch-apache-kafka.sh
fi
bash tools/setup/fetch-promtool.sh
echo "setup: ready"
