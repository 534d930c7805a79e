"""The Transport base every channel extends, and what a channel raises when a send does not succeed:
temporary errors are retried with backoff, permanent ones wait for staff, and "maybe sent" (a robot that
got the request but did not answer in time) is never resent automatically."""


class TransportError(Exception):
    def __init__(self, message: str, permanent: bool = False, maybe_sent: bool = False):
        super().__init__(message)
        self.message, self.permanent, self.maybe_sent = message, permanent, maybe_sent


class Transport:
    """notify() delivers one outbox row or raises TransportError; it returns a note for the row (e.g.
    addresses refused while the others were accepted), or "" when there is nothing to say."""

    def notify(self, outbox) -> str:
        raise NotImplementedError
