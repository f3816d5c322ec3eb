"""Storage volumes: a file is previewed, then imported whole or not at all."""

import datetime
import hashlib
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from billing.imports import ParsedFile, parse_volume, parse_volume_file
from billing.models import StorageVolume, VolumeImport
from ligeris.lib.services import save_validated as save
from partners.models import Consortium, Tenant


def _tenant_codes(consortium: Consortium) -> dict[str, int]:
    return dict(Tenant.objects.filter(consortium=consortium).values_list("code", "pk"))


@transaction.atomic
def volume_import_preview(
    *, consortium: Consortium, file_name: str, data: bytes, user=None
) -> tuple[VolumeImport | None, ParsedFile]:
    """Read the file. Only a file whose every row is valid is kept, awaiting confirmation."""
    parsed = parse_volume_file(file_name, data, set(_tenant_codes(consortium)))
    if not parsed.is_valid:
        return None, parsed
    volume_import = VolumeImport.objects.create(
        consortium=consortium,
        file_name=file_name[:255],
        sha256=hashlib.sha256(data).hexdigest(),
        uploaded_by=user,
        rows=[row.as_json() for row in parsed.rows],
    )
    return volume_import, parsed


@transaction.atomic
def volume_import_apply(*, volume_import: VolumeImport) -> int:
    """Write the readings (replacing a tenant's reading at the same date); all or nothing."""
    volume_import = VolumeImport.objects.select_for_update().get(pk=volume_import.pk)
    if volume_import.applied_at is not None:
        raise ValidationError(_("Ce fichier a déjà été importé."))
    codes = _tenant_codes(volume_import.consortium)
    wanted: dict[tuple[int, datetime.date], Decimal] = {}
    for row in volume_import.rows:
        tenant_id = codes.get(row["tenant"])
        if tenant_id is None:
            raise ValidationError(
                _("Ligne %(line)s : tenant « %(code)s » inconnu.")
                % {"line": row["line"], "code": row["tenant"]}
            )
        wanted[(tenant_id, datetime.date.fromisoformat(row["measured_on"]))] = Decimal(
            row["gigabytes"]
        )
    existing = {
        (v.tenant_id, v.measured_on): v
        for v in StorageVolume.objects.filter(
            tenant_id__in={t for t, _ in wanted}, measured_on__in={d for _, d in wanted}
        )
    }
    to_update = []
    to_create = []
    for (tenant_id, day), gigabytes in wanted.items():
        current = existing.get((tenant_id, day))
        if current is None:
            to_create.append(
                StorageVolume(
                    tenant_id=tenant_id, measured_on=day, gigabytes=gigabytes, source=volume_import
                )
            )
        else:
            current.gigabytes = gigabytes
            current.source = volume_import
            to_update.append(current)
    StorageVolume.objects.bulk_create(to_create, batch_size=2000)
    StorageVolume.objects.bulk_update(to_update, ["gigabytes", "source"], batch_size=2000)
    volume_import.applied_at = timezone.now()
    volume_import.save(update_fields=["applied_at"])
    return len(wanted)


@transaction.atomic
def volume_save(
    *,
    volume: StorageVolume,
    consortium: Consortium,
    tenant: Tenant,
    measured_on: datetime.date,
    quantity: str,
    unit: str = "",
) -> StorageVolume:
    """One reading typed in by hand, read as the import reads a row (units, decimal comma).

    One reading per tenant and date: another reading of the same tenant and date is refused
    (correct that one instead). A corrected reading no longer comes from its file.
    """
    if tenant.consortium_id != consortium.pk:
        raise ValidationError({"tenant": _("Ce tenant n'appartient pas au groupement.")})
    gigabytes, error = parse_volume(str(quantity), unit)
    if error:
        raise ValidationError({"quantity": f"{capfirst(error)}."})
    other = (
        StorageVolume.objects.select_for_update()
        .filter(tenant=tenant, measured_on=measured_on)
        .exclude(pk=volume.pk)
    )
    if other.exists():
        raise ValidationError(
            {
                "measured_on": _(
                    "Le tenant %(code)s a déjà un relevé au %(date)s : modifiez ce relevé."
                )
                % {"code": tenant.code, "date": measured_on.strftime("%d/%m/%Y")}
            }
        )
    return save(volume, tenant=tenant, measured_on=measured_on, gigabytes=gigabytes, source=None)
