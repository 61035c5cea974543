"""Errors the use cases raise; the delivery edges map them to answers once."""


class CatalogueError(Exception):
    """Base of every error a use case reports to its caller."""


class NotFound(CatalogueError):
    def __init__(self, kind: str, slug: str) -> None:
        super().__init__(f"no {kind} with the slug {slug!r}")
        self.kind = kind
        self.slug = slug


class InvalidCatalogueData(CatalogueError):
    def __init__(self, problems: list[str]) -> None:
        super().__init__(f"{len(problems)} problem(s) in catalogue data: " + "; ".join(problems[:5]))
        self.problems = problems


class RenderFailedError(CatalogueError):
    """A document could not be rendered; nothing was stored."""

    def __init__(self, slug: str, locale: str) -> None:
        super().__init__(f"the brochure of {slug!r} in {locale!r} could not be rendered; nothing was stored")


class InvalidQuery(CatalogueError):
    """A query parameter that is well-formed but names nothing the catalogue knows."""

    def __init__(self, parameter: str, message: str) -> None:
        super().__init__(f"{parameter}: {message}")
        self.parameter = parameter
        self.message = message
