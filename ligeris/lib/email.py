"""E-mails written as three templates: `<name>_subject.txt`, `<name>.txt` and `<name>.html`."""

from email import generator
from io import BytesIO

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.core.mail.message import SafeMIMEMultipart
from django.template.loader import get_template, render_to_string


def one_line(subject: str) -> str:
    """The subject on one line: a name typed with a line break never becomes another header."""
    return " ".join(subject.split())


def render_subject(name: str, context: dict) -> str:
    return one_line(render_to_string(f"emails/{name}_subject.txt", context))


class _BytesGenerator(generator.BytesGenerator):
    """The stdlib's, writing each body in one piece: it writes a body line by line, two calls a
    line (some 1,500 for the base64 of a 57 KiB PDF), about 1 ms of a titre's e-mail. The same
    bytes: every CRLF, lone CR and lone LF becomes the line ending, as its `NLCRE` splits them
    (str.replace, not that regular expression: 0.6 ms on such a body)."""

    def _write_lines(self, lines: str) -> None:
        if "\r" in lines:
            lines = lines.replace("\r\n", "\n").replace("\r", "\n")
        if lines:
            self.write(lines if self._NL == "\n" else lines.replace("\n", self._NL))

    @classmethod
    def _make_boundary(cls, text=None):
        """The stdlib's random boundary, checked by a substring search where the stdlib
        compiles a regular expression for it and runs it over the whole message (0.5 ms): not
        found anywhere, it is not found at the start of a line either."""
        while True:
            boundary = generator.Generator._make_boundary()
            marker = "--" + boundary
            if text is None or (marker.encode() if isinstance(text, bytes) else marker) not in text:
                return boundary


class _Multipart(SafeMIMEMultipart):
    def as_bytes(self, unixfrom=False, linesep="\n"):  # Django's, with the generator above
        out = BytesIO()
        _BytesGenerator(out, mangle_from_=False).flatten(self, unixfrom=unixfrom, linesep=linesep)
        return out.getvalue()


class _Email(EmailMultiAlternatives):
    def message(self):
        message = super().message()
        # Every backend writes the message through its as_bytes(): the same message, only its
        # class changed (its subparts are written by the generator's copies of itself).
        if type(message) is SafeMIMEMultipart:
            message.__class__ = _Multipart
        return message


class TemplatedEmail:
    """The three templates of an e-mail, loaded once, for many messages of the same kind."""

    def __init__(self, name: str):
        self.subject = get_template(f"emails/{name}_subject.txt")
        self.text = get_template(f"emails/{name}.txt")
        self.html = get_template(f"emails/{name}.html")
        self.sender = settings.DEFAULT_FROM_EMAIL

    def message(self, *, to: list[str], context: dict, attachments=()) -> EmailMultiAlternatives:
        message = _Email(
            one_line(self.subject.render(context)), self.text.render(context), self.sender, to
        )
        message.attach_alternative(self.html.render(context), "text/html")
        for filename, content, mimetype in attachments:
            message.attach(filename, content, mimetype)
        return message


def send_templated_email(name: str, *, to: list[str], context: dict, attachments=()) -> None:
    TemplatedEmail(name).message(to=to, context=context, attachments=attachments).send()
