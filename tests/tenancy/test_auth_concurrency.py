"""Recording a key's last use never fails the call that uses it."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from jarnama.core.db import make_engine, make_sessionmaker
from jarnama.core.migrate import upgrade
from jarnama.tenancy import service
from jarnama.tenancy.auth import authenticate
from jarnama.tenancy.models import ApiKey, Role, Scope


def test_a_stale_sqlite_reader_still_authenticates(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path}/race.db")
    upgrade(engine)
    factory = make_sessionmaker(engine)
    with factory() as setup:
        _, token = service.create_api_key(
            setup,
            "test",
            name="race",
            role=Role.NETWORK_ADMIN,
            account_id=None,
            scopes=[Scope.READ],
        )
        setup.commit()
    first, second = factory(), factory()
    try:
        # `first` starts reading before `second` records the key's use and commits...
        assert first.scalars(select(ApiKey)).one().last_used_at is None
        authenticate(second, token)
        second.commit()
        # ...so SQLite refuses `first` the same write (its snapshot is stale): still a success.
        principal = authenticate(first, token)
        assert principal.role is Role.NETWORK_ADMIN
        first.commit()
    finally:
        first.close()
        second.close()
        engine.dispose()
    with factory() as check:
        assert check.scalars(select(ApiKey)).one().last_used_at is not None
