#!/usr/bin/env bash
# Generates the Kafka credentials docker-compose.yml mounts as compose secrets, once, into
# ./secrets (or the directory given as $1). Run it before the first `docker compose up`; a second run
# leaves existing files alone. Needs a JDK's keytool (the one that builds Sieve).
#
#   secrets/kafka-broker.p12          the broker's key and self-signed certificate (PKCS12) for the
#                                     names kafka, localhost and 127.0.0.1
#   secrets/kafka-truststore.p12      that certificate, which every client trusts (PKCS12)
#   secrets/kafka-broker.properties   keystore.password, truststore.password, admin.password
#   secrets/kafka-<user>.properties   password, truststore.password: one file per principal
#                                     (jobs, operator, labeler, registry); for jobs, operator and
#                                     labeler also registry.user.info=sieve-<user>:<password>, their
#                                     basic.auth.user.info for the schema registry
#   secrets/registry-users.properties the schema registry's users sieve-jobs, sieve-operator and
#                                     sieve-labeler for Apicurio (docker-compose.apicurio.yml):
#                                     Quarkus' embedded realm entries with hex(SHA-256(user
#                                     ":Quarkus:" password)), not the passwords
#
# The registry's part is added to a directory written by an earlier version of this script.
# Passwords are 32 random hex characters from /dev/urandom. They go to keytool through its
# environment (-storepass:env), never through its arguments. The directory is owner-only; the files
# in it are world-readable so that the containers' own users (flink is uid 9999) can read them once
# compose mounts them under /run/secrets.
set -euo pipefail

dir=${1:-"$(cd "$(dirname "$0")" && pwd)/secrets"}
users=(jobs operator labeler registry)

random() { od -An -tx1 -N16 /dev/urandom | tr -d ' \n'; }

# The schema registry's users: each client's user info, and the realm entry Apicurio checks it by.
registry_users() {
  local sha256=(sha256sum)
  command -v sha256sum > /dev/null || sha256=(shasum -a 256)
  umask 022
  : > "$dir/registry-users.properties"
  for user in jobs operator labeler; do
    local password
    password=$(random)
    echo "registry.user.info=sieve-$user:$password" >> "$dir/kafka-$user.properties"
    echo "quarkus.security.users.embedded.users.sieve-$user=$(printf '%s' "sieve-$user:Quarkus:$password" | "${sha256[@]}" | cut -d' ' -f1)" \
      >> "$dir/registry-users.properties"
  done
  chmod 644 "$dir/registry-users.properties"
  echo "secrets: schema registry users sieve-jobs, sieve-operator, sieve-labeler written to $dir"
}

if [[ -f "$dir/kafka-broker.p12" ]]; then
  if [[ ! -f "$dir/registry-users.properties" ]]; then
    registry_users
  fi
  echo "secrets: $dir/kafka-broker.p12 exists, Kafka's secrets kept (delete $dir to start over)"
  exit 0
fi

keytool=${KEYTOOL:-keytool}
if ! command -v "$keytool" > /dev/null; then
  [[ -n "${JAVA_HOME:-}" && -x "$JAVA_HOME/bin/keytool" ]] && keytool=$JAVA_HOME/bin/keytool
fi
command -v "$keytool" > /dev/null || { echo "secrets: no keytool (install a JDK or set JAVA_HOME)" >&2; exit 1; }

mkdir -p "$dir"
chmod 700 "$dir"

KEYSTORE_PASSWORD=$(random)
TRUSTSTORE_PASSWORD=$(random)
export KEYSTORE_PASSWORD TRUSTSTORE_PASSWORD

"$keytool" -genkeypair -alias kafka -keyalg EC -groupname secp256r1 -sigalg SHA256withECDSA \
  -dname "CN=kafka, O=Sieve docker-compose" -ext "SAN=dns:kafka,dns:localhost,ip:127.0.0.1" \
  -validity 825 -keystore "$dir/kafka-broker.p12" -storetype PKCS12 \
  -storepass:env KEYSTORE_PASSWORD -keypass:env KEYSTORE_PASSWORD > /dev/null 2>&1
"$keytool" -exportcert -rfc -alias kafka -keystore "$dir/kafka-broker.p12" -storetype PKCS12 \
  -storepass:env KEYSTORE_PASSWORD -file "$dir/kafka-broker.crt" > /dev/null 2>&1
"$keytool" -importcert -noprompt -alias kafka -file "$dir/kafka-broker.crt" \
  -keystore "$dir/kafka-truststore.p12" -storetype PKCS12 -storepass:env TRUSTSTORE_PASSWORD > /dev/null 2>&1

umask 022
{
  echo "keystore.password=$KEYSTORE_PASSWORD"
  echo "truststore.password=$TRUSTSTORE_PASSWORD"
  echo "admin.password=$(random)"
} > "$dir/kafka-broker.properties"
for user in "${users[@]}"; do
  {
    echo "password=$(random)"
    echo "truststore.password=$TRUSTSTORE_PASSWORD"
  } > "$dir/kafka-$user.properties"
done
chmod 644 "$dir"/*
echo "secrets: written to $dir (broker certificate for kafka, localhost, 127.0.0.1; users ${users[*]})"
registry_users
