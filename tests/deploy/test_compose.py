"""docker-compose.yml has the seed's containers, volumes and network (no Docker engine here)."""

from __future__ import annotations

import yaml

from tests.processes import ROOT


def compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def test_seed_services_volumes_and_network():
    spec = compose()
    assert {"web", "asgi", "celery_worker", "celery_beat", "db", "redis"} <= set(spec["services"])
    assert set(spec["volumes"]) == {"postgres_data", "redis_data", "media_files", "static_files"}
    assert set(spec["networks"]) == {"school_network"}
    for name, service in spec["services"].items():
        assert service["networks"] == ["school_network"], name


def test_database_and_redis_are_not_published():
    services = compose()["services"]
    assert "ports" not in services["db"]
    assert "ports" not in services["redis"]
    assert services["db"]["image"].startswith("postgres:15")


def test_python_services_share_one_image_and_production_settings():
    services = compose()["services"]
    images = {services[name]["image"] for name in ("web", "asgi", "celery_worker", "celery_beat")}
    assert images == {"school-portal:latest"}
    dockerfile = (ROOT / "deploy" / "Dockerfile").read_text()
    assert "DJANGO_SETTINGS_MODULE=portal.settings.production" in dockerfile
