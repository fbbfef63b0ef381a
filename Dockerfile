# syntax=docker/dockerfile:1
# CohortWatch: one image for the event worker, the reanalysis scheduler and every CLI command.
#   docker build -t cohortwatch .       (docker compose builds it: see docs/deploy.md)
# Multi-stage: the dependencies are installed in a build stage and only the production tree is
# copied into the runtime image, which runs as an unprivileged user.

FROM node:20-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
# Production dependencies only. tsx is one of them: the CLI runs the TypeScript sources directly
# (bin/cohortwatch.js), so there is no build step to get out of step with the sources.
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

FROM node:20-bookworm-slim AS runtime
# chromium (Debian's) prints the quarterly reports as PDF; tini forwards SIGTERM to node and reaps
# chromium's processes; fonts for the charts and the PDF.
RUN apt-get update \
 && apt-get install -y --no-install-recommends chromium fonts-dejavu-core fonts-liberation tini ca-certificates \
 && rm -rf /var/lib/apt/lists/*
RUN groupadd --system cohortwatch \
 && useradd --system --gid cohortwatch --home-dir /home/cohortwatch --create-home --shell /usr/sbin/nologin cohortwatch \
 && mkdir -p /reports && chown cohortwatch:cohortwatch /reports
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY package.json package-lock.json tsconfig.json ./
COPY bin ./bin
COPY src ./src
COPY migrations ./migrations
RUN ln -s /app/bin/cohortwatch.js /usr/local/bin/cohortwatch
# Build the bundle caches of stats, ingest and worker now (bin/cliBundle.js): the runtime user cannot write node_modules.
RUN node /app/bin/cohortwatch.js stats --version && node /app/bin/cohortwatch.js ingest --version && node /app/bin/cohortwatch.js worker --version
ENV NODE_ENV=production
USER cohortwatch
# Quarterly reports (`scheduler --report-dir /reports`) and the demo's output.
VOLUME ["/reports"]
# /healthz and /metrics of the worker (METRICS_PORT) and of the scheduler (SCHEDULER_METRICS_PORT).
EXPOSE 9464 9465
# Run as its #! line does (bin/cohortwatch.js): with the worker's young-generation size.
ENTRYPOINT ["tini", "--", "/app/bin/cohortwatch.js"]
CMD ["--help"]
