"""caredirector.storage: whitenoise's manifest storage, each file's address looked up once."""

import json

from caredirector.storage import StaticFilesStorage


def test_an_address_is_the_manifests_and_is_looked_up_once(tmp_path, monkeypatch):
    (tmp_path / "staticfiles.json").write_text(
        json.dumps({"paths": {"css/app.css": "css/app.0123456789ab.css"}, "version": "1.1", "hash": "x"})
    )
    storage = StaticFilesStorage(location=str(tmp_path), base_url="/static/")
    looked_up = []
    original = StaticFilesStorage.stored_name

    def counting(self, name):
        looked_up.append(name)
        return original(self, name)

    monkeypatch.setattr(StaticFilesStorage, "stored_name", counting)
    assert storage.url("css/app.css") == "/static/css/app.0123456789ab.css"
    assert storage.url("css/app.css") == "/static/css/app.0123456789ab.css"
    assert looked_up == ["css/app.css"]
    try:
        storage.url("css/missing.css")
    except ValueError:
        pass  # not in the manifest: an error, as before, and nothing remembered
    assert "css/missing.css" not in storage._addresses
