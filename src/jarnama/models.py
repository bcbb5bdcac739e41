"""Imports every domain's tables so `Base.metadata` is complete (Alembic and tests use this)."""

from jarnama.campaigns import models as campaigns_models
from jarnama.catalog import models as catalog_models
from jarnama.core.db import Base
from jarnama.creators import models as creators_models
from jarnama.decisioning import models as decisioning_models
from jarnama.exchange import models as exchange_models
from jarnama.exchange import ops_models as exchange_ops_models
from jarnama.exchange import player_models as exchange_player_models
from jarnama.measurement import models as measurement_models
from jarnama.measurement import tables as measurement_tables
from jarnama.money import models as money_models
from jarnama.tenancy import models as tenancy_models
from jarnama.transcreation import models as transcreation_models

__all__ = [
    "Base",
    "campaigns_models",
    "catalog_models",
    "creators_models",
    "decisioning_models",
    "exchange_models",
    "exchange_ops_models",
    "exchange_player_models",
    "measurement_models",
    "measurement_tables",
    "money_models",
    "tenancy_models",
    "transcreation_models",
]
