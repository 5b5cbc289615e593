# syntax=docker/dockerfile:1
# boundary-bot's image: a builder stage installs the runtime lock and the project into a
# virtualenv (with requirements/install.sh, as `make run` does), and the final stage copies that
# virtualenv into a clean python:3.11-slim and runs it as a non-root user. Build it with
# `make image`, which passes pyproject.toml's version; docs/container.md says what was tested.

# Both stages must be the same image: the virtualenv's python links to the base's interpreter.
# Pin it by digest for a reproducible rebuild (docs/releasing.md).
ARG PYTHON_IMAGE=python:3.11-slim

FROM ${PYTHON_IMAGE} AS builder
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /src
# The locks before the code, so this layer is rebuilt only when a lock changes. Wheels only,
# checked against their hashes: no compiler, in this stage or the next.
COPY requirements/ requirements/
RUN python -m venv /opt/boundary-bot \
    && sh requirements/install.sh deps /opt/boundary-bot runtime
COPY pyproject.toml README.md LICENSE ./
COPY bot/ bot/
COPY handlers/ handlers/
COPY storage/ storage/
# The version is defined once, in pyproject.toml: a build whose VERSION argument says otherwise
# (or none) stops here instead of labelling the image wrongly.
ARG VERSION
RUN sh requirements/install.sh project /opt/boundary-bot /src \
    && installed="$(/opt/boundary-bot/bin/boundary-bot --version)" \
    && if [ "$installed" != "boundary-bot ${VERSION}" ]; then \
        echo "VERSION=${VERSION} but the project is ${installed}: build with make image" >&2; \
        exit 1; \
    fi

FROM ${PYTHON_IMAGE}
ARG PYTHON_IMAGE
ARG VERSION
ARG REVISION=unknown
LABEL org.opencontainers.image.title="boundary-bot" \
    org.opencontainers.image.description="A Slack bot that keeps the boundary between AI-platform access and customer-application access reviewed." \
    org.opencontainers.image.version="${VERSION}" \
    org.opencontainers.image.revision="${REVISION}" \
    org.opencontainers.image.licenses="Apache-2.0" \
    org.opencontainers.image.base.name="${PYTHON_IMAGE}"
# A fixed uid, so that volumes and Kubernetes' runAsNonRoot can name it; its home is the working
# directory, where the default SQLite database (one container only) would live.
RUN useradd --system --uid 10001 --user-group --create-home \
    --home-dir /var/lib/boundary-bot --shell /usr/sbin/nologin boundary
COPY --from=builder /opt/boundary-bot /opt/boundary-bot
ENV PATH=/opt/boundary-bot/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PORT=3000
WORKDIR /var/lib/boundary-bot
USER 10001:10001
EXPOSE 3000
# Readiness in HTTP mode (the image has no curl: the venv's python asks). In Socket Mode there
# is no HTTP server: run that container with --no-healthcheck.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/readyz' % os.environ.get('PORT', '3000'), timeout=4)"]
ENTRYPOINT ["boundary-bot"]
CMD ["run"]
