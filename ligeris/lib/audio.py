"""Is this upload an audio file? Known by its first bytes, never by its name or declared type."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

#: The formats accepted, by the label shown to users.
FORMATS = ("mp3", "ogg", "opus", "m4a", "wav")
HEAD_BYTES = 64


def sniff_audio(head: bytes) -> str | None:
    """The format of a file starting with `head`, or None when it is none we accept."""
    if head.startswith(b"ID3"):
        return "mp3"
    # An MP3 without tag starts on an MPEG audio frame: 11 sync bits, layer not "reserved".
    if len(head) >= 2 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0 and head[1] & 0x06:
        return "mp3"
    if head.startswith(b"OggS"):
        return "opus" if b"OpusHead" in head else "ogg"
    if head[4:8] == b"ftyp" and head[8:12] in (b"M4A ", b"M4B ", b"mp42", b"isom", b"iso2"):
        return "m4a"
    if head.startswith(b"RIFF") and head[8:12] == b"WAVE":
        return "wav"
    return None


def check_audio(upload, *, max_bytes: int) -> str:
    """Refuse, in French, what is too big or not audio (by magic bytes); return its format.

    The size is checked before a byte is read; then only the first `HEAD_BYTES` are.
    """
    if upload.size > max_bytes:
        raise ValidationError(
            _("Le fichier dépasse %(size)s Mo.") % {"size": max_bytes // (1024 * 1024)}
        )
    upload.seek(0)
    head = upload.read(HEAD_BYTES)
    upload.seek(0)
    audio_format = sniff_audio(head)
    if audio_format is None:
        raise ValidationError(
            _("Le fichier n'est pas un enregistrement audio : joignez un fichier %(formats)s.")
            % {"formats": ", ".join(FORMATS)}
        )
    return audio_format
