# Aftercare in a container. node itself is PID 1, so SIGTERM from `docker stop` reaches the
# server, which drains in-flight requests and sends before it exits (npm would not pass it on
# reliably). TypeScript runs through tsx's loader; there is no build step.
FROM node:20-bookworm-slim

ENV NODE_ENV=production \
    PORT=3000 \
    DATA_DIR=/var/lib/aftercare
WORKDIR /app

COPY package.json package-lock.json ./
COPY scripts ./scripts
COPY prisma ./prisma
COPY prisma.config.ts ./
RUN npm ci --omit=dev && npm cache clean --force

COPY src ./src
COPY flows ./flows
COPY tsconfig.json holidays.example.json ./

# Not root: the embedded PostgreSQL (when DATABASE_URL is unset) then runs as this user too.
RUN mkdir -p "$DATA_DIR" && chown node:node "$DATA_DIR"
USER node
VOLUME ["/var/lib/aftercare"]
EXPOSE 3000

HEALTHCHECK --interval=15s --timeout=3s --start-period=30s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"

STOPSIGNAL SIGTERM
CMD ["node", "--import", "tsx", "src/server.ts"]
