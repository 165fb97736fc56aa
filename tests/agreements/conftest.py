import pytest


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Each test stores uploads in a folder of its own, so it can see what reached the disk."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def stored_files(media_root) -> list:
    return [p for p in media_root.rglob("*") if p.is_file()] if media_root.exists() else []
