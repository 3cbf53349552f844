"""The argon2 cost of new password hashes: the production default is argon2-cffi's (RFC 9106), the tests lower
it through the environment (tests/conftest.py), and a check always uses the cost written in the hash."""

import argon2
import pytest

from server.core.config import Settings, get_settings
from server.core.security import hash_password, verify_password


@pytest.fixture
def production_cost(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.delenv("PASSWORD_HASH_TIME_COST", raising=False)
    monkeypatch.delenv("PASSWORD_HASH_MEMORY_KIB", raising=False)
    get_settings.cache_clear()
    yield
    monkeypatch.undo()
    get_settings.cache_clear()


def _params(password_hash: str) -> argon2.Parameters:
    return argon2.extract_parameters(password_hash)


def test_production_hashes_at_argon2s_default_cost(production_cost):
    settings = Settings()
    default = argon2.PasswordHasher()
    assert (settings.password_hash_time_cost, settings.password_hash_memory_kib) == (3, 65_536)
    assert (settings.password_hash_time_cost, settings.password_hash_memory_kib) == (
        default.time_cost,
        default.memory_cost,
    )
    params = _params(hash_password("s3cret-pass"))
    assert (params.type, params.time_cost, params.memory_cost) == (argon2.Type.ID, 3, 65_536)


def test_the_tests_hash_cheaply_and_still_check_a_production_hash(production_cost):
    strong = hash_password("s3cret-pass")  # made at the production cost
    get_settings.cache_clear()
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("PASSWORD_HASH_TIME_COST", "1")
        mp.setenv("PASSWORD_HASH_MEMORY_KIB", "64")
        get_settings.cache_clear()
        cheap = hash_password("s3cret-pass")
        assert (_params(cheap).time_cost, _params(cheap).memory_cost) == (1, 64)
        assert verify_password("s3cret-pass", strong) and verify_password("s3cret-pass", cheap)
        assert not verify_password("wrong-pass", strong) and not verify_password("wrong-pass", cheap)
    get_settings.cache_clear()
