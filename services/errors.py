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
    """A document could not be rendered; nothing was stored. It is tried again after ``retry_after`` seconds."""

    def __init__(self, document: str, locale: str, retry_after: int | None = None) -> None:
        super().__init__(f"{document} in {locale!r} could not be rendered; nothing was stored")
        self.retry_after = retry_after


class RenderBusy(CatalogueError):
    """More documents wait for rendering than the service takes on; try again after ``retry_after`` seconds."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(f"too many documents are being made right now; try again in {retry_after} seconds")
        self.retry_after = retry_after


class InvalidQuery(CatalogueError):
    """A query parameter that is well-formed but names nothing the catalogue knows."""

    def __init__(self, parameter: str, message: str) -> None:
        super().__init__(f"{parameter}: {message}")
        self.parameter = parameter
        self.message = message


class NotAuthenticated(CatalogueError):
    """The request needs a signed-in account (or an API token) and has none."""

    def __init__(self) -> None:
        super().__init__("sign in, or send an API token, to do this")


class Forbidden(CatalogueError):
    """The account may see the object but not do this to it; nothing was changed."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class InvalidInput(CatalogueError):
    """A request that is well-formed but breaks a rule; ``field`` names what was wrong."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


class LoginFailed(CatalogueError):
    """Wrong address or password; which of the two is never said."""

    def __init__(self) -> None:
        super().__init__("the email address or the password is wrong")


class LoginThrottled(CatalogueError):
    """Too many failed logins for the account or the client; try again after ``retry_after`` seconds."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(f"too many failed logins; try again in {retry_after} seconds")
        self.retry_after = retry_after


class LinkInvalid(CatalogueError):
    """An invitation or reset link that is unknown, used or expired."""

    def __init__(self) -> None:
        super().__init__("this link is unknown, has been used or has expired")


class PreconditionRequired(CatalogueError):
    """A change sent without ``If-Match``; the current version's ETag is in ``etag``."""

    def __init__(self, etag: str) -> None:
        super().__init__("send If-Match with the ETag of the version you edited")
        self.etag = etag


class PreconditionFailed(CatalogueError):
    """A change made to a version that is no longer current; nothing was changed."""

    def __init__(self, etag: str) -> None:
        super().__init__("the entry changed since you loaded it; load it again and reapply your change")
        self.etag = etag


class Conflict(CatalogueError):
    """A change the entry's current state does not allow, such as approving a draft that is not submitted."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class MailFailed(CatalogueError):
    """The mail server did not take a message; nothing that depended on it was kept."""

    def __init__(self, detail: str) -> None:
        super().__init__(f"the mail server did not accept the message ({detail}); nothing was changed, try again")


class Contended(CatalogueError):
    """Other requests changed the same thing at the same moment, again and again; nothing was changed."""

    def __init__(self, retry_after: int = 2) -> None:
        super().__init__("other requests are changing the same thing at this moment; try again shortly")
        self.retry_after = retry_after
