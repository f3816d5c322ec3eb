"""E-mails written as three templates: `<name>_subject.txt`, `<name>.txt` and `<name>.html`."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import get_template, render_to_string


def one_line(subject: str) -> str:
    """The subject on one line: a name typed with a line break never becomes another header."""
    return " ".join(subject.split())


def render_subject(name: str, context: dict) -> str:
    return one_line(render_to_string(f"emails/{name}_subject.txt", context))


class TemplatedEmail:
    """The three templates of an e-mail, loaded once, for many messages of the same kind."""

    def __init__(self, name: str):
        self.subject = get_template(f"emails/{name}_subject.txt")
        self.text = get_template(f"emails/{name}.txt")
        self.html = get_template(f"emails/{name}.html")
        self.sender = settings.DEFAULT_FROM_EMAIL

    def message(self, *, to: list[str], context: dict, attachments=()) -> EmailMultiAlternatives:
        message = EmailMultiAlternatives(
            one_line(self.subject.render(context)), self.text.render(context), self.sender, to
        )
        message.attach_alternative(self.html.render(context), "text/html")
        for filename, content, mimetype in attachments:
            message.attach(filename, content, mimetype)
        return message


def send_templated_email(name: str, *, to: list[str], context: dict, attachments=()) -> None:
    TemplatedEmail(name).message(to=to, context=context, attachments=attachments).send()
