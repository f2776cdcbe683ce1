# Sitrep image. Roles are chosen by the command: `web`, `worker`, `all` (default) or `migrate`.
#   docker build -t sitrep .
#   docker run --rm sitrep migrate && docker run -p 3000:3000 sitrep web

# ---------------------------------------------------------------------------
# build: install every dependency, generate the Prisma client, compile to dist/
# ---------------------------------------------------------------------------
FROM node:20-bookworm-slim AS build
WORKDIR /app

# Any path here makes the Prisma CLI skip downloading its native schema engine;
# `prisma generate` (run by our postinstall) needs no engine at all.
ENV PRISMA_SCHEMA_ENGINE_BINARY=/bin/false

# Dependencies first so this layer is cached until the manifests or the schema change.
# prisma/ is needed here because `npm ci` runs our postinstall (`prisma generate`).
COPY package.json package-lock.json ./
COPY prisma/ ./prisma/
RUN npm ci

COPY tsconfig.json tsconfig.build.json ./
COPY src/ ./src/
RUN npm run build

# ---------------------------------------------------------------------------
# runtime: production dependencies, compiled code, migrations
# ---------------------------------------------------------------------------
FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production
WORKDIR /app

# --ignore-scripts: our postinstall needs the dev-only prisma CLI, and the generated
# client is already compiled into dist/generated/prisma.
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts && npm cache clean --force

# Owned by root, readable by everyone: the app cannot rewrite its own code or migrations.
COPY --from=build /app/dist ./dist
COPY --from=build /app/prisma ./prisma

USER node
EXPOSE 3000

# No curl in the slim image; Node 20 has fetch. PORT is read at check time (the worker uses another one).
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]

# Exec form: node receives SIGTERM directly and shuts down gracefully on its own.
# (As PID 1 it gets no default signal handlers; the app installs its own. Compose adds `init: true`.)
ENTRYPOINT ["node", "dist/main.js"]
CMD ["all"]
