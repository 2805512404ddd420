# syntax=docker/dockerfile:1
# camera-ingest: the shared Node service recipe plus ffmpeg.
ARG BASE_IMAGE=node:22-bookworm-slim
FROM ${BASE_IMAGE} AS build
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund --ignore-scripts
COPY nx.json tsconfig.base.json tsconfig.json ./
COPY libs ./libs
COPY apps ./apps
COPY tools/webpack ./tools/webpack
RUN npx nx build camera-ingest --skip-nx-cache

FROM ${BASE_IMAGE} AS runtime
RUN apt-get update \
  && apt-get install -y --no-install-recommends tini ffmpeg \
  && rm -rf /var/lib/apt/lists/*
WORKDIR /app
# The build wrote a package.json listing exactly the packages the bundle requires.
COPY --from=build /src/dist/apps/camera-ingest/package.json ./
RUN npm install --omit=dev --no-audit --no-fund && npm cache clean --force
COPY --from=build /src/dist/apps/camera-ingest ./
COPY docker/healthcheck.js ./healthcheck.js
RUN useradd --system --uid 10001 --home-dir /app edgewatch && chown -R edgewatch /app
USER edgewatch
ENV NODE_ENV=production LOG_FORMAT=json PORT=7101 CAMERAS_FILE=/config/cameras.yaml
EXPOSE 7101
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "healthcheck.js", "7101"]
ENTRYPOINT ["/usr/bin/tini", "--"]
CMD ["node", "--enable-source-maps", "main.js"]
