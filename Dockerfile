# Switchboard's API server (and, with `command: npm run worker`, its queue workers).
# Multi-stage: production dependencies are installed in the first stage, the second holds only
# them and the sources (TypeScript runs through tsx, a production dependency), as a non-root user.

FROM node:22-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
# Install scripts stay off, as in development (package.json "allowScripts").
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund

FROM node:22-bookworm-slim
WORKDIR /app
COPY --from=deps --chown=node:node /app/node_modules ./node_modules
COPY --chown=node:node package.json package-lock.json tsconfig.json langgraph.json ./
COPY --chown=node:node lib ./lib
COPY --chown=node:node tools ./tools
COPY --chown=node:node agents ./agents
COPY --chown=node:node memory ./memory
COPY --chown=node:node tracing ./tracing
COPY --chown=node:node graphs ./graphs
COPY --chown=node:node server ./server
COPY --chown=node:node skills ./skills
USER node
# Listen on every interface inside the container (SERVER_API_KEYS is then required).
ENV HOST=0.0.0.0 PORT=2024 WORKSPACE_DIR=/app/workspace
EXPOSE 2024
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 CMD ["npm", "run", "--silent", "healthcheck"]
CMD ["npm", "run", "serve"]
