"""Imports every table module so SQLModel.metadata (create_all, Alembic) sees them all."""

from storage import models  # noqa: F401
from storage import models_admin  # noqa: F401
from storage import models_coordination  # noqa: F401
from storage import models_channels  # noqa: F401
from storage import zalo_oa_tokens  # noqa: F401
from storage import models_desk  # noqa: F401
from storage import staff_files  # noqa: F401
