import pytest


@pytest.mark.django_db
def test_robots_blocks_search_in_every_edition_newsroom_and_admin(client):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    lines = response.content.decode().splitlines()
    assert lines[0] == "User-agent: *"
    for path in ("/search/", "/ru/search/", "/newsroom/", "/admin/"):
        assert f"Disallow: {path}" in lines


@pytest.mark.django_db
def test_robots_refuses_unsafe_methods(client):
    response = client.post("/robots.txt")
    assert response.status_code == 405
