import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def test_check_deploy_reports_nothing_with_production_values(tmp_path):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": "k3y-" + "x7Hq9" * 12,
        "DJANGO_ALLOWED_HOSTS": "accord.example.com",
        "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/postgres",
        "CELERY_BROKER_URL": "redis://127.0.0.1:6379/0",
        "EMAIL_HOST": "smtp.example.com",
        "ACCORD_VAR_DIR": str(tmp_path),
    }
    env.pop("DJANGO_HTTPS", None)
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        ({}, {"sslmode": "require", "server_side_binding": True, "prepare_threshold": 2}),
        ({"ACCORD_DB_PREPARE": "0"}, {"sslmode": "require"}),
    ],
)
def test_prepared_statements_keep_the_database_urls_own_options(tmp_path, extra, expected):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/accord?sslmode=require",
        "ACCORD_VAR_DIR": str(tmp_path),
        **extra,
    }
    code = "from django.conf import settings; print(settings.DATABASES['default']['OPTIONS'])"
    result = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == str(expected)


@pytest.mark.django_db
def test_pages_carry_a_content_security_policy_without_inline_script(client, alice):
    client.force_login(alice)
    policy = client.get("/partnerships/")["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy


@pytest.mark.django_db
def test_no_page_carries_an_inline_script(client, alice, bobs_partnership):
    client.force_login(alice)
    for url in ("/partnerships/", f"/partnerships/{bobs_partnership.pk}/", "/organizations/"):
        body = client.get(url).content.decode()
        for tag in body.split("<script")[1:]:
            assert "src=" in tag.split(">")[0], f"inline script on {url}"


@pytest.mark.django_db
def test_unknown_pages_get_our_own_404(client, alice):
    client.force_login(alice)
    response = client.get("/partnerships/999999/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


def test_a_server_error_shows_our_own_page_without_a_trace(rf):
    from partnerships.views import server_error

    response = server_error(rf.get("/"))
    assert response.status_code == 500
    body = response.content.decode()
    assert "Something went wrong on our side" in body
    assert "Traceback" not in body


@pytest.mark.django_db
def test_the_health_page_answers(client):
    assert client.get("/healthz").json()["database"] == "ok"
