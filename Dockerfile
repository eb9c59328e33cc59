# syntax=docker/dockerfile:1
# Build stage: compiles TypeScript and the native SQLite binding, then drops the dev dependencies.
FROM node:20-bookworm-slim AS build
WORKDIR /app
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json tsconfig.json ./
COPY bin ./bin
COPY src ./src
RUN npm ci && npm prune --omit=dev

# Runtime stage: no compiler, no sources, not root.
FROM node:20-bookworm-slim
# Every line to stderr as it comes: a container's log is read (docker logs, kubectl logs), never mailed, so the
# quiet-unless-it-fails default meant for cron would leave a one-off `docker run … run` saying nothing.
ENV NODE_ENV=production \
    BACKUP_DATA_DIR=/data \
    BACKUP_LOG_FORMAT=json \
    BACKUP_LOG_STDERR=all
WORKDIR /app
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
COPY bin ./bin
COPY config/backup.example.json ./config/backup.example.json
RUN mkdir -p /data && chown node:node /data && chmod 700 /data
# uid 1000: a host folder mounted as a destination (-v /srv/backup:/backup) must belong to it, or every run stops
# before reading anything with a line that says so and names the chown.
USER node
# The ledger lives here: keep it on a volume, or every container restart would forget what was stored.
VOLUME ["/data"]
ENTRYPOINT ["node", "/app/bin/backup.js"]
CMD ["schedule"]
