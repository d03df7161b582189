#!/usr/bin/env bash
# Builds the image and checks it as an operator would meet it: it starts on its embedded PostgreSQL as
# a non-root user, reports healthy, serves the chat page, and stops cleanly on `docker stop`.
set -euo pipefail
cd "$(dirname "$0")/.."
image=aftercare:smoke-test
name=aftercare-smoke-$$
docker build -q -t "$image" . >/dev/null
trap 'docker rm -f "$name" >/dev/null 2>&1 || true' EXIT
docker run -d --name "$name" -p 127.0.0.1::3000 "$image" >/dev/null
[ "$(docker exec "$name" id -un)" = node ] || { echo "the server runs as $(docker exec "$name" id -un), not node"; exit 1; }
for _ in $(seq 1 60); do
  [ "$(docker inspect -f '{{.State.Health.Status}}' "$name")" = healthy ] && break
  sleep 2
done
[ "$(docker inspect -f '{{.State.Health.Status}}' "$name")" = healthy ] || { docker logs "$name" | tail -30; echo "the container never became healthy"; exit 1; }
port=$(docker port "$name" 3000/tcp | head -1 | sed 's/.*://')
curl -fsS "http://127.0.0.1:$port/" | grep -q '<title>' || { echo "no chat page"; exit 1; }
docker stop -t 30 "$name" >/dev/null
[ "$(docker inspect -f '{{.State.ExitCode}}' "$name")" = 0 ] || { docker logs "$name" | tail -30; echo "did not exit cleanly on SIGTERM"; exit 1; }
echo "image: built, healthy as user node, chat page served, stopped cleanly"
