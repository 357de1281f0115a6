FROM python:3.11-slim-bookworm
RUN apt-get update && apt-get install -y --no-install-recommends \
      libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core gettext \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY requirements.txt requirements.lock ./
RUN pip install --no-cache-dir -r requirements.txt -c requirements.lock
COPY . .
RUN python manage.py compilemessages --ignore=.venv -v 0 \
    && DEBUG=false SECRET_KEY=build ALLOWED_HOSTS=x STATICFILES_BACKEND=whitenoise.storage.CompressedManifestStaticFilesStorage \
       python manage.py collectstatic --noinput -v 0
EXPOSE 8000
CMD ["gunicorn", "bht_portal.wsgi", "-b", "0.0.0.0:8000", "-w", "2"]
