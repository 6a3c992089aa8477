#!/usr/bin/env bash
# Resolves Apache Kafka's broker (org.apache.kafka:kafka_2.13) and everything it
# needs at run time from Maven Central into .cache/apache-kafka/<version>/lib,
# the classpath the tests' and the dev stack's Kafka nodes run on. Does nothing
# when that version is already there. Usage: fetch-apache-kafka.sh [version]
# (default: $EVENTPATH_KAFKA_VERSION, else the version in apache-kafka-version).
set -euo pipefail
cd "$(dirname "$0")/../.."

version="${1:-${EVENTPATH_KAFKA_VERSION:-$(cat tools/setup/apache-kafka-version)}}"
if ! [[ "$version" =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]]; then
  echo "fetch-apache-kafka: '$version' is not a Kafka release version such as 3.9.1" >&2
  exit 1
fi
target=".cache/apache-kafka/$version"
stamp="$target/.complete"
[ -f "$stamp" ] && exit 0

for cmd in java mvn; do
  if ! command -v "$cmd" >/dev/null 2>&1; then
    echo "fetch-apache-kafka: '$cmd' not found. Apache Kafka for the tests needs Java 17+ and Maven:" >&2
    echo "  apt-get install -y openjdk-17-jdk-headless maven" >&2
    echo "  (or run the tests on the dev broker instead: EVENTPATH_TEST_KAFKA=dev)" >&2
    exit 1
  fi
done

# Kafka 3.x logs through slf4j 1 to reload4j (log4j 1.x API); 4.x through
# slf4j 1 to log4j 2 (log4j-slf4j-impl). Neither binding is a compile dependency of kafka_2.13.
major="${version%%.*}"
if [ "$major" -ge 4 ]; then
  logging='<dependency><groupId>org.apache.logging.log4j</groupId><artifactId>log4j-slf4j-impl</artifactId><version>2.24.3</version></dependency>
    <dependency><groupId>org.apache.logging.log4j</groupId><artifactId>log4j-core</artifactId><version>2.24.3</version></dependency>'
else
  logging='<dependency><groupId>org.slf4j</groupId><artifactId>slf4j-reload4j</artifactId><version>1.7.36</version></dependency>'
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cat > "$work/pom.xml" <<POM
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>eventpath</groupId>
  <artifactId>apache-kafka-classpath</artifactId>
  <version>1</version>
  <packaging>pom</packaging>
  <dependencies>
    <dependency><groupId>org.apache.kafka</groupId><artifactId>kafka_2.13</artifactId><version>$version</version></dependency>
    $logging
  </dependencies>
</project>
POM

echo "setup: resolving Apache Kafka $version from Maven Central into $target"
rm -rf "$target"
mkdir -p "$target"
if ! mvn -B -q -f "$work/pom.xml" dependency:copy-dependencies -DincludeScope=runtime \
    -DoutputDirectory="$PWD/$target/lib" >"$work/mvn.log" 2>&1; then
  echo "fetch-apache-kafka: Maven could not resolve org.apache.kafka:kafka_2.13:$version:" >&2
  tail -n 30 "$work/mvn.log" >&2
  rm -rf "$target"
  exit 1
fi
echo "$version" > "$stamp"
