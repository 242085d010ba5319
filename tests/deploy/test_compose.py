"""docker-compose.yml has the seed's containers, volumes and network (no Docker engine here)."""

from __future__ import annotations

import re

import yaml

from tests.processes import ROOT

PYTHON_SERVICES = ("migrate", "web", "asgi", "celery_worker", "celery_beat")
TEMPLATE = "./deploy/nginx/portal.conf.template"


def compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def always_on(spec: dict) -> dict:
    """The services `docker compose up` starts (not those behind a profile)."""
    return {name: s for name, s in spec["services"].items() if not s.get("profiles")}


def command(service: dict) -> str:
    value = service["command"]
    return value if isinstance(value, str) else " ".join(value)


def test_seed_services_volumes_and_network():
    spec = compose()
    assert set(always_on(spec)) == {
        "nginx",
        "migrate",
        "web",
        "asgi",
        "celery_worker",
        "celery_beat",
        "db",
        "redis",
    }
    assert set(spec["volumes"]) == {"postgres_data", "redis_data", "media_files", "static_files"}
    assert set(spec["networks"]) == {"school_network"}
    for name, service in spec["services"].items():
        assert service["networks"] == ["school_network"], name


def test_only_nginx_publishes_ports_and_only_80_and_443():
    services = always_on(compose())
    published = {name for name, service in services.items() if service.get("ports")}
    assert published == {"nginx"}
    assert services["nginx"]["ports"] == ["80:80", "443:443"]
    assert "ports" not in services["db"]
    assert "ports" not in services["redis"]


def test_direct_web_access_is_opt_in_and_loopback_only():
    direct = compose()["services"]["web-direct"]
    assert direct["profiles"] == ["direct"]
    assert direct["ports"] == ["127.0.0.1:8000:8000"]


def test_python_services_share_one_image_entrypoint_and_production_settings():
    services = compose()["services"]
    assert {services[name]["image"] for name in PYTHON_SERVICES} == {"school-portal:latest"}
    dockerfile = (ROOT / "deploy" / "Dockerfile").read_text()
    assert "DJANGO_SETTINGS_MODULE=portal.settings.production" in dockerfile
    assert 'ENTRYPOINT ["/app/deploy/entrypoint.sh"]' in dockerfile
    assert re.search(r"^USER portal$", dockerfile, re.MULTILINE), "runs as a non-root user"
    entrypoint = (ROOT / "deploy" / "entrypoint.sh").read_text()
    assert "migrate --noinput" in entrypoint and "collectstatic --noinput" in entrypoint


def test_migrations_and_collectstatic_run_once_before_the_other_services():
    services = compose()["services"]
    migrate = services["migrate"]
    assert command(migrate) == "release"
    assert migrate["restart"] == "no"
    assert migrate["depends_on"]["db"]["condition"] == "service_healthy"
    assert "static_files:/app/var/static" in migrate["volumes"]
    for name in ("web", "asgi", "celery_worker", "celery_beat"):
        depends = services[name]["depends_on"]
        assert depends["migrate"]["condition"] == "service_completed_successfully", name
        assert depends["redis"]["condition"] == "service_healthy", name
        assert "migrate" not in command(services[name]), "not in every replica"
    assert services["nginx"]["depends_on"] == {
        "web": {"condition": "service_healthy"},
        "asgi": {"condition": "service_healthy"},
    }


def test_commands_and_scaling_knobs_come_from_the_environment():
    services = compose()["services"]
    web, asgi = command(services["web"]), command(services["asgi"])
    assert web.startswith("gunicorn portal.wsgi:application --bind 0.0.0.0:8000")
    assert "--workers ${GUNICORN_WORKERS:-3} --threads ${GUNICORN_THREADS:-2}" in web
    assert asgi.startswith("daphne -b 0.0.0.0 -p 8001")
    assert services["asgi"]["deploy"]["replicas"] == "${ASGI_REPLICAS:-1}"
    assert services["web"]["deploy"]["replicas"] == "${WEB_REPLICAS:-1}"
    assert "--concurrency=${CELERY_CONCURRENCY:-2}" in command(services["celery_worker"])
    assert command(services["celery_beat"]).startswith("celery -A portal beat")
    assert "max_connections=${POSTGRES_MAX_CONNECTIONS:-100}" in command(services["db"])
    assert "--appendonly yes" in command(services["redis"])
    for name, service in always_on(compose()).items():
        limits = service["deploy"]["resources"]["limits"]
        assert {"cpus", "memory"} <= set(limits), name


def test_long_running_services_have_health_checks():
    services = compose()["services"]
    for name in ("nginx", "web", "asgi", "celery_worker", "db", "redis"):
        assert services[name]["healthcheck"]["test"], name
    assert services["db"]["image"].startswith("postgres:15")


def test_the_application_connects_as_its_own_role_not_the_superuser():
    services = compose()["services"]
    url = services["web"]["environment"]["DATABASE_URL"]
    assert url.startswith("postgres://${POSTGRES_APP_USER:-portal}:")
    assert services["db"]["environment"]["POSTGRES_USER"] == "${POSTGRES_USER:-postgres}"
    init = "./deploy/postgres/init-app-role.sh:/docker-entrypoint-initdb.d/10-app-role.sh:ro"
    assert init in services["db"]["volumes"]
    script = (ROOT / "deploy" / "postgres" / "init-app-role.sh").read_text()
    assert "NOSUPERUSER NOCREATEDB NOCREATEROLE" in script


def test_nginx_renders_the_same_template_as_the_native_stack():
    import sys

    sys.path.insert(0, str(ROOT / "deploy" / "nginx"))
    from render import placeholders

    nginx = compose()["services"]["nginx"]
    assert nginx["image"].startswith("nginx:1.2")  # `resolve` in upstreams needs ≥ 1.27.3
    assert f"{TEMPLATE}:/etc/nginx/templates/default.conf.template:ro" in nginx["volumes"]
    template = (ROOT / TEMPLATE).read_text()
    given = {name for name in nginx["environment"] if name.startswith("PORTAL_")}
    assert given == placeholders(template), "every placeholder has a value, nothing else"
    assert "static_files:/srv/static:ro" in nginx["volumes"]
    assert "media_files:/srv/uploads:ro" in nginx["volumes"]
    stack = (ROOT / "deploy" / "stack" / "stack.py").read_text()
    assert "from render import TEMPLATE, render" in stack


def test_env_example_documents_every_variable_the_compose_file_reads():
    text = (ROOT / "docker-compose.yml").read_text()
    used = set(re.findall(r"\$\{([A-Z][A-Z0-9_]*)[:}-]", text))
    documented = set(
        re.findall(r"^#?\s*([A-Z][A-Z0-9_]*)=", (ROOT / ".env.example").read_text(), re.MULTILINE)
    )
    assert used <= documented, f"missing in .env.example: {sorted(used - documented)}"


def test_django_trusts_exactly_the_nginx_in_front_of_it():
    services = compose()["services"]
    for name in PYTHON_SERVICES:
        environment = services[name]["environment"]
        assert environment["TRUSTED_PROXY_COUNT"] == "${TRUSTED_PROXY_COUNT:-1}", name
    # Bypassing nginx, nothing in X-Forwarded-For may be believed.
    assert services["web-direct"]["environment"]["TRUSTED_PROXY_COUNT"] == "0"
    template = (ROOT / TEMPLATE).read_text()
    assert "proxy_set_header X-Forwarded-For $remote_addr;" in template
    assert "$proxy_add_x_forwarded_for" not in template, "a client's own value is never passed on"
