"""The Transport base every channel extends, and what a channel raises when a send does not succeed:
temporary errors are retried with backoff, permanent ones wait for staff, and "maybe sent" (a robot that
got the request but did not answer in time) is never resent automatically."""


class TransportError(Exception):
    def __init__(self, message: str, permanent: bool = False, maybe_sent: bool = False, errcode: int | None = None):
        super().__init__(message)
        self.message, self.permanent, self.maybe_sent, self.errcode = message, permanent, maybe_sent, errcode


class Transport:
    """notify() delivers one outbox row or raises TransportError; it returns a note for the row (e.g.
    addresses refused while the others were accepted), or "" when there is nothing to say."""

    channel = ""  # the Outbox.channel value it sends (plans.models.Channel)

    def notify(self, outbox) -> str:
        raise NotImplementedError
