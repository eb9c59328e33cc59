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
ENV NODE_ENV=production \
    BACKUP_DATA_DIR=/data \
    BACKUP_LOG_FORMAT=json
WORKDIR /app
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
COPY bin ./bin
COPY config/backup.example.json ./config/backup.example.json
RUN mkdir -p /data && chown node:node /data && chmod 700 /data
USER node
# The ledger lives here: keep it on a volume, or every container restart would forget what was stored.
VOLUME ["/data"]
ENTRYPOINT ["node", "/app/bin/backup.js"]
CMD ["schedule"]
