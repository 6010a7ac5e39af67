# Shared by ./run-local and .ci/run: find a JDK and make sure RabbitMQ answers. Source it; do not run it.

# Sets JAVA_HOME to a JDK 21 or newer: $JAVA_HOME if it is one, else the newest under /usr/lib/jvm.
notifyhub_find_jdk() {
  local candidate version
  for candidate in "${JAVA_HOME:-}" /usr/lib/jvm/temurin-25-jdk-amd64 $(ls -d /usr/lib/jvm/*/ 2>/dev/null | sort -rV); do
    candidate="${candidate%/}"
    [ -n "$candidate" ] && [ -x "$candidate/bin/javac" ] || continue
    version=$("$candidate/bin/java" -XshowSettings:properties -version 2>&1 | awk -F' = ' '/java.specification.version/ {print $2}')
    if [ "${version%%.*}" -ge 21 ] 2>/dev/null; then
      export JAVA_HOME="$candidate"
      export PATH="$JAVA_HOME/bin:$PATH"
      return 0
    fi
  done
  echo "notifyhub needs a JDK 21 or newer. Install one (e.g. 'apt-get install openjdk-21-jdk' or Temurin 25) and set JAVA_HOME." >&2
  return 1
}

# True when host:port accepts a TCP connection.
notifyhub_port_open() {
  (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null
}

# Makes sure the RabbitMQ of RABBITMQ_ADDRESSES (first address; default 127.0.0.1:5672) answers.
# When it is local and does not, starts the installed rabbitmq-server, installing it first on Debian as
# root. Sets NOTIFYHUB_STARTED_RABBITMQ=1 when it started one.
notifyhub_ensure_rabbitmq() {
  local first="${RABBITMQ_ADDRESSES:-127.0.0.1:5672}"
  first="${first%%,*}"
  local host="${first%:*}" port="${first##*:}"
  [ "$host" = "$port" ] && port=5672
  NOTIFYHUB_STARTED_RABBITMQ=0
  if notifyhub_port_open "$host" "$port"; then
    return 0
  fi
  case "$host" in
    127.0.0.1|localhost) ;;
    *) echo "RabbitMQ at $host:$port does not answer; start it or point RABBITMQ_ADDRESSES at one that does." >&2
       return 1 ;;
  esac
  if ! command -v rabbitmq-server >/dev/null 2>&1 && [ ! -x /usr/sbin/rabbitmq-server ]; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
      echo "Installing rabbitmq-server (Debian package)..."
      apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq rabbitmq-server >/dev/null
    else
      cat >&2 <<'MSG'
No RabbitMQ answers on 127.0.0.1:5672 and rabbitmq-server is not installed. Either
  - install it: sudo apt-get install rabbitmq-server   (or: brew install rabbitmq)
  - run one in Docker: docker run -d -p 5672:5672 -p 15672:15672 rabbitmq:4-management
  - or point RABBITMQ_ADDRESSES (and RABBITMQ_USERNAME, RABBITMQ_PASSWORD) at a running broker.
MSG
      return 1
    fi
  fi
  echo "Starting RabbitMQ (rabbitmq-server -detached)..."
  PATH="/usr/sbin:$PATH" rabbitmq-server -detached >/dev/null 2>&1 || true
  for _ in $(seq 1 90); do
    if notifyhub_port_open "$host" "$port"; then
      NOTIFYHUB_STARTED_RABBITMQ=1
      return 0
    fi
    sleep 1
  done
  echo "RabbitMQ did not start within 90 s; see /var/log/rabbitmq/." >&2
  return 1
}
