"""Liveness/readiness probes, and Redis in all four of its roles."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.core.cache import cache
from django.utils.module_loading import import_string
from django_redis import get_redis_connection
from django_redis.cache import RedisCache

pytestmark = pytest.mark.django_db


def test_healthz_answers_while_the_process_is_up(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_readyz_checks_database_and_cache(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json()["checks"] == {"database": "ok", "cache": "ok"}


def test_readyz_reports_a_broken_cache_as_503(client, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens on port 1
            "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 0.5},
        }
    }
    # Django's setting_changed signal rebuilds the cache handlers, before and after.
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["cache"].startswith("error")


def test_cache_and_sessions_live_in_redis(client, person):
    # django-redis, through django-prometheus' subclass that counts hits and misses
    assert issubclass(import_string(settings.CACHES["default"]["BACKEND"]), RedisCache)
    assert settings.SESSION_ENGINE == "django.contrib.sessions.backends.cache"
    cache.set("probe", "value", 30)
    redis = get_redis_connection("default")
    assert redis.exists(cache.make_key("probe"))

    client.force_login(person("admin@riverside.example"))
    session_key = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert redis.keys(f"*{session_key}*"), "the session is not stored in Redis"


def test_broker_and_channel_layer_point_at_redis():
    assert settings.CELERY_BROKER_URL.startswith("redis://")
    layer = settings.CHANNEL_LAYERS["default"]
    assert layer["BACKEND"] == "channels_redis.core.RedisChannelLayer"
    assert layer["CONFIG"]["hosts"] == [settings.REDIS_URL]


def test_whiteboards_fan_out_through_redis_pub_sub_named_per_database():
    layer = settings.CHANNEL_LAYERS["whiteboard"]
    assert layer["BACKEND"] == "channels_redis.pubsub.RedisPubSubChannelLayer"
    assert layer["CONFIG"]["hosts"] == [settings.REDIS_URL]
    # Pub/sub ignores the database number: two suites on one Redis must not hear each other.
    database = settings.REDIS_URL.rsplit("/", 1)[1]
    assert f":{database}:" in layer["CONFIG"]["prefix"]
