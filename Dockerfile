# One image per service: docker build --build-arg SERVICE=patient -t pms-patient .
# compose.yaml builds every service from this file.

# --- build: all dependencies, compile contracts, platform and the service --------------
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json tsconfig.base.json ./
COPY packages ./packages
COPY protos ./protos
RUN npm ci --no-audit --no-fund --ignore-scripts \
 && npm rebuild argon2 \
 && npm run build --workspace @pms/contracts --workspace @pms/platform
ARG SERVICE
# Services read their SQL migrations from src/db/migrations (from dist/ as from src/); the
# gateway has none, so make sure the folder exists for the copy below.
RUN npm run build --workspace @pms/${SERVICE} \
 && mkdir -p packages/${SERVICE}/src/db/migrations

# --- runtime: production dependencies of this one service, non-root ---------------------
FROM node:20-bookworm-slim AS runtime
ARG SERVICE
ENV NODE_ENV=production
WORKDIR /app
COPY package.json package-lock.json ./
COPY packages/contracts/package.json packages/contracts/
COPY packages/platform/package.json packages/platform/
COPY packages/${SERVICE}/package.json packages/${SERVICE}/
RUN npm ci --omit=dev --no-audit --no-fund --ignore-scripts \
      --workspace @pms/${SERVICE} --workspace @pms/platform --workspace @pms/contracts \
 && (npm rebuild argon2 || true) \
 && npm cache clean --force
COPY --from=build /app/packages/contracts/dist packages/contracts/dist
COPY --from=build /app/packages/platform/dist packages/platform/dist
COPY --from=build /app/packages/platform/drizzle packages/platform/drizzle
COPY --from=build /app/packages/${SERVICE}/dist packages/${SERVICE}/dist
COPY --from=build /app/packages/${SERVICE}/src/db/migrations packages/${SERVICE}/src/db/migrations
USER node
WORKDIR /app/packages/${SERVICE}
# The same small young generation as `npm start`: an idle service stays under 100 MB RSS.
CMD ["node", "--max-semi-space-size=2", "dist/main.js"]
