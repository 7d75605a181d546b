"""Privacy tests reuse the admin fixtures: configured staff, a recording outbound seam."""

from tests.admin.conftest import config, dispatcher  # noqa: F401
