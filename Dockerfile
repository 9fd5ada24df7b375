# The central server's image: Node.js 20, the npm packages from package-lock.json, core.wasm built
# from core/assembly, and the server run from its TypeScript sources through tsx. It installs and
# builds with the same commands that `make deps` and `make core` run in CI.
# Build and start it with docker-compose.yml, which adds PostgreSQL.
FROM node:20-bookworm-slim

WORKDIR /app

# Packages first, so a source change does not reinstall them. The devDependencies stay: tsx runs
# the server, and asc builds the core.
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund

COPY core ./core
RUN npx asc --config core/asconfig.json --target release

COPY tsconfig.json openapi.yaml* ./
COPY hosts/node ./hosts/node

# The data folder holds what the server keeps outside the database (see docker-compose.yml).
RUN mkdir -p /data && chown node:node /data
USER node

ENV HOST=0.0.0.0 \
    PORT=8080 \
    DATA_DIR=/data
EXPOSE 8080
VOLUME ["/data"]

HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD node -e "fetch('http://127.0.0.1:' + process.env.PORT + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"

CMD ["node", "--import", "tsx", "hosts/node/src/server.ts"]
