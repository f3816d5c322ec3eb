"""The partnership programme in the demo, on the Cergy-Pontoise consortium (seeds 001/003).

The four workstreams of the Cergy-Pontoise convention (annexe 3: names, summaries, contents,
formats, who and deliverables as the seed gives them); due dates, statuses, the rota, guests and
the recording are illustrative (`fixtures/README.md`).
"""

import datetime
import io
import struct

from django.core.files.uploadedfile import SimpleUploadedFile
from pypdf import PdfWriter

from governance.models import Meeting
from partners.models import Consortium, Partner
from programme.models import DeliverableStatus, GuestKind, Workstream
from programme.services import meetings as services
from programme.services import workstreams as workstream_services

WHO = "Agents, DSI, archivistes"
WORKSTREAMS = (
    (
        "Acculturation",
        "Avoir un même niveau d'informations et de compétences sur les enjeux du numérique en "
        "général et de l'archivage électronique en particulier.",
        "Sensibilisation sur les enjeux du numérique à destination des agents de la collectivité ; "
        "sensibilisation « métiers » sur l'archivage électronique pour les fonctions archives et "
        "informatique ; partager des pratiques communes sur la gestion de nos données.",
        WHO,
        "Plusieurs séquences, en visio, 1 h par session",
        ("Support de sensibilisation", "Enregistrement des séances", "Mémo, fiches pratiques"),
    ),
    (
        "Catalogage",
        "Établir pour chacun des partenaires un état des lieux exhaustif des données nativement "
        "numériques et convenir ensuite des périmètres prioritaires de versement dans le SAE.",
        "Convenir d'une méthodologie commune pour dresser l'état des lieux ; déployer le process "
        "convenu ; établir un bilan général et se projeter sur les périmètres prioritaires.",
        WHO,
        "Présentiel pour la méthodologie ; visio de 45 min pour recenser par secteur d'activités",
        (
            "Guide méthodologique",
            "Recensement par collectivité",
            "Synthèse et feuille de route des jeux de données prioritaires par collectivité",
        ),
    ),
    (
        "Prototypage",
        "Mettre en œuvre les modalités organisationnelles et techniques de versement des données "
        "dans le SAE mutualisé et disposer d'un prototype soutenable pour chacun des partenaires.",
        "Définir ensemble les spécificités techniques et fonctionnelles du SAE mutualisé ; tester "
        "les versements selon nos modes opératoires ; documenter nos avancées et valider nos "
        "process communs.",
        WHO,
        "Présentiel pour tester les modes opératoires ; visio pour les process documentaires",
        (
            "Cahier des charges de nos spécificités techniques et fonctionnelles",
            "Jeux de tests en commun",
            "Documentation en commun sur les process de versement et de consultation",
        ),
    ),
    (
        "Administration",
        "Étudier les modalités administratives, juridiques et financières du conventionnement à "
        "venir du SAE mutualisé et les impacts.",
        "Étude des modèles juridiques (mutualisation, groupement de commande, service commun) ; "
        "étude du modèle financier (dépenses, recettes, clé de répartition) ; documentation des "
        "responsabilités des acteurs (politique commune d'archivage électronique).",
        "Juristes, financiers, DSI, archivistes",
        "Atelier par périmètre d'études ; visio pour la production documentaire",
        (
            "Comptes rendus de réunions",
            "Études et projections financières",
            "Politique d'archivage électronique du SAE mutualisé",
        ),
    ),
)
#: Illustrative: the first deliverable of the first two workstreams delivered, the rest planned.
FIRST_DUE = datetime.date(2026, 3, 31)
ROTA = ("CA Cergy-Pontoise", "Osny")


def _pdf() -> SimpleUploadedFile:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    return SimpleUploadedFile("livrable.pdf", buffer.getvalue(), "application/pdf")


def _wav(seconds: int = 1, rate: int = 8000) -> SimpleUploadedFile:
    """A second of silence, 8 kHz mono 8 bits: a real WAV, small enough for the demo."""
    data = b"\x80" * (seconds * rate)
    header = b"RIFF" + struct.pack("<I", 36 + len(data)) + b"WAVEfmt "
    header += struct.pack("<IHHIIHH", 16, 1, 1, rate, rate, 1, 8) + b"data"
    return SimpleUploadedFile("seance.wav", header + struct.pack("<I", len(data)) + data)


def load_demo_programme(consortium: Consortium) -> None:
    if Workstream.objects.filter(consortium=consortium).exists():
        return
    partners = {p.short_name: p for p in Partner.objects.filter(consortium=consortium)}
    for position, (name, summary, missions, who, frequency, deliverables) in enumerate(
        WORKSTREAMS, start=1
    ):
        workstream = workstream_services.workstream_create(
            consortium=consortium,
            name=name,
            summary=summary,
            missions=missions,
            composition=who,
            frequency=frequency,
            position=position,
        )
        for short_name in ROTA[:2]:
            if short_name in partners:
                workstream_services.member_add(
                    workstream=workstream,
                    partner=partners[short_name],
                    person=None,
                    role="lead" if short_name == ROTA[0] else "member",
                )
        for index, title in enumerate(deliverables):
            due_on = FIRST_DUE + datetime.timedelta(days=91 * (index + position - 1))
            deliverable = workstream_services.deliverable_create(
                workstream=workstream, title=title, due_on=due_on
            )
            if index == 0 and position <= 2:
                workstream_services.deliverable_update(
                    deliverable=deliverable,
                    title=title,
                    due_on=due_on,
                    status=DeliverableStatus.DELIVERED,
                    delivered_on=due_on - datetime.timedelta(days=5),
                    document=_pdf(),
                )
    for short_name in ROTA:
        if short_name in partners:
            services.rota_add(consortium=consortium, partner=partners[short_name])
    meetings = Meeting.objects.filter(body__consortium=consortium)
    held = meetings.filter(minutes_closed_at__isnull=False).exclude(video_link="")
    remote = held.order_by("-starts_at").first()
    if remote is not None:
        services.recording_add(meeting=remote, title="Enregistrement de la séance", file=_wav())
    upcoming = meetings.filter(minutes_closed_at__isnull=True).order_by("starts_at").first()
    if upcoming is not None:
        services.guest_add(
            meeting=upcoming,
            kind=GuestKind.ELECTED,
            name="Laurent Lambert",
            title="Vice-président de la Communauté d'agglomération de Cergy-Pontoise",
        )
        services.guest_add(
            meeting=upcoming,
            kind=GuestKind.OUTSIDE,
            name="Chef de projet Vitam",
            organisation="Programme Vitam",
        )
