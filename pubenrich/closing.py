"""The context-manager protocol for the library's objects that hold something to release."""

from __future__ import annotations

from typing import Self


class Closeable:
    """``with obj:`` gives ``obj`` and calls its ``close()`` on the way out, however it ends."""

    def close(self) -> None:
        """Release what the object holds; subclasses say what."""

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()
