# One image per service: docker build --build-arg SERVICE=patient -t pms-patient .
# compose.yaml builds every service from this file; deploy/kubernetes runs the same images.

# --- build: all dependencies, compile contracts, platform and the service --------------
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json tsconfig.base.json ./
COPY packages ./packages
COPY protos ./protos
# The compiler needs no native addon: install scripts stay off here.
RUN npm ci --no-audit --no-fund --ignore-scripts \
 && npm run build --workspace @pms/contracts --workspace @pms/platform
ARG SERVICE
# Services read their SQL migrations from src/db/migrations (from dist/ as from src/); the
# gateway has none, so make sure the folder exists for the copy below.
RUN npm run build --workspace @pms/${SERVICE} \
 && mkdir -p packages/${SERVICE}/src/db/migrations

# --- deps: production dependencies of this one service ----------------------------------
# argon2 (auth) ships prebuilt binaries; where the one for this platform does not load (another
# libc or CPU), or with --build-arg ARGON2_FROM_SOURCE=true, it is compiled here, with the
# compiler and headers this stage alone carries.
FROM node:20-bookworm-slim AS deps
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
ARG SERVICE
ARG ARGON2_FROM_SOURCE=auto
COPY package.json package-lock.json ./
COPY packages/contracts/package.json packages/contracts/
COPY packages/platform/package.json packages/platform/
COPY packages/${SERVICE}/package.json packages/${SERVICE}/
RUN npm ci --omit=dev --no-audit --no-fund --ignore-scripts \
      --workspace @pms/${SERVICE} --workspace @pms/platform --workspace @pms/contracts \
 && if [ -d node_modules/argon2 ]; then \
      if [ "$ARGON2_FROM_SOURCE" = true ] || ! node -e "require('argon2')" 2>/dev/null; then \
        rm -rf node_modules/argon2/prebuilds \
        && npm_config_nodedir="$(dirname "$(dirname "$(command -v node)")")" npm rebuild argon2 --build-from-source; \
      fi \
      && node -e "require('argon2').hash('probe').then(() => console.log('argon2 loads'))"; \
    fi \
 && npm cache clean --force

# --- runtime: the compiled service and its dependencies, non-root, no build tools --------
FROM node:20-bookworm-slim AS runtime
ARG SERVICE
ENV NODE_ENV=production
WORKDIR /app
COPY --from=deps /app/package.json /app/package-lock.json ./
COPY --from=deps /app/node_modules ./node_modules
COPY --from=deps /app/packages ./packages
COPY --from=build /app/packages/contracts/dist packages/contracts/dist
COPY --from=build /app/packages/platform/dist packages/platform/dist
COPY --from=build /app/packages/platform/drizzle packages/platform/drizzle
COPY --from=build /app/packages/${SERVICE}/dist packages/${SERVICE}/dist
COPY --from=build /app/packages/${SERVICE}/src/db/migrations packages/${SERVICE}/src/db/migrations
USER node
WORKDIR /app/packages/${SERVICE}
# The same small young generation as `npm start`: an idle service stays under 100 MB RSS.
# Tracing's loader hook (platform's register entry) must be in place before main.js imports anything.
CMD ["node", "--max-semi-space-size=2", "--import", "@pms/platform/register", "dist/main.js"]
