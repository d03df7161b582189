# Aftercare in a container: `docker build -t aftercare .`, or `docker compose up` (compose.yaml, with PostgreSQL).
#
# Two stages: the first installs the production dependencies from the lockfile (and generates the Prisma
# client, the package's postinstall); the second is the runtime, with no npm cache, lockfile or build
# context beyond what the server reads. TypeScript runs through tsx's loader (docs/deploying.md says
# why there is no compile step); test/packaging.test.ts checks that the server imports nothing that
# `npm ci --omit=dev` leaves out, and that this file copies every directory the server reads.
FROM node:20-bookworm-slim AS install
WORKDIR /app
COPY package.json package-lock.json prisma.config.ts ./
COPY scripts ./scripts
COPY prisma ./prisma
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production \
    PORT=3000 \
    DATA_DIR=/var/lib/aftercare
WORKDIR /app
COPY --from=install /app/node_modules ./node_modules
COPY --from=install /app/src/db/generated ./src/db/generated
COPY package.json tsconfig.json prisma.config.ts holidays.example.json ./
COPY prisma ./prisma
COPY scripts ./scripts
COPY flows ./flows
COPY src ./src

# Not root: the embedded PostgreSQL (when DATABASE_URL is unset) refuses root and runs as this user too.
RUN mkdir -p "$DATA_DIR" && chown node:node "$DATA_DIR"
USER node
VOLUME ["/var/lib/aftercare"]
EXPOSE 3000

HEALTHCHECK --interval=15s --timeout=3s --start-period=30s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"

# node itself is PID 1, so SIGTERM from `docker stop` reaches the server, which drains in-flight
# requests and sends before it exits (npm would not pass it on reliably).
STOPSIGNAL SIGTERM
CMD ["node", "--import", "tsx", "src/server.ts"]
