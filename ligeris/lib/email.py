"""E-mails written as three templates: `<name>_subject.txt`, `<name>.txt` and `<name>.html`."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string


def render_subject(name: str, context: dict) -> str:
    """The subject on one line: a name typed with a line break never becomes another header."""
    return " ".join(render_to_string(f"emails/{name}_subject.txt", context).split())


def send_templated_email(name: str, *, to: list[str], context: dict, attachments=()) -> None:
    subject = render_subject(name, context)
    text = render_to_string(f"emails/{name}.txt", context)
    html = render_to_string(f"emails/{name}.html", context)
    message = EmailMultiAlternatives(subject, text, settings.DEFAULT_FROM_EMAIL, to)
    message.attach_alternative(html, "text/html")
    for filename, content, mimetype in attachments:
        message.attach(filename, content, mimetype)
    message.send()
