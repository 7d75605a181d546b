"""Imports every table module so SQLModel.metadata (create_all, Alembic) sees them all."""

from storage import models  # noqa: F401

# Feature modules add their tables in their own module and import it here, e.g.:
# from storage import models_coordination  # noqa: F401
