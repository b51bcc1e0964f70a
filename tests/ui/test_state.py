"""Secrets lookups: read from the files, remembered until a file changes, failing closed."""

from pathlib import Path

import pytest
from streamlit import config
from streamlit.testing.v1 import AppTest

from tests.conftest import ROOT
from ui import state


@pytest.fixture
def secrets_file(tmp_path: Path):  # type: ignore[no-untyped-def]
    path = tmp_path / "secrets.toml"
    before = config.get_option("secrets.files")
    config.set_option("secrets.files", [str(path)])
    yield path
    config.set_option("secrets.files", before)


def test_a_section_added_or_removed_later_is_seen_at_once(secrets_file: Path):
    assert not state.in_secrets("auth")  # no file at all
    secrets_file.write_text('[auth]\nredirect_uri = "http://127.0.0.1/oauth2callback"\n')
    assert state.in_secrets("auth")
    assert not state.in_secrets("connections", "evaluations")
    secrets_file.write_text('[connections.evaluations]\nurl = "sqlite://"\n# a longer file\n')
    assert state.in_secrets("connections", "evaluations") and not state.in_secrets("auth")
    secrets_file.unlink()
    assert not state.in_secrets("connections", "evaluations")


def test_a_broken_secrets_file_is_an_error_not_a_missing_section(secrets_file: Path):
    secrets_file.write_text("[auth\nclient_id = \n")
    with pytest.raises(state.SecretsUnreadable, match="could not be read"):
        state.in_secrets("auth")


def test_the_app_fails_closed_on_a_broken_secrets_file(secrets_file: Path):
    secrets_file.write_text("[auth\nclient_id = \n")
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.run()
    assert not at.exception
    assert any("The app is not available" in e.value for e in at.error)
    assert not at.dataframe and not at.button  # nothing of any evaluation, no way around it
    shown = " ".join(e.value for e in at.error)
    assert str(secrets_file) not in shown and "Error" not in shown, "no server path, no type"


def test_only_tables_count_as_sections(secrets_file: Path):
    secrets_file.write_text('auth = "google"\n')
    assert not state.in_secrets("auth")
    secrets_file.write_text('[auth]\nredirect_uri = "x"\n[auth.google]\nclient_id = "y"\n# two\n')
    assert state.in_secrets("auth", "google") and not state.in_secrets("auth", "goo")
