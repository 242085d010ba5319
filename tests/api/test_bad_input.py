"""Bad input to the API: a clear 4xx in the standard error shape, never a 500, nothing saved."""

from __future__ import annotations

import pytest

from portal.classes.models import SchoolClass

pytestmark = pytest.mark.django_db
ADMIN = "admin@riverside.example"


def error_of(response, status: int) -> dict:
    assert response.status_code == status, response.content
    error = response.json()["error"]
    assert error["status"] == status and error["message"]
    return error


def test_malformed_json(api_for):
    response = api_for(ADMIN).generic(
        "POST", "/api/v1/classes/", "{not json", content_type="application/json"
    )
    assert error_of(response, 400)["code"] == "parse_error"


def test_wrong_types_name_the_field(api_for, riverside):
    response = api_for(ADMIN).post(
        "/api/v1/classes/", {"centre": "riverside", "code": ["x"], "name": 5}, format="json"
    )
    error = error_of(response, 400)
    assert {"centre", "code"} <= set(error["fields"])


def test_unknown_fields_are_refused_not_ignored(api_for, riverside):
    before = SchoolClass.objects.count()
    response = api_for(ADMIN).post(
        "/api/v1/classes/",
        {"centre": riverside.pk, "code": "Z1", "name": "Z", "teacher_ids": [1]},
        format="json",
    )
    assert "teacher_ids" in error_of(response, 400)["fields"]
    assert SchoolClass.objects.count() == before


def test_duplicate_class_code_is_a_field_error(api_for, riverside):
    response = api_for(ADMIN).post(
        "/api/v1/classes/", {"centre": riverside.pk, "code": "7M1", "name": "Again"}, format="json"
    )
    assert "code" in error_of(response, 400)["fields"]


@pytest.mark.parametrize("size", ["1000000000", "0", "-5", "lots"])
def test_page_sizes_out_of_range(api_for, size):
    response = api_for(ADMIN).get("/api/v1/members/", {"page_size": size})
    assert "page_size" in error_of(response, 400)["fields"]


@pytest.mark.parametrize("ident", ["-1", "0", "abc", "99999999999999999999"])
def test_odd_ids_are_not_found(api_for, ident):
    error_of(api_for(ADMIN).get(f"/api/v1/classes/{ident}/"), 404)


def test_teacher_from_another_centre_is_refused_by_the_service(api_for, riverside, person):
    response = api_for("admin@example.com").post(
        "/api/v1/classes/",
        {
            "centre": riverside.pk,
            "code": "X9",
            "name": "Cross-centre",
            "teachers": [person("teacher1@hillcrest.example").pk],
        },
        format="json",
    )
    assert "teachers" in error_of(response, 400)["fields"]
    assert not SchoolClass.objects.filter(code="X9").exists()


@pytest.mark.parametrize("body", ["[null, null]", '"text"', "17", "{}"])
def test_sign_in_with_a_body_that_is_not_credentials(body):
    from rest_framework.test import APIClient

    response = APIClient().generic(
        "POST", "/api/v1/auth/token/", body, content_type="application/json"
    )
    error_of(response, 400)


def test_unknown_api_urls_answer_in_the_error_shape(api_for):
    response = api_for(ADMIN).get("/api/v1/classes/1.5/")
    assert response["Content-Type"] == "application/json"
    assert error_of(response, 404)["code"] == "not_found"


def test_cors_allows_only_origins_from_the_environment(api_for, settings):
    settings.CORS_ALLOWED_ORIGINS = ["https://app.riverside.example"]
    client = api_for(ADMIN)
    allowed = client.get("/api/v1/me/", HTTP_ORIGIN="https://app.riverside.example")
    assert allowed["Access-Control-Allow-Origin"] == "https://app.riverside.example"
    refused = client.get("/api/v1/me/", HTTP_ORIGIN="https://evil.example")
    assert "Access-Control-Allow-Origin" not in refused
