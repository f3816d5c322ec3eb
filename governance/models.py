"""Committees, their seats and meetings, attendance and proxies, decisions and tenant votes.

Rules across rows live in `governance.services`; the models hold the data and what one row can
check by itself. Once a meeting's minutes are closed its record is history: the services refuse
any change, and the meeting and the rows of its record refuse to be saved, deleted or moved
(`ligeris.lib.final`; on PostgreSQL, triggers refuse raw SQL too).
"""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from governance import voting
from ligeris.lib.final import FinalRows
from partners.models import Consortium, Partner, Person, PersonRole, Tenant


class BodyKind(models.TextChoices):
    STEERING = "steering", _("Comité de pilotage (COPIL)")
    TECHNICAL = "technical", _("Comité technique (COTECH)")
    WORKING_GROUP = "working_group", _("Groupe de travail")


class MajorityBase(models.TextChoices):
    CAST = voting.BASE_CAST, _("Suffrages exprimés")
    PRESENT = voting.BASE_PRESENT, _("Tenants délibérants présents ou représentés")
    ALL = voting.BASE_ALL, _("Tous les tenants délibérants")


#: Article 6: the COPIL meets at least once a year, the COTECH at least three times.
DEFAULT_MINIMUM_MEETINGS = {BodyKind.STEERING: 1, BodyKind.TECHNICAL: 3, BodyKind.WORKING_GROUP: 0}


class Body(models.Model):
    consortium = models.ForeignKey(
        Consortium, on_delete=models.PROTECT, related_name="bodies", verbose_name=_("groupement")
    )
    kind = models.CharField(_("type"), max_length=20, choices=BodyKind.choices)
    name = models.CharField(_("nom"), max_length=200)
    short_name = models.CharField(_("sigle"), max_length=40)
    minimum_meetings = models.PositiveSmallIntegerField(_("séances minimales par an"), default=0)
    max_proxies = models.PositiveSmallIntegerField(
        _("pouvoirs par mandataire au plus"),
        default=1,
        help_text=_("CGCT L2121-20 : un membre ne détient qu'un pouvoir."),
    )
    quorum = models.DecimalField(
        _("quorum (part des tenants délibérants)"),
        max_digits=3,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(Decimal("1"))],
        help_text=_("Vide : pas de quorum. 0,5 : la moitié des tenants délibérants."),
    )
    quorum_counts_proxies = models.BooleanField(
        _("les pouvoirs comptent pour le quorum"), default=True
    )
    majority_base = models.CharField(
        _("base des deux tiers"),
        max_length=10,
        choices=MajorityBase.choices,
        default=MajorityBase.CAST,
    )
    abstention_breaks_consensus = models.BooleanField(
        _("une abstention rompt le consensus"), default=False
    )
    notice_days = models.PositiveSmallIntegerField(_("délai de convocation (jours)"), default=15)
    numbers_deliberations = models.BooleanField(
        _("numérote ses délibérations"),
        default=False,
        help_text=_("Le procès-verbal désigne alors chaque point par son numéro de délibération."),
    )
    # A working group exists by a COTECH decision that sets its mandate.
    created_by = models.ForeignKey(
        "Decision",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="working_groups",
        verbose_name=_("créé par la décision"),
    )
    mandate = models.TextField(_("mandat"), blank=True)
    mandate_ends_on = models.DateField(_("fin du mandat"), null=True, blank=True)

    class Meta:
        verbose_name = _("instance")
        verbose_name_plural = _("instances")
        ordering = ("kind", "name")
        constraints = [
            models.UniqueConstraint(
                fields=("consortium", "name"),
                name="body_unique_name",
                violation_error_message=_("Une instance du groupement porte déjà ce nom."),
            ),
            models.CheckConstraint(
                condition=Q(kind=BodyKind.WORKING_GROUP) | Q(created_by__isnull=True),
                name="body_only_working_groups_created_by_decision",
                violation_error_message=_("Seul un groupe de travail est créé par une décision."),
            ),
        ]

    def __str__(self) -> str:
        return self.short_name or self.name

    def get_absolute_url(self) -> str:
        return reverse("governance:body_detail", args=[self.pk])

    def clean(self) -> None:
        if self.kind == BodyKind.WORKING_GROUP and not (self.mandate and self.mandate_ends_on):
            raise ValidationError(
                _("Un groupe de travail a un mandat : son objet et sa date de fin.")
            )


class Seat(models.Model):
    """Which person represents which partner in a body, in which role."""

    body = models.ForeignKey(
        Body, on_delete=models.CASCADE, related_name="seats", verbose_name=_("instance")
    )
    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="seats", verbose_name=_("personne")
    )
    partner = models.ForeignKey(
        Partner, on_delete=models.PROTECT, related_name="seats", verbose_name=_("partenaire")
    )
    role = models.CharField(_("fonction"), max_length=20, choices=PersonRole.choices)
    is_active = models.BooleanField(_("siège actif"), default=True)
    order = models.PositiveSmallIntegerField(
        _("rang protocolaire"),
        default=0,
        help_text=_("L'ordre dans lequel le procès-verbal nomme les membres."),
    )

    class Meta:
        verbose_name = _("siège")
        verbose_name_plural = _("sièges")
        ordering = ("order", "partner__name", "person__last_name")
        constraints = [
            models.UniqueConstraint(
                fields=("body", "person"),
                name="seat_unique_person",
                violation_error_message=_("Cette personne siège déjà dans cette instance."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} ({self.partner.short_name})"

    def clean(self) -> None:
        if self.person_id and self.partner_id and self.person.partner_id != self.partner_id:
            raise ValidationError({"person": _("Cette personne ne représente pas ce partenaire.")})


class ClosedYear(models.Model):
    """A calendar year the coordinator has closed: no meeting may be dated in it any more."""

    consortium = models.ForeignKey(Consortium, on_delete=models.CASCADE)
    year = models.PositiveSmallIntegerField(_("année"))
    closed_at = models.DateTimeField(_("close le"), auto_now_add=True)

    class Meta:
        verbose_name = _("année close")
        verbose_name_plural = _("années closes")
        constraints = [
            models.UniqueConstraint(
                fields=("consortium", "year"),
                name="closed_year_unique",
                violation_error_message=_("Cette année est déjà close."),
            ),
        ]

    def __str__(self) -> str:
        return str(self.year)


CLOSED_MINUTES = _("Le procès-verbal de cette séance est clos : rien n'y change.")
CLOSED = Q(minutes_closed_at__isnull=False)


class Meeting(FinalRows):
    """Once its minutes are closed, the meeting is history: nothing of its record changes.

    Its parents (body, chair, secretary) protect it: no cascade reaches it.
    """

    final_rows = CLOSED
    final_message = CLOSED_MINUTES

    body = models.ForeignKey(
        Body, on_delete=models.PROTECT, related_name="meetings", verbose_name=_("instance")
    )
    starts_at = models.DateTimeField(_("date et heure"))
    place = models.CharField(_("lieu"), max_length=300, blank=True)
    # How the minutes introduce the place: "à l'"Hôtel du Département, "au" siège de…
    place_preposition = models.CharField(
        _("introduction du lieu"),
        max_length=30,
        blank=True,
        default="à",
        help_text=_(
            "Comme le procès-verbal l'écrit devant le lieu : « à l' » Hôtel du Département, "
            "« au » siège de…, « à la » Maison…, « à » Tours."
        ),
    )
    video_link = models.URLField(_("lien de visioconférence"), blank=True)
    chair = models.ForeignKey(
        Person,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("président de séance"),
    )
    chair_title = models.CharField(
        _("qualité du président de séance"),
        max_length=200,
        blank=True,
        help_text=_(
            "Telle qu'elle figure au procès-verbal et sous sa signature, par ex. « Maire de "
            "Châteauroux », « Présidente du Conseil départemental ». Vide : sa fonction."
        ),
    )
    secretary = models.ForeignKey(
        Person,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("secrétaire de séance"),
    )
    # Stamped when the product sends the convocation; typed in for a convocation sent otherwise.
    convened_at = models.DateTimeField(_("convocation envoyée le"), null=True, blank=True)
    minutes_closed_at = models.DateTimeField(_("procès-verbal clos le"), null=True, blank=True)

    class Meta:
        verbose_name = _("séance")
        verbose_name_plural = _("séances")
        ordering = ("-starts_at",)
        constraints = [
            models.CheckConstraint(
                condition=~Q(place="") | ~Q(video_link=""),
                name="meeting_has_place_or_link",
                violation_error_message=_("Indiquez un lieu ou un lien de visioconférence."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.body} — {self.starts_at:%d/%m/%Y}"

    def get_absolute_url(self) -> str:
        return reverse("governance:meeting_detail", args=[self.pk])

    @property
    def is_closed(self) -> bool:
        return self.minutes_closed_at is not None

    @property
    def place_phrase(self) -> str:
        """ "à l'Hôtel du Département, Tours": the place as the minutes introduce it."""
        if not self.place:
            return ""
        preposition = self.place_preposition.strip()
        if not preposition:
            return self.place
        glue = "" if preposition.endswith(("'", "’")) else " "
        return f"{preposition}{glue}{self.place}"


class ClosedMinutesGuard(FinalRows):
    """A row of a meeting's record: final once the minutes are closed, and nothing is put
    under a closed meeting. The services check first and explain; this is the last line.
    """

    final_message = CLOSED_MINUTES

    class Meta:
        abstract = True

    def _meeting_id(self) -> int | None:
        raise NotImplementedError

    def get_additional_data(self) -> dict:
        """Kept with each audit entry, so the meeting's history finds removed rows too."""
        return {"meeting_id": self._meeting_id()}


class AttendanceStatus(models.TextChoices):
    PRESENT = "present", _("Présent")
    EXCUSED = "excused", _("Excusé")
    PROXY = "proxy", _("Excusé, a donné pouvoir")
    ABSENT = "absent", _("Absent")


class Attendance(ClosedMinutesGuard):
    final_rows = Q(meeting__minutes_closed_at__isnull=False)
    refused_parents = {"meeting": CLOSED}

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendances")
    seat = models.ForeignKey(Seat, on_delete=models.PROTECT, related_name="attendances")
    status = models.CharField(_("présence"), max_length=10, choices=AttendanceStatus.choices)
    proxy_to = models.ForeignKey(
        Seat,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="proxies_held",
        verbose_name=_("pouvoir donné à"),
    )

    class Meta:
        verbose_name = _("présence")
        verbose_name_plural = _("présences")
        constraints = [
            models.UniqueConstraint(
                fields=("meeting", "seat"),
                name="attendance_unique_seat",
                violation_error_message=_(
                    "La présence de ce membre est déjà enregistrée pour cette séance."
                ),
            ),
            models.CheckConstraint(
                condition=Q(status=AttendanceStatus.PROXY, proxy_to__isnull=False)
                | (~Q(status=AttendanceStatus.PROXY) & Q(proxy_to__isnull=True)),
                name="attendance_proxy_iff_holder",
                violation_error_message=_(
                    "Un pouvoir désigne son mandataire ; sans pouvoir, aucun mandataire."
                ),
            ),
            models.CheckConstraint(
                condition=~Q(proxy_to=models.F("seat")),
                name="attendance_no_proxy_to_self",
                violation_error_message=_("Un membre ne peut se donner pouvoir à lui-même."),
            ),
        ]

    def __str__(self) -> str:
        # The enum's label, not get_status_display(): a sheet of 2,000 rows is audited at once.
        return f"{self.seat} : {AttendanceStatus(self.status).label}"

    def _meeting_id(self):
        return self.meeting_id


class ItemKind(models.TextChoices):
    INFORMATION = "information", _("Pour information")
    DECISION = "decision", _("Pour décision")


class AgendaItem(ClosedMinutesGuard):
    final_rows = Q(meeting__minutes_closed_at__isnull=False)
    refused_parents = {"meeting": CLOSED}

    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="items", verbose_name=_("séance")
    )
    position = models.PositiveSmallIntegerField(_("rang"))
    title = models.CharField(_("intitulé"), max_length=300)
    kind = models.CharField(_("nature"), max_length=12, choices=ItemKind.choices)
    number = models.CharField(
        _("numéro de délibération"),
        max_length=30,
        blank=True,
        help_text=_("Pour une instance qui numérote ses délibérations, par ex. « 2026-03 »."),
    )
    summary = models.TextField(_("compte rendu des échanges"), blank=True)

    class Meta:
        verbose_name = _("point de l'ordre du jour")
        verbose_name_plural = _("points de l'ordre du jour")
        ordering = ("meeting", "position")
        constraints = [
            models.UniqueConstraint(
                fields=("meeting", "position"),
                name="item_unique_position",
                violation_error_message=_("L'ordre du jour a déjà un point à ce rang."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.position}. {self.title}"

    def _meeting_id(self):
        return self.meeting_id


def _document_path(instance: "AgendaDocument", filename: str) -> str:
    return f"governance/meetings/{instance.item.meeting_id}/{filename}"


class AgendaDocument(ClosedMinutesGuard):
    final_rows = Q(item__meeting__minutes_closed_at__isnull=False)
    refused_parents = {"item": Q(meeting__minutes_closed_at__isnull=False)}

    item = models.ForeignKey(AgendaItem, on_delete=models.CASCADE, related_name="documents")
    title = models.CharField(_("titre"), max_length=200)
    file = models.FileField(_("fichier"), upload_to=_document_path)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("document joint")
        verbose_name_plural = _("documents joints")
        ordering = ("uploaded_at",)

    def __str__(self) -> str:
        return self.title

    def _meeting_id(self):
        return self.item.meeting_id


class DecisionKind(models.TextChoices):
    STRATEGY = "strategy", _("Orientation stratégique")
    EVOLUTION = "evolution", _("Évolution technique ou organisationnelle")
    ADMISSION = "admission", _("Admission d'un membre")
    EXCLUSION = "exclusion", _("Exclusion d'un membre")
    # Article 11: the convention ends early by common accord; it concerns no single partner.
    TERMINATION = "termination", _("Résiliation d'un commun accord")
    OTHER = "other", _("Autre")


class DecisionResult(models.TextChoices):
    PENDING = "pending", _("Non votée")
    CONSENSUS = voting.CONSENSUS, _("Adoptée par consensus")
    ADOPTED = voting.ADOPTED, _("Adoptée à la majorité des deux tiers")
    REJECTED = voting.REJECTED, _("Rejetée")
    ADVISORY_ONLY = voting.ADVISORY_ONLY, _("Non adoptée : avis consultatifs seulement")


class Decision(ClosedMinutesGuard):
    final_rows = Q(item__meeting__minutes_closed_at__isnull=False)
    refused_parents = {"item": Q(meeting__minutes_closed_at__isnull=False)}

    item = models.OneToOneField(
        AgendaItem, on_delete=models.CASCADE, related_name="decision", verbose_name=_("point")
    )
    kind = models.CharField(_("objet"), max_length=12, choices=DecisionKind.choices)
    motion = models.TextField(_("proposition soumise au vote"))
    concerned_partner = models.ForeignKey(
        Partner,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("partenaire concerné"),
        help_text=_("Admission ou exclusion : ce partenaire ne prend pas part au vote."),
    )
    result = models.CharField(
        _("résultat"), max_length=10, choices=DecisionResult.choices, default="pending"
    )
    votes_for = models.PositiveSmallIntegerField(_("pour"), default=0)
    votes_against = models.PositiveSmallIntegerField(_("contre"), default=0)
    abstentions = models.PositiveSmallIntegerField(_("abstentions"), default=0)
    base = models.PositiveSmallIntegerField(_("base des deux tiers"), default=0)
    rule = models.CharField(_("règle appliquée"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("décision")
        verbose_name_plural = _("décisions")
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=("admission", "exclusion"), concerned_partner__isnull=False)
                | (~Q(kind__in=("admission", "exclusion")) & Q(concerned_partner__isnull=True)),
                name="decision_concerned_partner_iff_membership",
                violation_error_message=_(
                    "Une admission ou une exclusion concerne un partenaire ; les autres décisions n'en concernent aucun."
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.item.title

    def _meeting_id(self):
        return self.item.meeting_id

    @property
    def is_adopted(self) -> bool:
        return self.result in (DecisionResult.CONSENSUS, DecisionResult.ADOPTED)


class VoteChoice(models.TextChoices):
    FOR = voting.FOR, _("Pour")
    AGAINST = voting.AGAINST, _("Contre")
    ABSTAIN = voting.ABSTAIN, _("Abstention")


class Vote(ClosedMinutesGuard):
    """One tenant's vote on a decision, cast by a seat present (or holding a proxy)."""

    final_rows = Q(decision__item__meeting__minutes_closed_at__isnull=False)
    refused_parents = {"decision": Q(item__meeting__minutes_closed_at__isnull=False)}

    decision = models.ForeignKey(Decision, on_delete=models.CASCADE, related_name="votes")
    tenant = models.ForeignKey(Tenant, on_delete=models.PROTECT, related_name="+")
    choice = models.CharField(_("vote"), max_length=10, choices=VoteChoice.choices)
    is_advisory = models.BooleanField(_("voix consultative"), default=False)
    cast_by = models.ForeignKey(
        Seat, on_delete=models.PROTECT, related_name="+", verbose_name=_("exprimé par")
    )
    proxy_from = models.ForeignKey(
        Seat,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("au titre du pouvoir de"),
    )

    class Meta:
        verbose_name = _("vote")
        verbose_name_plural = _("votes")
        ordering = ("tenant__code",)
        constraints = [
            models.UniqueConstraint(
                fields=("decision", "tenant"),
                name="vote_one_per_tenant",
                violation_error_message=_("Ce tenant a déjà voté sur cette décision."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.tenant.code} : {VoteChoice(self.choice).label}"

    def _meeting_id(self):
        return self.decision.item.meeting_id


class ActionStatus(models.TextChoices):
    OPEN = "open", _("À faire")
    IN_PROGRESS = "in_progress", _("En cours")
    DONE = "done", _("Faite")
    CANCELLED = "cancelled", _("Abandonnée")


class Action(models.Model):
    """An action of the plan, arising from an agenda item."""

    item = models.ForeignKey(
        AgendaItem, on_delete=models.PROTECT, related_name="actions", verbose_name=_("point")
    )
    title = models.CharField(_("action"), max_length=300)
    owner = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="+", verbose_name=_("responsable")
    )
    due_on = models.DateField(_("échéance"))
    status = models.CharField(
        _("état"), max_length=12, choices=ActionStatus.choices, default=ActionStatus.OPEN
    )
    done_on = models.DateField(_("réalisée le"), null=True, blank=True)

    class Meta:
        verbose_name = _("action")
        verbose_name_plural = _("actions")
        ordering = ("due_on", "pk")

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        return self.status in (ActionStatus.OPEN, ActionStatus.IN_PROGRESS)


class ConvocationDelivery(models.Model):
    """The convocation e-mail sent to one seat: recorded once, never sent twice."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="deliveries")
    seat = models.ForeignKey(Seat, on_delete=models.CASCADE, related_name="+")
    email = models.EmailField()
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=("meeting", "seat"),
                name="delivery_unique_seat",
                violation_error_message=_("La convocation de ce membre est déjà enregistrée."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.meeting} → {self.email}"


class FrequencyAlert(models.Model):
    """A reminder that a body is behind its yearly minimum: at most one per body and month."""

    body = models.ForeignKey(Body, on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    month = models.PositiveSmallIntegerField()
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=("body", "year", "month"),
                name="alert_unique_month",
                violation_error_message=_("L'alerte de ce mois est déjà enregistrée."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.body} {self.month:02d}/{self.year}"
