# syntax=docker/dockerfile:1
# Northstar: multi-stage build on Node 24 LTS (the runtime .ci/run also tests: scripts/test-node.sh).
# The build stage compiles better-sqlite3 and TypeScript and builds the dashboard (Vite, into
# dist/dashboard/); the runtime stage carries only production dependencies, the compiled code, the
# built dashboard and the migrations, and runs as the unprivileged `node` user.
# Migrations are applied by the service itself at startup.

FROM node:24-bookworm-slim AS build
WORKDIR /app
# node-gyp toolchain for better-sqlite3, built from source against this image's Node (no prebuilt
# download); its install script is the one package.json's allowScripts approves.
ENV npm_config_build_from_source=better-sqlite3
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
COPY tsconfig.json tsconfig.build.json ./
COPY scripts ./scripts
COPY prisma ./prisma
COPY schema ./schema
COPY src ./src
COPY dashboard ./dashboard
# postinstall checks that better-sqlite3 loads, generates the Prisma clients, compiles src/ to dist/
# and builds the dashboard into dist/dashboard/ (served at /).
RUN npm ci --no-audit --no-fund \
 && npm prune --omit=dev --no-audit --no-fund

FROM node:24-bookworm-slim AS runtime
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=4000 \
    DATABASE_URL=file:/app/data/northstar.db \
    CACHE_DIR=/app/cache \
    LOG_FORMAT=json
WORKDIR /app
COPY --from=build --chown=node:node /app/package.json ./package.json
COPY --from=build --chown=node:node /app/node_modules ./node_modules
COPY --from=build --chown=node:node /app/dist ./dist
COPY --from=build --chown=node:node /app/prisma ./prisma
RUN mkdir -p /app/data /app/cache && chown node:node /app/data /app/cache
USER node
EXPOSE 4000
VOLUME ["/app/data", "/app/cache"]
HEALTHCHECK --interval=15s --timeout=3s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||4000)+'/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# exec form: node is PID 1's only child-free process and receives SIGTERM for graceful shutdown.
CMD ["node", "dist/src/main.js"]
