"""Static files storage: whitenoise's compressed manifest, remembering each file's address once looked up."""

from whitenoise.storage import CompressedManifestStaticFilesStorage


class StaticFilesStorage(CompressedManifestStaticFilesStorage):
    """Every page's {% static %} looked its five files up in the manifest and joined their addresses afresh (0.25 ms
    a page); the manifest is read once per process, so an address found once holds until the process restarts."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._addresses = {}

    def url(self, name, force=False):
        if force:
            return super().url(name, force=True)
        try:
            return self._addresses[name]
        except KeyError:
            address = self._addresses[name] = super().url(name)
            return address
