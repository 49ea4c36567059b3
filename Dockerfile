# Not Alone Link Guard: the service image. docker-compose.yml runs it as several replicas.
# Build: docker build -t notalone/linkguard .   Run: docs/deploy.md
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app
COPY pyproject.toml README.md LICENSE ./
COPY service ./service
RUN pip install . \
    && useradd --system --uid 10001 --home-dir /nonexistent --shell /usr/sbin/nologin linkguard \
    && mkdir -p /var/lib/linkguard \
    && chown linkguard /var/lib/linkguard
# The lists ship with the image; compose mounts the host's blocklists/ over them so that a
# maintainer's edit on the host reaches every replica (then `docker compose kill -s HUP ...`).
# blocklists/feeds/ holds the feed snapshots and is where the scheduled updates write: the
# service user owns it (compose mounts a shared volume there, which starts as this copy).
COPY blocklists ./blocklists
RUN chown -R linkguard /app/blocklists/feeds

# The package is installed into site-packages, so the lists directory must be named.
ENV LINKGUARD_HOST=0.0.0.0 \
    LINKGUARD_PORT=8080 \
    LINKGUARD_LISTS_DIR=/app/blocklists \
    LINKGUARD_DATA_DIR=/var/lib/linkguard

USER linkguard
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=3s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8080/healthz', timeout=2)"]
CMD ["linkguard", "serve"]
