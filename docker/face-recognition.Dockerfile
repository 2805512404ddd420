# syntax=docker/dockerfile:1
# face-recognition: Node service with the face-api weights and the WASM backend from npm.
ARG BASE_IMAGE=node:22-bookworm-slim
FROM ${BASE_IMAGE} AS build
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund --ignore-scripts
COPY nx.json tsconfig.base.json tsconfig.json ./
COPY libs ./libs
COPY apps ./apps
COPY tools/webpack ./tools/webpack
RUN npx nx build face-recognition --skip-nx-cache

FROM ${BASE_IMAGE} AS runtime
RUN apt-get update \
  && apt-get install -y --no-install-recommends tini \
  && rm -rf /var/lib/apt/lists/*
WORKDIR /app
# The build wrote a package.json listing exactly the packages the bundle requires.
COPY --from=build /src/dist/apps/face-recognition/package.json ./
RUN npm install --omit=dev --no-audit --no-fund && npm cache clean --force
COPY --from=build /src/dist/apps/face-recognition ./
COPY docker/healthcheck.js ./healthcheck.js
RUN useradd --system --uid 10001 --home-dir /app edgewatch && chown -R edgewatch /app
USER edgewatch
ENV NODE_ENV=production LOG_FORMAT=json PORT=7777
EXPOSE 7777
HEALTHCHECK --interval=15s --timeout=5s --start-period=90s --retries=3 \
  CMD ["node", "healthcheck.js", "7777"]
ENTRYPOINT ["/usr/bin/tini", "--"]
CMD ["node", "--enable-source-maps", "main.js"]
