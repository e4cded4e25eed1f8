import pytest


@pytest.fixture(autouse=True)
def _signed_file(settings, tmp_path):
    """Each test's instance remembers its last signed checkpoint in its own file (the default
    under HOMEWARD_VAR is shared by every test database of a session)."""
    settings.LEDGER_SIGNED_FILE = str(tmp_path / "last-signed-checkpoint.note")
