"""The server secret: from the environment, or a file created once and reused."""

import stat
from pathlib import Path

import pytest

from storage.secret import SECRET_ENV, SecretError, load_secret, pseudonym


def test_file_is_created_once_private_and_reused(tmp_path: Path) -> None:
    path = tmp_path / "data" / "secret.key"
    first = load_secret({}, path)
    assert len(first) >= 32
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert load_secret({}, path) == first


def test_environment_wins_and_short_values_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "secret.key"
    assert load_secret({SECRET_ENV: "x" * 40}, path) == b"x" * 40
    assert not path.exists()
    with pytest.raises(SecretError):
        load_secret({SECRET_ENV: "short"}, path)


def test_pseudonym_depends_on_the_secret() -> None:
    a = pseudonym(b"k" * 32, "telegram", "42")
    assert a == pseudonym(b"k" * 32, "telegram", "42")
    assert a != pseudonym(b"j" * 32, "telegram", "42")
    assert a != pseudonym(b"k" * 32, "telegram", "43")
