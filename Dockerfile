# syntax=docker/dockerfile:1
# Two images from one file, both environments from the committed lock files:
#   docker build --target rasa -t wegwijs-rasa .   (Rasa 3.6 on Python 3.10, the model baked in)
#   docker build --target app  -t wegwijs-app  .   (app service and action server, Python 3.12)
# Both run as an unprivileged user. deploy/compose.yml and deploy/k8s/ use these targets.

# --- Rasa: environment, then the model trained from the repository's data ---------------
FROM python:3.10.16-slim-bookworm AS rasa-build
WORKDIR /app
COPY requirements/app.lock requirements/rasa.lock requirements/
RUN python -m pip install --no-cache-dir "uv==$(sed -n 's/^uv==//p' requirements/app.lock)" \
 && python -m venv .venv-rasa \
 && uv pip sync --python .venv-rasa/bin/python requirements/rasa.lock
COPY bot/ bot/
COPY rasa_components/ rasa_components/
COPY rasa_channels/ rasa_channels/
COPY nlu/ nlu/
COPY stories/ stories/
COPY domain.yml config.yml endpoints.yml credentials.yml ./
ENV RASA_TELEMETRY_ENABLED=false
RUN .venv-rasa/bin/rasa train --data nlu stories --fixed-model-name wegwijs --out models --quiet

FROM python:3.10.16-slim-bookworm AS rasa
WORKDIR /app
RUN useradd --uid 10001 --create-home wegwijs
COPY --from=rasa-build /app /app
USER 10001
ENV RASA_TELEMETRY_ENABLED=false PYTHONUNBUFFERED=1
EXPOSE 5005
CMD [".venv-rasa/bin/rasa", "run", "--enable-api", "--interface", "0.0.0.0", "--port", "5005", \
     "--model", "models/wegwijs.tar.gz", "--endpoints", "endpoints.yml", "--credentials", "credentials.yml"]

# --- App service and action server -------------------------------------------------------
FROM python:3.12.8-slim-bookworm AS app-build
WORKDIR /app
COPY requirements/app.lock requirements/
RUN python -m pip install --no-cache-dir "uv==$(sed -n 's/^uv==//p' requirements/app.lock)" \
 && python -m venv .venv \
 && uv pip sync --python .venv/bin/python requirements/app.lock
COPY bot/ bot/
COPY actions/ actions/
COPY locales/ locales/
COPY domain.yml endpoints.yml pyproject.toml ./
RUN .venv/bin/python -c "from bot.i18n.maintenance import compile_catalogs; compile_catalogs(['nl', 'en'])"

FROM python:3.12.8-slim-bookworm AS app
WORKDIR /app
RUN useradd --uid 10001 --create-home wegwijs
COPY --from=app-build /app /app
USER 10001
ENV PYTHONUNBUFFERED=1 WEGWIJS_ENV=production WEGWIJS_DATA_DIR=/tmp/wegwijs
EXPOSE 8000 5055
CMD [".venv/bin/python", "-m", "uvicorn", "bot.app:create_app", "--factory", "--host", "0.0.0.0", "--port", "8000"]
