"""Lists (filters, sort, exports), detail pages, the audit trail and the demo consortium."""

import io

import openpyxl
from auditlog.models import LogEntry
from django.core.management import call_command
from django.urls import reverse

from partners import services
from partners.models import Consortium, Partner, PartnerStatus, Tenant
from tests.exports import read_csv


def test_partner_list_filters_and_sorts(world, client_for):
    client = client_for("finance")
    response = client.get(reverse("partners:partner_list"), {"q": "blois"})
    assert "Ville de Blois" in response.text
    assert "Agglopolys" not in response.text
    response = client.get(reverse("partners:partner_list"), {"sort": "-name"})
    assert response.text.index("Ville de Blois") < response.text.index("Agglopolys")


def test_csv_export_follows_the_filter(world, client_for):
    response = client_for("finance").get(
        reverse("partners:tenant_list"), {"state": "deployed", "_export": "csv"}
    )
    rows = read_csv(response)
    assert rows[0][:2] == ["Code", "Nom"]
    assert sorted(r[0] for r in rows[1:]) == ["blois", "cd37"]


def test_xlsx_export_is_safe_from_formula_injection(world, client_for):
    services.partner_save(partner=world.partner_b, short_name='=HYPERLINK("http://x")')
    response = client_for("finance").get(reverse("partners:partner_list"), {"_export": "xlsx"})
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    values = [cell.value for row in sheet.iter_rows() for cell in row]
    assert '\'=HYPERLINK("http://x")' in values
    assert not any(isinstance(v, str) and v.startswith("=") for v in values)


def test_other_export_formats_are_not_served(world, client_for):
    response = client_for("finance").get(reverse("partners:partner_list"), {"_export": "json"})
    assert response["Content-Type"].startswith("text/html")


def test_partner_user_lists_only_its_own(world, client_for):
    client = client_for("partner_a")
    response = client.get(reverse("partners:tenant_list"), {"_export": "csv"})
    rows = read_csv(response)[1:]
    assert sorted(row[0] for row in rows) == ["blaisois", "blois"]
    response = client.get(reverse("partners:partner_list"), {"_export": "csv"})
    assert "Agglopolys" not in response.content.decode()


def test_tenant_page_shows_holders_and_payer(world, client_for):
    response = client_for("partner_a").get(
        reverse("partners:tenant_detail", args=[world.tenant_shared.pk])
    )
    assert "Payeur (interlocuteur financier unique)" in response.text
    assert "Agglopolys" in response.text and "Ville de Blois" in response.text
    # The co-holder's name shows, but not as a link to a page partner A may not open.
    assert reverse("partners:partner_detail", args=[world.partner_b.pk]) not in response.text


def test_partner_page_shows_tenants_and_people(world, client_for):
    response = client_for("secretary").get(
        reverse("partners:partner_detail", args=[world.partner_a.pk])
    )
    assert "blois — Blois" in response.text
    assert "blaisois — Blaisois" in response.text
    assert "Claire" in response.text


def test_every_change_is_recorded_with_who_and_what(world, client_for, users):
    client = client_for("finance")
    url = reverse("partners:partner_update", args=[world.partner_a.pk])
    data = {
        "name": "Ville de Blois",
        "short_name": "Blois",
        "kind": "commune",
        "status": "withdrawing",  # not a field of the form: status changes through membership
        "siret": world.partner_a.siret,
        "address": "9 place Saint-Louis",
        "postal_code": "41000",
        "city": "Blois",
        "representative_name": "M. Marc Gricourt",
        "representative_title": "Maire",
    }
    assert client.post(url, data).status_code == 302
    entry = LogEntry.objects.get_for_object(world.partner_a).order_by("-timestamp").first()
    assert entry.actor == users["finance"]
    assert "status" not in entry.changes_dict
    # The address is the organisation's (the legal body's, shared by its memberships).
    legal = LogEntry.objects.get_for_object(world.partner_a.organisation).order_by("-timestamp")
    assert legal.first().actor == users["finance"]
    assert legal.first().changes_dict["address"][1] == "9 place Saint-Louis"
    world.partner_a.refresh_from_db()
    assert world.partner_a.status == "member"
    page = client.get(reverse("partners:partner_detail", args=[world.partner_a.pk])).text
    assert "finance@example.org" in page
    assert "9 place Saint-Louis" in page


def test_payer_change_shows_on_the_tenant_history(world, client_for):
    client = client_for("finance")
    holding = world.holding(world.tenant_shared, world.partner_a)
    client.post(reverse("partners:holding_make_payer", args=[holding.pk]))
    page = client.get(reverse("partners:tenant_detail", args=[world.tenant_shared.pk])).text

    assert "<strong>interlocuteur financier unique</strong> : non → oui" in page
    assert "<strong>interlocuteur financier unique</strong> : oui → non" in page
    assert "partners.Holding.None" not in page


def test_demo_consortium(db):
    call_command("load_demo", stdout=io.StringIO())
    call_command("load_demo", stdout=io.StringIO())  # idempotent
    consortium = Consortium.objects.get(short_name="Ligeris")  # beside the demo's three others
    # The convention's 19 partners, and the demo's candidate (membership/demo/admission.py).
    assert consortium.partners.exclude(status=PartnerStatus.CANDIDATE).count() == 19
    assert consortium.partners.filter(status=PartnerStatus.CANDIDATE).count() == 1
    assert consortium.coordinator.name == "Département d'Indre-et-Loire"
    shared = [t for t in Tenant.objects.all() if t.holdings.count() > 1]
    assert len(shared) >= 2
    assert all(t.holdings.filter(is_payer=True).count() == 1 for t in Tenant.objects.all())
    assert Tenant.objects.filter(deployed_on__isnull=True, closed_on__isnull=True).exists()
    assert (
        Partner.objects.get(short_name="Châteauroux").representative_name
        == "M. Jean-François Mémin"
    )
