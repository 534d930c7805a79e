"""What every channel raises when a send fails: temporary errors are retried, permanent ones wait for staff."""


class TransportError(Exception):
    def __init__(self, message: str, permanent: bool = False):
        super().__init__(message)
        self.message, self.permanent = message, permanent
