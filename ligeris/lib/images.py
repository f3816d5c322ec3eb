"""Uploaded images checked before anything keeps them: PNG or JPEG only, bounded in bytes and in
pixels, the pixel size read from the header before a single pixel is decoded.

A small file may claim a huge image (a "decompression bomb": a few KB of PNG that would inflate
to gigabytes), so the size comes first, from `Image.open` (which reads the header only); the
pixels are decoded after, once they are known to fit, to refuse a truncated or corrupt file.
"""

import hashlib
import io
import threading
import warnings
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from PIL import Image, ImageFile, UnidentifiedImageError

#: The formats we accept, as Pillow names them, and the file extension each is stored under.
FORMATS = {"PNG": "png", "JPEG": "jpeg"}
#: Colour modes a PDF/A page takes as they are (no CMYK: its output intent is sRGB).
MODES = {"1", "L", "LA", "P", "RGB", "RGBA"}


#: WeasyPrint sets Pillow's process-wide LOAD_TRUNCATED_IMAGES when it is imported (by the first
#: PDF a process renders): the check must not depend on whether one was rendered before.
_STRICT = threading.Lock()


def _load_whole(image) -> None:
    with _STRICT:
        previous = ImageFile.LOAD_TRUNCATED_IMAGES
        ImageFile.LOAD_TRUNCATED_IMAGES = False
        try:
            image.load()
        finally:
            ImageFile.LOAD_TRUNCATED_IMAGES = previous


@dataclass(frozen=True)
class CheckedImage:
    data: bytes
    format: str  # "png" or "jpeg"
    width: int
    height: int

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


def _read_bounded(upload, max_bytes: int) -> bytes:
    """At most `max_bytes` + 1 bytes of an uploaded file or bytes: never the whole of a huge one."""
    if isinstance(upload, bytes | bytearray):
        return bytes(upload[: max_bytes + 1])
    upload.seek(0)
    return upload.read(max_bytes + 1)


def check_image(upload, *, max_bytes: int, max_side: int, max_pixels: int) -> CheckedImage:
    """The image in `upload` (an uploaded file or bytes), or a French ValidationError."""
    too_big = _("L'image dépasse %(size)s : réduisez-la.") % {"size": filesizeformat(max_bytes)}
    if getattr(upload, "size", 0) > max_bytes:
        raise ValidationError(too_big, code="too_big")
    data = _read_bounded(upload, max_bytes)
    if len(data) > max_bytes:
        raise ValidationError(too_big, code="too_big")
    not_image = _("Ce fichier n'est pas une image PNG ou JPEG lisible.")
    bounds = {"side": max_side, "megapixels": max_pixels // 1_000_000}
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            # Only these two decoders are tried: an SVG, a GIF or a TIFF is not even parsed.
            image = Image.open(io.BytesIO(data), formats=list(FORMATS))
            width, height = image.size  # from the header: nothing decoded yet
            if width > max_side or height > max_side or width * height > max_pixels:
                raise ValidationError(
                    _(
                        "L'image fait %(width)s × %(height)s pixels : %(side)s pixels de côté "
                        "au plus, %(megapixels)s millions de pixels au plus."
                    )
                    % {"width": width, "height": height, **bounds},
                    code="too_many_pixels",
                )
            if image.mode not in MODES:
                raise ValidationError(
                    _(
                        "Les couleurs de l'image (%(mode)s) ne conviennent pas : enregistrez-la en RVB."
                    )
                    % {"mode": image.mode},
                    code="mode",
                )
            _load_whole(image)  # every pixel decoded: a truncated or corrupt file stops here
    except ValidationError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        # Pillow's own guard, at open, past ~89 million pixels: not even the size is read out.
        raise ValidationError(
            _(
                "L'image a bien trop de pixels : %(side)s pixels de côté au plus, "
                "%(megapixels)s millions de pixels au plus."
            )
            % bounds,
            code="too_many_pixels",
        ) from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError):
        raise ValidationError(not_image, code="not_image") from None
    return CheckedImage(data=data, format=FORMATS[image.format], width=width, height=height)
