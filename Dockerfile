# The Retrainer image: one image for the API, the worker and the migration job.
#   docker build -t retrainer .
#   docker run --rm retrainer retrainer --help
# The default command runs the API; docker-compose.yml runs `retrainer migrate`
# and `retrainer worker` from the same image.
FROM python:3.11-slim

# OMP_NUM_THREADS / OPENBLAS_NUM_THREADS / MKL_NUM_THREADS are deliberately not set:
# each worker child sizes its native thread pools from its concurrency.
ENV PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    RETRAINER_DATA_DIR=/data

# A fixed non-root uid/gid; /data is created here so that a new named volume
# mounted on it starts out owned by that user.
RUN groupadd --system --gid 10001 retrainer \
 && useradd --system --uid 10001 --gid retrainer --create-home --home-dir /home/retrainer \
        --shell /usr/sbin/nologin retrainer \
 && mkdir -p /data \
 && chown retrainer:retrainer /data

# All dependencies ship manylinux wheels for CPython 3.11: no compiler needed.
# The source is removed after install so only the installed package is importable.
COPY . /tmp/src
RUN pip install /tmp/src \
 && rm -rf /tmp/src

USER retrainer
WORKDIR /home/retrainer

EXPOSE 8000

# Liveness of the API process (slim has no curl). Compose replaces it for the
# worker and the migration job, which serve no HTTP.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import sys, urllib.request; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4).status == 200 else 1)"]

CMD ["retrainer", "api", "--host", "0.0.0.0", "--port", "8000"]
