"""Privacy tests reuse the admin fixtures: configured staff, a recording outbound seam."""

from tests.admin.conftest import announcer, config, dispatcher, outbox  # noqa: F401
