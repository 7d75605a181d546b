"""Import aiogram with its pydantic schemas built on first use, not all at import.

`aiogram.types` ends by calling `model_rebuild` on each of its ~400 Telegram types, with the
package's names as the namespace for their forward references. That builds every validator up
front: about 120 MB of resident memory and 1.5 s of start-up (bench/memory.py), for a bot that
receives a few kinds of update and calls a dozen methods. Importing this module before aiogram
skips those calls and puts the same names into each type's module instead (the names its
annotations import only under TYPE_CHECKING), so pydantic resolves them when a type is first
validated or serialised, exactly as the rebuild would have. The ~150 API methods, defined right
after, get pydantic's own `defer_build` for the same reason (another 25 MB). Each of the 629
models still builds complete on first use (checked by tests/bot/test_aiogram_lazy.py). Nothing
changes once aiogram is already imported (then this does nothing).
"""

import sys
from typing import Any

from pydantic import BaseModel

_TYPES_PACKAGE = "aiogram.types"


def _import_deferred() -> None:
    """Import aiogram.types with its module-wide rebuild deferred to each type's first use."""
    eager = BaseModel.__dict__["model_rebuild"]

    def deferred(cls: type[BaseModel], *, _types_namespace: Any = None, **kwargs: Any) -> bool | None:
        if _types_namespace is None or not cls.__module__.startswith(_TYPES_PACKAGE + "."):
            return eager.__func__(cls, _types_namespace=_types_namespace, **kwargs)  # type: ignore[no-any-return]
        from aiogram.methods.base import TelegramMethod  # before any method: each builds on first use

        TelegramMethod.model_config["defer_build"] = True
        module = vars(sys.modules[cls.__module__])
        for name, value in _types_namespace.items():
            module.setdefault(name, value)
        return None

    BaseModel.model_rebuild = classmethod(deferred)  # type: ignore[method-assign, assignment]
    try:
        import aiogram.types  # noqa: F401
    finally:
        BaseModel.model_rebuild = eager  # type: ignore[method-assign]


if _TYPES_PACKAGE not in sys.modules:
    _import_deferred()
